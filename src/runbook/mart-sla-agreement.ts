// One SLA per mart across a runbooks directory: where the runbooks give a mart two, one problem for that mart, naming every place.
import { placeOf, stepsAt } from './every-step.js';
import type { Runbook } from './schema.js';

interface SlaPlace {
  runbook: string;
  /** Inside its runbook: validation.steps[5].marts[0]. */
  at: string;
  dateColumn: string;
  maxLagMs: number;
  /** As the runbook wrote it (48h, 2d, 1d12h): said back so, so it is found in the file as it reads. */
  maxLag: string;
}

function slaPlaces(all: ReadonlyMap<string, Runbook>): Map<string, SlaPlace[]> {
  const byMart = new Map<string, SlaPlace[]>();
  for (const rb of all.values()) {
    for (const [at, step] of stepsAt(rb)) {
      if (step.kind !== 'mart-freshness') continue;
      step.marts.forEach((mart, k) => {
        const place = { runbook: rb.id, at: `${placeOf(at)}.marts[${k}]`, dateColumn: mart.dateColumn, maxLagMs: mart.maxLag, maxLag: mart.maxLagAsWritten };
        byMart.set(mart.table, [...(byMart.get(mart.table) ?? []), place]);
      });
    }
  }
  return byMart;
}

/** Two places give the same SLA when they read the same column and allow the same lag, however it is written (48h, 2d). */
const slaKey = (place: SlaPlace) => `${place.dateColumn} ${place.maxLagMs}`;
const slaText = (place: SlaPlace) => `${place.maxLag} on ${place.dateColumn}`;

/**
 * A mart's SLA given two ways in the directory (scenario 1's validation and scenario 4's watcher and diagnosis each list
 * the marts): one edited alone would call the same mart fresh in one place and stale in the other. Said once per mart,
 * in `rb` when it holds the place most likely edited alone: the first of those whose SLA the fewest places give.
 */
export function martSlaProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>): string[] {
  return [...slaPlaces(all)].flatMap(([table, places]) => {
    const bySla = new Map<string, SlaPlace[]>();
    for (const place of places) bySla.set(slaKey(place), [...(bySla.get(slaKey(place)) ?? []), place]);
    if (bySla.size < 2) return [];
    const fewest = Math.min(...[...bySla.values()].map((group) => group.length));
    const odd = places.find((place) => bySla.get(slaKey(place))?.length === fewest) as SlaPlace;
    if (odd.runbook !== rb.id) return [];
    const others = [...bySla.values()]
      .filter((group) => slaKey(group[0] as SlaPlace) !== slaKey(odd))
      .map((group) => `${slaText(group[0] as SlaPlace)} at ${group.map((place) => `${place.runbook}.yml ${place.at}`).join(', ')}`);
    const sameHere = (bySla.get(slaKey(odd)) ?? []).filter((place) => place !== odd).map((place) => `${place.runbook}.yml ${place.at}`);
    const here = sameHere.length > 0 ? `here and at ${sameHere.join(', ')}` : 'here';
    return [`${odd.at}: ${table} is given maxLag ${slaText(odd)} ${here}, but ${others.join('; ')}: a mart has one SLA, so make them the same`];
  });
}
