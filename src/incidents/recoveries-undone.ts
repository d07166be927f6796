// Another incident's recoveries a plan going back to a moment would undo (its swap ran after that moment): named in the
// plan beside the writes it counts, since "undoes 2 writes" does not say that one of them was a recovery someone approved;
// and, once such a plan ran, said in the status of the incident it undid.
import { writesOnlyBeside } from '../engine/step-passed.js';
import type { SnapshotHistoryStep } from '../engine/steps/snapshot-history-step.js';
import type { ResolvedStep } from '../engine/types.js';
import { MinHeap } from '../min-heap.js';
import { endedWords, outcomeUnknownWords } from './run-label.js';
import type { Incident, IncidentState, Run } from './state.js';

/** The moment the plan goes back to, as its snapshot-history check read it when the plan was made, and how it is said. */
export function momentOf(steps: readonly ResolvedStep[]): { ms: number; said: string; database: string } | undefined {
  for (const step of steps) {
    if (step.kind !== 'snapshot-history') continue;
    const history = step as unknown as SnapshotHistoryStep;
    const since = history.writesWhenPlanned?.since;
    // MotherDuck's times are UTC, to the microsecond: to the millisecond is close enough to order runs by.
    const ms = since ? Date.parse(`${since.slice(0, 23).replace(' ', 'T')}Z`) : Number.NaN;
    if (Number.isFinite(ms)) return { ms, said: history.at ? `${history.at} UTC` : `snapshot '${history.snapshot}'`, database: history.database };
  }
  return undefined;
}

/**
 * The latest validation that followed the run: of its incident, started after it ended and before the incident's next
 * recovery or rollback started (a validation after a later attempt checked that attempt, not this one).
 */
function validationAfter(state: IncidentState, run: Run): Run | undefined {
  const runs = state.incidents.get(run.incidentId)?.runs ?? [];
  const ended = run.finishedAt ?? '';
  const next = runs.find((r) => r.id !== run.id && (r.kind === 'recovery' || r.kind === 'rollback') && r.startedAt !== undefined && r.startedAt >= ended)?.startedAt;
  return runs.filter((r) => r.kind === 'validation' && r.startedAt !== undefined && r.startedAt >= ended && (next === undefined || r.startedAt < next)).at(-1);
}

/** ", its validation passed" (or how it ended) of the validation that followed the run (validationAfter), when there is one. */
function validatedSaid(validation: Run | undefined): string {
  if (!validation) return '';
  return validation.status === 'succeeded' ? ', its validation passed' : `, its validation ${endedWords(validation)}`;
}

/** How a standing recovery ended, and when: one that did not succeed is said to have maybe changed the database, as it may have. */
function endedSaid(run: Run, database: string): string {
  const when = `${(run.finishedAt ?? run.startedAt ?? '').slice(0, 16).replace('T', ' ')} UTC`;
  if (run.status === 'succeeded') return `ran at ${when}`;
  const ended = endedWords(run);
  if (ended === outcomeUnknownWords) return `${ended}, at ${when}`;
  return `${ended} at ${when} and may have changed ${database} before it stopped`;
}

/** Recoveries that changed the database and still stand (IncidentState.standingRecoveries), started, and not clones only. */
function standing(state: IncidentState): (run: Run) => boolean {
  const stands = state.standingRecoveries();
  return (r) => stands(r) && r.startedAt !== undefined && !writesOnlyBeside(r.steps);
}

/** An incident's latest standing recovery, and the later recovery of another incident that undid it by going back to a moment before it. */
export interface UndoneByOther {
  incident: Incident;
  recovery: Run;
  by: Run;
  /** The moment `by` went back to, as its plan said it. */
  backTo: string;
}

/** A standing recovery that went back to a moment: when it started, and the moment it went back to, read once. */
interface GoingBack {
  run: Run;
  startedMs: number;
  moment: { ms: number; said: string };
}

/**
 * What undoneByOther compares an incident's recovery with, read from the state once: the standing recoveries, and, per
 * database, those that went back to a moment, in journal order. Comparing each incident with every run instead grew
 * with their product (a journal of 1,300 incidents took a minute to give a status).
 */
