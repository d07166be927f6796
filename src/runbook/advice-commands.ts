// The /databox commands a runbook's texts give (advice, whenFailed, descriptions) name scenarios its folder holds, and paths they have.
import { orList } from '../or-list.js';
import { didYouMean } from './did-you-mean.js';
import type { Runbook } from './schema.js';

/** The verbs that take a scenario (src/commands/parse.ts), and the word after them; the parser reads it in any case. */
const scenarioCommand = /\/databox\s+(?:diagnose|recover|validate)\s+([A-Za-z][\w-]*)/g;
/** A recover command and the key=value words after it, where its path= is (in any order, its letter in any case). */
const recoverCommand = /\/databox\s+recover\s+([A-Za-z][\w-]*)((?:\s+[A-Za-z_]+=[^\s`]*)*)/g;

/** Any scenario command and the key=value words after it, where its incident= is. */
const anyCommand = /\/databox\s+(diagnose|recover|validate)\s+([A-Za-z][\w-]*)((?:\s+[A-Za-z_]+=[^\s`]*)*)/g;
/** incident= given this runbook's own incident, as the engine fills it in. */
const ownIncident = /(?:^|\s)incident=\{\{\s*incident_id\??\s*\}\}/i;

/** Every text of a runbook, with where it is (diagnosis.verdicts[3].advice), in file order. */
function texts(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => texts(item, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => texts(item, at === '' ? key : `${at}.${key}`));
}

/**
 * A command naming a scenario no runbook of the folder is would be refused as an unknown scenario when someone follows
 * the advice: said once per scenario, at the first text giving it (a folder may hold only some scenarios, if the ones
 * it holds send nobody to the others). ids: the folder's runbooks; refused: those whose files are there but did not load.
 */
export function adviceCommandProblems(rb: Runbook, ids: readonly string[], refused: ReadonlySet<string>): string[] {
  const unknown = new Map<string, { at: string; command: string }[]>();
  for (const [at, text] of texts(rb, '')) {
    for (const match of text.matchAll(scenarioCommand)) {
      const scenario = (match[1] as string).toLowerCase();
      if (ids.includes(scenario) || refused.has(scenario)) continue;
      unknown.set(scenario, [...(unknown.get(scenario) ?? []), { at, command: match[0].replace(/\s+/g, ' ') }]);
    }
  }
  return [...unknown].map(([scenario, places]) => {
    const [first, ...others] = places as [{ at: string; command: string }, ...{ at: string }[]];
    const elsewhere = [...new Set(others.map((place) => place.at))].filter((at) => at !== first.at);
    const also = elsewhere.length > 0 ? ` (also at ${elsewhere.join(', ')})` : '';
    const meant = didYouMean(scenario, ids);
    const fix = meant ? 'correct the command' : `put ${scenario}.yml in this folder too, or take the command out of the text`;
    return `${first.at}: gives "${first.command}", but this folder has no runbook "${scenario}"${meant}, so that command would be refused as an unknown scenario: ${fix}${also}`;
  });
}

/**
 * A recover command naming a path its scenario does not have would be refused too (parse.ts: "path=z is not a recovery
 * path of …"): said at each text giving it. all: the folder's runbooks that loaded (one that did not has its own problems).
 */
export function advicePathProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>): string[] {
  const problems: string[] = [];
  for (const [at, text] of texts(rb, '')) {
    for (const match of text.matchAll(recoverCommand)) {
      const target = all.get((match[1] as string).toLowerCase());
      const path = /(?:^|\s)path=([^\s`]*)/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
      // A path filled in when the text is said ({{…}}) is not known here.
      if (!target || path === undefined || path.includes('{{')) continue;
      const paths = target.recovery.map((p) => p.id);
      if (paths.includes(path)) continue;
      problems.push(
        `${at}: gives "/databox recover ${target.id} path=${path}", but ${target.id} has no recovery path "${path}", so that command would be refused: use ${orList(paths.map((p) => `path=${p}`))}`,
      );
    }
  }
  return problems;
}

/**
 * A verdict's recover command of its own scenario is the diagnosed incident's recovery: typed without incident=, it
 * opens a new incident with no diagnosis, and the diagnosed one's postmortem says no recovery was proposed. Said at
 * each verdict giving one.
 */
export function verdictIncidentProblems(rb: Runbook): string[] {
  return rb.diagnosis.verdicts.flatMap((verdict, i) =>
    (['advice', 'wayOn'] as const).flatMap((key) =>
      [...(verdict[key] ?? '').matchAll(recoverCommand)]
        .filter((match) => (match[1] as string).toLowerCase() === rb.id && !/(?:^|\s)incident=/i.test(match[2] ?? ''))
        .map(
          (match) =>
            `diagnosis.verdicts[${i}].${key}: gives "${match[0].replace(/\s+/g, ' ')}" without incident=, so typed it opens a new incident with no diagnosis, and this one's postmortem says no recovery was proposed: add incident={{incident_id}}`,
        ),
    ),
  );
}

/**
 * A command giving this runbook's incident ({{incident_id}}) to another scenario is refused when followed ("incident … is
 * a mydb incident, not duckdb"): a runbook copied as a new scenario, its advice still naming the one it was copied from.
 */
export function adviceIncidentProblems(rb: Runbook): string[] {
  const byScenario = new Map<string, { at: string; command: string }[]>();
  for (const [at, text] of texts(rb, '')) {
    for (const match of text.matchAll(anyCommand)) {
      const scenario = (match[2] as string).toLowerCase();
      if (scenario === rb.id || !ownIncident.test(match[3] ?? '')) continue;
      byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), { at, command: `/databox ${match[1] as string} ${scenario} … incident={{incident_id}}` }]);
    }
  }
  return [...byScenario].map(([scenario, places]) => {
    const [first, ...others] = places as [{ at: string; command: string }, ...{ at: string }[]];
    const elsewhere = [...new Set(others.map((place) => place.at))].filter((at) => at !== first.at);
    const also = elsewhere.length > 0 ? ` (also at ${elsewhere.join(', ')})` : '';
    return `${first.at}: gives "${first.command}", but {{incident_id}} is this runbook's own incident, a ${rb.id} incident, so that command would be refused ("is a ${rb.id} incident, not ${scenario}"): name ${rb.id} in it instead of ${scenario} (was this runbook copied from ${scenario}.yml?), or leave incident= out to open a ${scenario} incident of its own${also}`;
  });
}
