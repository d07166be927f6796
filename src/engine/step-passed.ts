// The one definition of "this step passed": ok, skipped, or a status the runbook accepts for it. Every front end uses it.
import { stepKinds, type AnyStepKind } from './steps/index.js';
import { keptBy, type RowChangingStep } from './steps/rows-kept-first.js';
import { partWayChangedNothing } from './may-have-changed.js';

export interface StepAcceptance {
  acceptStatuses: readonly string[];
}

/**
 * How a finished step reads: passed (ok), skipped, accepted (a status the runbook lets pass), failed, or not started
 * (a stop came before it began: it did not pass, but neither did it fail or find anything).
 */
export type StepOutcome = 'passed' | 'skipped' | 'accepted' | 'failed' | 'not-started';

export function stepOutcome(step: StepAcceptance | undefined, status: string): StepOutcome {
  if (status === 'ok') return 'passed';
  if (status === 'skipped') return 'skipped';
  if (status === notStartedStatus) return 'not-started';
  return step?.acceptStatuses.includes(status) ? 'accepted' : 'failed';
}

/** The engine's status for a step a stop came before (Ctrl-C, the bot stopping): on the record, said "not started". */
export const notStartedStatus = 'not-started';

/** A step's status as people read it: "not started" in words, every other status as it is recorded. */
export const statusSaid = (status: string): string => (status === notStartedStatus ? 'not started' : status);

/** True when the step does not fail its run: ok, skipped (its condition did not hold), or an accepted status. */
export function stepPassed(step: StepAcceptance | undefined, status: string): boolean {
  const outcome = stepOutcome(step, status);
  return outcome === 'passed' || outcome === 'skipped' || outcome === 'accepted';
}

/** The results of the steps a stop came before: listed as not started, never among the failures. */
export function notStartedResults<R extends { status: string }>(results: readonly R[]): R[] {
  return results.filter((r) => r.status === notStartedStatus);
}

/** The first result of a run whose step did not pass, if any. */
export function firstFailure<R extends { stepId: string; status: string }>(
  steps: readonly (StepAcceptance & { id: string })[],
  results: readonly R[],
): R | undefined {
  return results.find((r) => !stepPassed(steps.find((s) => s.id === r.stepId), r.status));
}

/**
 * The results that did not pass besides the first (a validation runs every check): each is news of its own, which the
 * first failure's headline alone hides (the mart's count low, and the raw day emptied beside it). A step a stop came
 * before did not fail: notStartedResults lists those.
 */
export function otherFailures<R extends { stepId: string; status: string }>(steps: readonly (StepAcceptance & { id: string })[], results: readonly R[]): R[] {
  const first = firstFailure(steps, results);
  return results.filter((r) => r !== first && r.status !== notStartedStatus && !stepPassed(steps.find((s) => s.id === r.stepId), r.status));
}

/**
 * How to say where a run that did not pass failed: "stopped at" its failed step, or "first failed at" it when later
 * steps ran past it (a validation runs every check), where "stopped at" would be untrue.
 */
export function failedAtWords(steps: readonly { id: string }[], results: readonly { stepId: string }[], failedStepId: string): 'first failed at' | 'stopped at' {
  const at = steps.findIndex((s) => s.id === failedStepId);
  return results.some((r) => steps.findIndex((s) => s.id === r.stepId) > at) ? 'first failed at' : 'stopped at';
}

/**
 * Whether a step changes data when it runs: not a guard, nor the engine's named snapshot (what a rollback restores), nor
 * rows kept in a file (export-rows: the database is as it was; its file is listed with the step's result), nor a new
 * database made beside it (a clone: onlyMakesNew).
 */
export function changesData(step: { kind: string; mutates: boolean; guard?: boolean }): boolean {
  return step.mutates && !step.guard && step.kind !== 'named-snapshot' && step.kind !== 'export-rows' && !onlyMakesNew(step);
}

/** Whether the step writes only something new beside the database (its kind's onlyMakesNew: a clone made from it). */
function onlyMakesNew(step: { kind: string }): boolean {
  const kind = (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind);
  return Boolean((kind?.onlyMakesNew as ((s: unknown) => boolean) | undefined)?.(step));
}

/**
 * Whether a plan's writing steps make only something new beside its database (a clone) besides what changes no data (the
 * engine's snapshot, rows kept in a file): run, it leaves the database as it was, and plans made on it still hold.
 */
export function writesOnlyBeside(steps: readonly { kind: string; mutates: boolean; guard?: boolean }[]): boolean {
  const writing = steps.filter((step) => step.mutates && !step.guard);
  return writing.some(onlyMakesNew) && !writing.some(changesData);
}

/** The titles of the steps that ran and made only something new beside the database (a clone), said where "nothing changed" is. */
export function madeOnlyBeside(run: { steps: readonly { id: string; kind: string; title: string; mutates: boolean }[]; results: readonly { stepId: string; status: string }[] }): string[] {
  return run.results.flatMap((r) => {
    const step = run.steps.find((s) => s.id === r.stepId);
    return step && step.mutates && r.status === 'ok' && onlyMakesNew(step) ? [step.title] : [];
  });
}

/**
 * The steps of a run that did not pass which changed data before it stopped, and the one it stopped at when that one
 * changes data (it may have done part of it): what the database holds now differs from before by them (a DELETE
 * committed, then a reload that failed half-way), in the order they ran.
 */