export interface GoingBackIndex {
  stands: (run: Run) => boolean;
  byDatabase: ReadonlyMap<string, readonly GoingBack[]>;
}

export function goingBackIndex(state: IncidentState): GoingBackIndex {
  const stands = standing(state);
  const byDatabase = new Map<string, GoingBack[]>();
  const goesBackTo = (run: Run) => momentOf(run.steps) ?? (run.continues ? momentOf(state.runs.get(run.continues)?.steps ?? []) : undefined);
  for (const run of state.runs.values()) {
    const startedMs = Date.parse(run.startedAt ?? '');
    if (!Number.isFinite(startedMs) || !stands(run)) continue;
    const moment = goesBackTo(run);
    if (!moment) continue;
    const onDatabase = byDatabase.get(run.lockKey) ?? [];
    onDatabase.push({ run, startedMs, moment });
    byDatabase.set(run.lockKey, onDatabase);
  }
  return { stands, byDatabase };
}

/**
 * Whether a recovery of another incident undid the incident's latest standing recovery since, on the same database, by
 * going back to a moment before it (a swap puts its clone's moment in place): the incident reads as recovered, and is not.
 */
export function undoneByOther(state: IncidentState, incident: Incident, index = goingBackIndex(state)): UndoneByOther | undefined {
  const recovery = incident.runs.filter(index.stands).at(-1);
  const ranAt = Date.parse(recovery?.finishedAt ?? '');
  if (!recovery || !Number.isFinite(ranAt)) return undefined;
  for (const { run: by, startedMs, moment } of index.byDatabase.get(recovery.lockKey) ?? []) {
    if (by.incidentId !== incident.id && startedMs > ranAt && moment.ms < ranAt) return { incident, recovery, by, backTo: moment.said };
  }
  return undefined;
}

/** Each incident, by id, another incident's recovery undid (undoneByOther), in the order of the incidents. */
export function undoneIncidents(state: IncidentState): Map<string, UndoneByOther> {
  const index = goingBackIndex(state);
  const latestByDatabase = new Map<string, LatestRecovery[]>();
  for (const incident of state.incidents.values()) {
    const recovery = incident.runs.filter(index.stands).at(-1);
    const ranAt = Date.parse(recovery?.finishedAt ?? '');
    if (!recovery || !Number.isFinite(ranAt)) continue;
    const onDatabase = latestByDatabase.get(recovery.lockKey) ?? [];
    onDatabase.push({ incident, recovery, ranAt });
    latestByDatabase.set(recovery.lockKey, onDatabase);
  }
  const found = new Map<string, UndoneByOther>();
  for (const [lockKey, latest] of latestByDatabase) {
    for (const [recovery, by] of firstUndoing(latest, index.byDatabase.get(lockKey) ?? [])) {
      found.set(recovery.incident.id, { incident: recovery.incident, recovery: recovery.recovery, by: by.run, backTo: by.moment.said });
    }
  }
  return new Map([...state.incidents.keys()].flatMap((id) => (found.has(id) ? [[id, found.get(id) as UndoneByOther] as const] : [])));
}

interface LatestRecovery {
  incident: Incident;
  recovery: Run;
  ranAt: number;
}

/**
 * For each recovery on one database, the first run in the journal (of `goingBack`, the database's, in journal order) of
 * another incident that started after it ended and went back to a moment before that: what undoneByOther finds for
 * each, in one sweep from the latest recovery back. Going back in time, the runs that started after a recovery only
 * grow in number, and one that went back to a moment at or after it can undo none of the earlier ones: it is let go.
 */
