// Whether a recovery goes against its incident's diagnosis (a path the verdict did not offer: a warning; a database changed
// since the verdict, by a run of the bot or by hand: a refusal), and how a plan's moves are pinned against that.
import { fileAt, fileChange, type FileSeen } from '../disk/file-identity.js';
import type { ResolvedStep } from '../engine/types.js';
import { readNames } from '../runbook/params.js';
import type { Parameter, RecoveryPath } from '../runbook/schema.js';
import { diagnosedFinding, diagnosedLeftOut, followsDiagnosedWindow } from './diagnosed-window.js';
import { changedSomething, type Incident, type IncidentState, type Run } from './state.js';
import { companionSuffix } from '../duckdb/companion-files.js';

/**
 * What the plan should warn of when it does not follow from the incident's diagnosis: a path the verdict did not offer,
 * parameters other than those the diagnosis looked at (another source, another window), or no diagnosis at all. The
 * operator may know better (a typed command is never refused for it), but the approver must see that the evidence
 * pointed elsewhere, or that there is none. A path that works on what an earlier step left (needsIncident: a clone's
 * swap, a cleanup) is offered by that step, not the verdict.
 */
/**
 * What a cleanup (dropping an incident's clones) should warn of when a rollback of that incident has run since its
 * clones were made: the database is back as it was before, so a restored clone may be what a new swap needs, and a
 * dropped one comes back only through UNDROP within the retention. The approver decides; nothing is refused.
 */
export function cleanupAfterRollback(incident: Incident, recovery: RecoveryPath): string | undefined {
  if (!recovery.cleanup) return undefined;
  const rolledBack = [...incident.runs].reverse().find((r) => r.kind === 'rollback' && r.status === 'succeeded');
  if (!rolledBack) return undefined;
  return `A rollback of this incident ran (plan ${rolledBack.id}, ${rolledBack.title}): the database is back as it was before, so a restored clone this plan drops may be the one a new swap needs; once dropped, only UNDROP brings it back within the retention. Read the clones listed before approving.`;
}

export function againstDiagnosis(
  incident: Incident,
  recovery: RecoveryPath,
  params: Readonly<Record<string, string>>,
  windows: readonly { from: string; to: string }[] = [],
  diagnosingNow?: Run,
  definitions: Readonly<Record<string, Parameter>> = {},
): string | undefined {
  if (recovery.needsIncident) return undefined;
  const diagnosis = incident.diagnosis;
  if (!diagnosis && diagnosingNow) {
    return `No diagnosis yet: this plan was typed while incident ${diagnosingNow.incidentId}'s diagnosis of the same database is still running. Wait for its verdict, and recover from that incident if it offers this path; read these steps and what they will change before approving.`;
  }
  if (!diagnosis) return 'No diagnosis: this plan was typed without one, so nobody has looked at the database first. Read its steps and what they will change before approving.';
  const warnings: string[] = [];
  if (!diagnosis.paths.includes(recovery.id)) {
    const offered = diagnosis.paths.length === 0 ? 'offered no recovery' : `offered ${diagnosis.paths.map((p) => `path ${p.toUpperCase()}`).join(' or ')}`;
    warnings.push(`The diagnosis of this incident (verdict "${diagnosis.title}") ${offered}, not path ${recovery.id.toUpperCase()}: this plan was typed against it.`);
  }
  // What the diagnosis looked at (as typed) or found (what its verdict suggests, the bad window say): a plan for either
  // follows it; a value that is neither is the operator's own.
  const followed = { ...diagnosis.params, ...diagnosis.suggested };
  // A window is judged as a pair, never end by end: a typed start with a found end can reach days it found normal.
  const samePair = (w: { from: string; to: string }, values: Readonly<Record<string, string>>) => params[w.from] === values[w.from] && params[w.to] === values[w.to];
  // A verdict that offered this path and suggested no window for it (one it could not size) left the window to the
  // operator: any window given is as asked.
  const leftToOperator = (w: { from: string; to: string }) => diagnosis.paths.includes(recovery.id) && !diagnosis.suggested[w.from] && !diagnosis.suggested[w.to];
  const windowNames = new Set(
    windows
      .filter((w) => recovery.parameters.includes(w.from) && params[w.from] !== undefined && params[w.to] !== undefined)
      // The window it was typed with is followed only where it found no narrower one: typed back whole, it takes the
      // days it found normal around the bad ones.
      .filter((w) => !leftToOperator(w) && !(samePair(w, diagnosis.params) && !diagnosis.suggested[w.from]) && !samePair(w, diagnosis.suggested) && !followsDiagnosedWindow(incident, w, params))
      .flatMap((w) => [w.from, w.to]),
  );
  const inWindows = new Set(windows.flatMap((w) => [w.from, w.to]));
  const others = Object.keys(followed).filter(
    (name) =>
      !inWindows.has(name) &&
      recovery.parameters.includes(name) &&
      params[name] !== undefined &&
      params[name] !== diagnosis.params[name] &&
      params[name] !== diagnosis.suggested[name] &&
      // Fewer of the names it found (schedules=a of a,b) is what it looked at: namesLeftOut says what is left out.
      !(definitions[name]?.type === 'names' && namesWithin(params[name], followed[name])),
  );
  if (others.length > 0) {
    const was = others.map((name) => `${name}=${followed[name]}`).join(' ');
    const now = others.map((name) => `${name}=${params[name]}`).join(' ');
    warnings.push(`The diagnosis looked at ${was}; this plan is for ${now}, which it did not look at.`);
  }
  if (windowNames.size > 0) {
    const now = [...windowNames].filter((name) => params[name] !== undefined).map((name) => `${name}=${params[name]}`).join(' ');
    const finding = diagnosedFinding(incident, windows);
    // Nothing found is not days found healthy: a diagnosis that could not size a window judged none of them.
    warnings.push(
      finding
        ? `The diagnosis found ${finding}; this plan is for ${now}, which takes days it did not find bad.`
        : `The diagnosis found no window to recover (its verdict says why); this plan is for ${now}, which it did not find bad.`,
    );
  }
  return warnings.length > 0 ? `${warnings.join(' ')} Read the diagnosis' evidence before approving.` : undefined;
}