export function changedBeforeStopping<R extends { stepId: string; status: string; summary: string; untouched?: true; outputs?: Record<string, unknown> }>(
  steps: readonly (StepAcceptance & { id: string; kind: string; title: string; mutates: boolean; guard?: boolean })[],
  results: readonly R[],
): { title: string; summary: string; partly?: true; elsewhere?: string }[] {
  return results.flatMap((r) => {
    const step = steps.find((s) => s.id === r.stepId);
    // A step known to have changed nothing (a move not done, rows kept only in a file, a schedule start that found each
    // already RUNNING), whether it failed or completed: only an end nobody can tell (unknown) may have changed something.
    // Nor one whose outputs say it stopped before changing anything, as its kind reads them (partWay).
    if (!step || !changesData(step) || r.status === 'skipped' || r.status === notStartedStatus || (r.untouched && r.status !== 'unknown') || partWayChangedNothing(step.kind, r)) return [];
    const summary = `${r.summary}${keptFirstIn(step, steps, results)}`;
    const kind = (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind);
    // What it changes, where that is not the plan's database (Dagster's schedules).
    const elsewhere = kind?.changesElsewhere ? { elsewhere: kind.changesElsewhere } : {};
    if (r.status === 'ok' || step.acceptStatuses.includes(r.status)) return [{ title: step.title, summary, ...elsewhere }];
    // The step it stopped at (failed, timed out, its answer lost) may have done part of its work: a reload half-loaded;
    // its kind may say what to look at instead (a daemon it started and left running).
    const partWay = kind?.stoppedPartWay?.(step, r) ?? 'it stopped part-way, and may have changed part of what it changes: look at the data before acting on it';
    return [{ title: step.title, summary: `${summary}; ${partWay}`, partly: true, ...elsewhere }];
  });
}

/**
 * Where the rows a DELETE or UPDATE changed were kept first (the file of the export-rows step keeping exactly those
 * rows, as the load-time rule pairs them), said with it: the plan named the file, but the failure is read first.
 */
function keptFirstIn(step: { id: string; kind: string }, steps: readonly { id: string; kind: string }[], results: readonly { stepId: string; status: string; outputs?: Record<string, unknown> }[]): string {
  if (step.kind !== 'sql' || typeof (step as { sql?: unknown }).sql !== 'string') return '';
  const earlier = steps.slice(0, steps.indexOf(step)) as unknown as readonly ({ kind: string } & Record<string, unknown>)[];
  const keep = keptBy(step as unknown as RowChangingStep, earlier);
  const file = keep && results.find((r) => r.stepId === keep.id && r.status === 'ok')?.outputs?.file;
  return typeof file === 'string' ? `; the rows it changed were kept first in ${file}` : '';
}

/**
 * A run that failed before any step that changes data had done anything (stopped by its guard: the file held, say):
 * said in so many words, so a red "failed" does not send someone to check data nothing touched. An interrupted run
 * that had started is said so only when the step it was in (the first without a result: steps run one after another)
 * changes nothing either, a guard say: any other may have changed something with no result to say so.
 */
export function failedChangingNothing(
  run: { status: string; startedAt?: string; steps: Parameters<typeof changedBeforeStopping>[0]; results: Parameters<typeof changedBeforeStopping>[1] },
): boolean {
  if (!run.steps.some(changesData)) return false;
  if (run.status === 'interrupted') {
    if (run.startedAt === undefined) return false;
    const inFlight = run.steps.find((step) => !run.results.some((result) => result.stepId === step.id));
    if (inFlight && changesData(inFlight)) return false;
  } else if (run.status !== 'failed' || run.results.length === 0) return false;
  return changedBeforeStopping(run.steps, run.results).length === 0;
}

export const changedNothingWords = 'Nothing was changed: it stopped before any step that changes data did anything.';

/** The words for a run that failedChangingNothing: a clone it made beside the database is said, as the database's own data is not. */
export function changedNothingSaid(run: Parameters<typeof madeOnlyBeside>[0]): string {
  const beside = madeOnlyBeside(run);
  if (beside.length === 0) return changedNothingWords;
  return `Nothing in the database was changed: it stopped before any step that changes data did anything. It made only something new beside it: ${beside.join('; ')}.`;
}

/** "6 steps passed, 2 skipped (each says why)": a run's steps as they ended, in Slack and at a terminal alike. */
export function passedCount(steps: readonly (StepAcceptance & { id: string })[], results: readonly { stepId: string; status: string }[]): string {
  const outcomes = results.map((r) => stepOutcome(steps.find((s) => s.id === r.stepId), r.status));
  const skipped = outcomes.filter((o) => o === 'skipped').length;
  const passed = outcomes.filter((o) => o === 'passed' || o === 'accepted').length;
  const notStarted = outcomes.filter((o) => o === 'not-started').length;
  const failed = outcomes.length - skipped - passed - notStarted;
  return `${passed} step${passed === 1 ? '' : 's'} passed${skipped > 0 ? `, ${skipped} skipped (each says why)` : ''}${failed > 0 ? `, ${failed} did not` : ''}${notStarted > 0 ? `, ${notStarted} not started` : ''}`;
}

/** Statuses that are what a check hopes to find, not a problem it lets pass: no note is needed to read them as a pass. */
const goodNews = new Set(['restorable', 'healthy', 'fresh', 'named-found', 'already-running']);

/**
 * " (accepted by this check)" after a status a guard accepts though it reads as a problem (a guard that only refuses a
 * held file passes a corrupt one); nothing for good news (a moment "restorable") nor for any other step, whose accepted
 * status is its goal (a mart "fresh").
 */
export function acceptedNote(step: (StepAcceptance & { guard?: boolean }) | undefined, status: string): string {
  return step?.guard && !goodNews.has(status) && stepOutcome(step, status) === 'accepted' ? ' (accepted by this check)' : '';
}