function firstUndoing(recoveries: readonly LatestRecovery[], goingBack: readonly GoingBack[]): Map<LatestRecovery, GoingBack> {
  const latestStartFirst = goingBack.map((entry, order) => ({ entry, order })).sort((a, b) => b.entry.startedMs - a.entry.startedMs);
  const firstInJournal = new MinHeap<{ entry: GoingBack; order: number }>((a, b) => a.order < b.order);
  const found = new Map<LatestRecovery, GoingBack>();
  let started = 0;
  for (const recovery of [...recoveries].sort((a, b) => b.ranAt - a.ranAt)) {
    while (started < latestStartFirst.length && (latestStartFirst[started]?.entry.startedMs ?? 0) > recovery.ranAt) firstInJournal.push(latestStartFirst[started++] as { entry: GoingBack; order: number });
    // The incident's own runs may undo another's: set aside while its answer is read, and put back.
    const own: { entry: GoingBack; order: number }[] = [];
    let first = firstInJournal.peek();
    while (first && (first.entry.moment.ms >= recovery.ranAt || first.entry.run.incidentId === recovery.incident.id)) {
      const taken = firstInJournal.pop() as { entry: GoingBack; order: number };
      if (taken.entry.moment.ms < recovery.ranAt) own.push(taken);
      first = firstInJournal.peek();
    }
    if (first) found.set(recovery, first.entry);
    for (const entry of own) firstInJournal.push(entry);
  }
  return found;
}

/**
 * For the status: each undone incident's runs from its latest standing recovery on (undoneIncidents), with what is said
 * of it there, by run id.
 */
export function undoneByOthers(state: IncidentState): Map<string, string> {
  const undone = new Map<string, string>();
  for (const { incident, recovery, by, backTo } of undoneIncidents(state).values()) {
    const said = `not recovered: plan ${by.id} (${by.title}) of incident ${by.incidentId} went back to ${backTo}, before ${recovery.id} ran, undoing it; diagnose again`;
    for (const run of incident.runs.slice(incident.runs.indexOf(recovery))) undone.set(run.id, said);
  }
  return undone;
}

/**
 * What the plan must say when going back to its moment undoes recoveries of other incidents that changed the same
 * database since and still stand (IncidentState.standingRecoveries: one a rollback undid left nothing, one that changed
 * nothing is none): each named, with its incident, how it ended and when, and the validation that followed it. An
 * incident is said to be no longer recovered only when one of them recovered it (succeeded, or its validation passed).
 */
export function recoveriesUndoneSaid(state: IncidentState, incidentId: string, lockKey: string, steps: readonly ResolvedStep[]): string | undefined {
  const moment = momentOf(steps);
  if (!moment) return undefined;
  const stands = standing(state);
  const undone = [...state.runs.values()].filter(
    (r) => r.incidentId !== incidentId && r.lockKey === lockKey && stands(r) && Date.parse(r.finishedAt ?? r.startedAt ?? '') > moment.ms,
  );
  if (undone.length === 0) return undefined;
  const validations = new Map(undone.map((r) => [r, validationAfter(state, r)]));
  const each = undone.map((r) => `plan ${r.id} (${r.title}) of incident ${r.incidentId}, which ${endedSaid(r, moment.database)}${validatedSaid(validations.get(r))}`);
  const incidents = new Set(undone.map((r) => r.incidentId));
  const whose = incidents.size > 1 ? "other incidents' recoveries" : undone.length > 1 ? "another incident's recoveries" : "another incident's recovery";
  const recovered = [...new Set(undone.filter((r) => r.status === 'succeeded' || validations.get(r)?.status === 'succeeded').map((r) => r.incidentId))];
  const [they, them] = undone.length === 1 ? ['it', 'it'] : ['they', 'them'];
  const changed = undone.some((r) => r.status === 'succeeded') ? 'changed' : 'may have changed';
  const noLonger =
    recovered.length === 0 ? '' : incidents.size === 1 ? ', and that incident is no longer recovered' : `, and ${recovered.length === 1 ? 'incident' : 'incidents'} ${recovered.join(' and ')} ${recovered.length === 1 ? 'is' : 'are'} no longer recovered`;
  return `Going back to ${moment.said} also undoes ${whose}, approved and run on ${moment.database} since: ${each.join('; ')}. What ${they} ${changed} goes with the writes counted${noLonger}: read ${them} before approving.`;
}