/**
 * What a plan whose window follows the diagnosis (within what it found) leaves of it: the bad days, or the part of the
 * found window, outside the plan's. Not against the diagnosis (its advice may well say to recover one run of bad days at
 * a time), but the approver must see that the rest stays as it is; undefined when the plan covers all it found.
 */
export function windowLeftOut(incident: Incident, recovery: RecoveryPath, params: Readonly<Record<string, string>>, windows: readonly { from: string; to: string }[] = []): string | undefined {
  if (recovery.needsIncident || !incident.diagnosis) return undefined;
  const given = windows.filter((w) => recovery.parameters.includes(w.from) && params[w.from] !== undefined && params[w.to] !== undefined);
  if (given.length === 0 || !given.every((w) => followsDiagnosedWindow(incident, w, params))) return undefined;
  const left = diagnosedLeftOut(incident, given, params);
  const finding = diagnosedFinding(incident, given);
  if (!left || !finding) return undefined;
  const now = given.flatMap((w) => [`${w.from}=${params[w.from]}`, `${w.to}=${params[w.to]}`]).join(' ');
  const one = /^bad day |^\d{4}-\d{2}-\d{2}( … \d{4}-\d{2}-\d{2})? of the window /.test(left);
  return `The diagnosis found ${finding}; this plan is for ${now}, which leaves out ${left}: this plan does not recover ${one ? 'it' : 'them'} (propose another plan for ${one ? 'it' : 'them'} once this one has run).`;
}

/** Whether every name of `value` is one of `found`'s, both lists of names (a,b). */
function namesWithin(value: string | undefined, found: string | undefined): boolean {
  if (value === undefined || found === undefined) return false;
  const of = new Set(readNames(found).names);
  const names = readNames(value).names;
  return names.length > 0 && names.every((name) => of.has(name));
}

/**
 * What a plan given fewer of the names the diagnosis looked at or found (schedules=a, where it found a,b) leaves out of
 * them, and what becomes of those (the parameter's leftOut: left STOPPED): not against the diagnosis, but the approver
 * must see what the plan does not do. Undefined when it leaves none out.
 */
export function namesLeftOut(incident: Incident, recovery: RecoveryPath, params: Readonly<Record<string, string>>, definitions: Readonly<Record<string, Parameter>>): string | undefined {
  const diagnosis = incident.diagnosis;
  if (recovery.needsIncident || !diagnosis) return undefined;
  const followed: Record<string, string> = { ...diagnosis.params, ...diagnosis.suggested };
  const said = Object.keys(followed).flatMap((name) => {
    const definition = definitions[name];
    const value = params[name];
    if (definition?.type !== 'names' || !recovery.parameters.includes(name) || !namesWithin(value, followed[name])) return [];
    const given = new Set(readNames(value as string).names);
    const left = readNames(followed[name] as string).names.filter((n) => !given.has(n));
    if (left.length === 0) return [];
    return [`The diagnosis looked at ${name}=${followed[name]}; this plan is for ${name}=${value}, which leaves out ${left.join(', ')} (${definition.leftOut ?? 'not acted on by this plan'}).`];
  });
  return said.length > 0 ? said.join(' ') : undefined;
}

/**
 * A plan is made on what the diagnosis saw. Once a plan has changed the database since (a recovery that ran), another
 * plan made on that diagnosis would act on a database nobody has looked at: a second rebuild would move the healthy,
 * rebuilt file aside. The latest run that did, if any; a path that works on what an earlier step left (a swap, a
 * cleanup) is made on those changes, and is not asked. `changedWhatItSaw` tells runs that left the database itself
 * alone (a clone made beside it, clones dropped) from those that did not. `which` 'first': the run that first did (the
 * one that spent the verdict's buttons, spent-offers.ts).
 */
