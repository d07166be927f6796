// One SLA per mart across a runbooks directory: where the runbooks give a mart two, one problem for that mart, naming every place.
import { placeOf, stepsAt } from './every-step.js';
import type { Runbook } from './schema.js';
import { pathOfText, type DataPath } from './yaml-lines.js';

/** The line a runbook's value was written on, through aliases (read-yaml.ts's nodeLineOf), by runbook id. */
export type NodeLine = (runbook: string, at: DataPath) => number | undefined;

interface SlaPlace {
  runbook: string;
  /** Inside its runbook: validation.steps[5].marts[0]. */
  at: string;
  /** The same list read again through a YAML alias (schedule.yml's validation reusing its diagnosis' `*marts`). */
  aliases: string[];
  dateColumn: string;
  maxLagMs: number;
  /** As the runbook wrote it (48h, 2d, 1d12h): said back so, so it is found in the file as it reads. */
  maxLag: string;
}

/**
 * Each mart's places, one per YAML node: an alias of an anchor is the same text, edited once, so it is no second place
 * agreeing with the first (two against two would leave the edited file undecided).
 */
function slaPlaces(all: ReadonlyMap<string, Runbook>, nodeLine: NodeLine): Map<string, SlaPlace[]> {
  const byMart = new Map<string, SlaPlace[]>();
  const byNode = new Map<string, SlaPlace>();
  for (const rb of all.values()) {
    for (const [at, step] of stepsAt(rb)) {
      if (step.kind !== 'mart-freshness') continue;
      step.marts.forEach((mart, k) => {
        const where = `${placeOf(at)}.marts[${k}]`;
        const line = nodeLine(rb.id, pathOfText(where) ?? []);
        const node = `${mart.table} ${rb.id} ${line ?? where}`;
        const same = byNode.get(node);
        if (same) {
          same.aliases.push(where);
          return;
        }
        const place = { runbook: rb.id, at: where, aliases: [], dateColumn: mart.dateColumn, maxLagMs: mart.maxLag, maxLag: mart.maxLagAsWritten };
        byNode.set(node, place);
        byMart.set(mart.table, [...(byMart.get(mart.table) ?? []), place]);
      });
    }
  }
  return byMart;
}

/** Two places give the same SLA when they read the same column and allow the same lag, however it is written (48h, 2d). */
const slaKey = (place: SlaPlace) => `${place.dateColumn} ${place.maxLagMs}`;
const slaText = (place: SlaPlace) => `${place.maxLag} on ${place.dateColumn}`;
const readAgain = (place: SlaPlace) => (place.aliases.length > 0 ? ` (read again at ${place.aliases.join(', ')} through a YAML alias)` : '');
const placeText = (place: SlaPlace) => `${place.runbook}.yml ${place.at}${readAgain(place)}`;

/**
 * A mart's SLA given two ways in the directory (scenario 1's validation and scenario 4's watcher and diagnosis each list
 * the marts): one edited alone would call the same mart fresh in one place and stale in the other. Said once per mart,
 * in `rb` when it holds the place most likely edited alone: the first of those whose SLA the fewest places give.
 * notLoaded: the runbooks whose files did not load, whose places are not counted (said, as they may break a tie).
 */
export function martSlaProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>, nodeLine: NodeLine, notLoaded: ReadonlySet<string> = new Set()): string[] {
  const uncounted = notLoaded.size > 0 ? ` (not counted: ${[...notLoaded].map((id) => `${id}.yml`).join(', ')}, which did not load)` : '';
  return [...slaPlaces(all, nodeLine)].flatMap(([table, places]) => {
    const bySla = new Map<string, SlaPlace[]>();
    for (const place of places) bySla.set(slaKey(place), [...(bySla.get(slaKey(place)) ?? []), place]);
    if (bySla.size < 2) return [];
    const fewest = Math.min(...[...bySla.values()].map((group) => group.length));
    const odd = places.find((place) => bySla.get(slaKey(place))?.length === fewest) as SlaPlace;
    if (odd.runbook !== rb.id) return [];
    const others = [...bySla.values()].filter((group) => slaKey(group[0] as SlaPlace) !== slaKey(odd)).map((group) => `${slaText(group[0] as SlaPlace)} at ${group.map(placeText).join(', ')}`);
    const sameHere = (bySla.get(slaKey(odd)) ?? []).filter((place) => place !== odd).map(placeText);
    const here = `here${readAgain(odd)}${sameHere.length > 0 ? ` and at ${sameHere.join(', ')}` : ''}`;
    return [`${odd.at}: ${table} is given maxLag ${slaText(odd)} ${here}, but ${others.join('; ')}: a mart has one SLA, so make them the same${uncounted}`];
  });
}