export function changedSinceDiagnosis(incident: Incident, recovery: RecoveryPath, state: IncidentState, lockKey: string, changedWhatItSaw: (run: Run) => boolean, which: 'latest' | 'first' = 'latest'): Run | undefined {
  if (recovery.needsIncident || recovery.cleanup) return undefined;
  // From when the diagnosis began to read (a change made while it read is one it may not have seen); an incident with
  // no diagnosis, from when it opened: its first plan was typed blind, a second one would be made on its changes.
  const diagnosis = incident.diagnosis;
  const since = diagnosis ? (incident.runs.find((r) => r.id === diagnosis.runId)?.startedAt ?? diagnosis.at) : incident.openedAt;
  return state.latestChange(lockKey, since, (run) => changedSomething(run) && changedWhatItSaw(run), which);
}

/**
 * A file the plan would move that is not what the diagnosis opened (someone put a healthy database in place of the
 * corrupt one since, or restored the missing one): the verdict is about a file the plan no longer moves. The first such
 * file and how it changed ("it was …; it is … now"), or undefined. Only the files a diagnosis step recorded are asked.
 */
export function movedFileChangedSinceDiagnosis(incident: Incident, recovery: RecoveryPath, steps: readonly ResolvedStep[]): { file: string; change: string } | undefined {
  if (recovery.needsIncident || recovery.cleanup) return undefined;
  const diagnosis = incident.diagnosis;
  const run = diagnosis ? incident.runs.find((r) => r.id === diagnosis.runId) : undefined;
  if (!run) return undefined;
  const seenAt = filesDiagnosed(run);
  for (const step of steps) {
    if (step.kind !== 'move' || step.guard) continue;
    const seen = seenAt.get(step.from);
    const change = seen && fileChange(seen, fileAt(step.from));
    if (change) return { file: step.from, change };
  }
  return undefined;
}

/**
 * The files a diagnosis' opens recorded, as they were then. One that opened is one the stack may have written since (its
 * loads go on while SQLMesh is desynced, say): only another file in its place counts as changed. One that did not open
 * (corrupt, empty, not DuckDB) nothing writes: any change to it is someone's hand.
 */
function filesDiagnosed(run: Run): Map<string, FileSeen> {
  return new Map(
    run.results.flatMap((result) => {
      const step = run.steps.find((s) => s.id === result.stepId);
      if (step?.kind !== 'duckdb-open' || !result.seen) return [];
      const opened = result.status === 'ok';
      return Object.entries(result.seen).flatMap(([file, seen]) => {
        // The log of a database in use comes and goes with its checkpoints: only a file that did not open pins its log.
        if (opened && file !== step.path) return [];
        return [[file, opened && !('absent' in seen) ? { ...seen, writtenMeanwhile: true as const } : seen] as const];
      });
    }),
  );
}

/**
 * A plan's moves pinned as the diagnosis' opens allow: a file the diagnosis opened may be written by the stack before
 * the plan runs, so only another file in its place stops the plan (see filesDiagnosed).
 */
export function pinnedAsDiagnosed(incident: Incident, steps: ResolvedStep[]): ResolvedStep[] {
  const diagnosis = incident.diagnosis;
  const run = diagnosis ? incident.runs.find((r) => r.id === diagnosis.runId) : undefined;
  if (!run) return steps;
  return pinnedAsWritten(steps, new Set([...filesDiagnosed(run)].filter(([, seen]) => !('absent' in seen) && seen.writtenMeanwhile).map(([file]) => file)));
}

/**
 * A plan's moves of files the stack may write meanwhile (`written`: a database in use, a rebuilt one a rollback would
 * move aside) pinned to the file itself, not its size and times; their logs, which come and go, not pinned at all.
 */
export function pinnedAsWritten(steps: ResolvedStep[], written: ReadonlySet<string>): ResolvedStep[] {
  return steps.map((step) => {
    if (step.kind !== 'move' || !step.asPlanned) return step;
    if (written.has(step.from) && !('absent' in step.asPlanned)) return { ...step, asPlanned: { ...step.asPlanned, writtenMeanwhile: true as const } };
    // Its logs come and go with its checkpoints: not pinned (they move with the file, wherever that goes).
    const suffix = companionSuffix(step.from);
    if (suffix && written.has(step.from.slice(0, -suffix.length))) {
      const { asPlanned: seen, ...unpinned } = step;
      // Not there as the plan is made is still said: the plan shows the move with nothing to move yet.
      return 'absent' in seen ? { ...unpinned, absentWhenPlanned: true } : unpinned;
    }
    return step;
  });
}
