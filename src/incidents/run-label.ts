// What a run is called to the operator, in Slack and at the terminal: its kind, or "Cleanup" for a path that only tidies up.
import { firstFailure } from '../engine/step-passed.js';
import type { Run } from './state.js';

const labels: Record<string, string> = { diagnosis: 'Diagnosis', validation: 'Validation', recovery: 'Recovery', rollback: 'Rollback', inspection: 'Inspection' };

export function runLabel(run: Run): string {
  // A cleanup (dropping an incident's leftover clones) recovers nothing: "Recovery succeeded" would say it did.
  if (run.kind === 'recovery' && run.cleanup) return 'Cleanup';
  // A clone that a later plan swaps in has not recovered anything yet either.
  if (run.kind === 'recovery' && run.continuesWith) return 'First stage of the recovery';
  return labels[run.kind] ?? `${run.kind.charAt(0).toUpperCase()}${run.kind.slice(1)}`;
}

/** A cleanup that has ended: said after where its incident stands (what came before it), never in its place. */
export function cleanupEnded(run: Run): boolean {
  return Boolean(run.cleanup) && ['succeeded', 'failed', 'interrupted'].includes(run.status);
}

/** Where an incident stands after a rollback that succeeded: back where it was, never a green "succeeded". */
export const rolledBackWords = 'rolled back, so not recovered: diagnose again';

/** A run journaled "failed" whose first step not passing ended unknown: whether it did what it was to do is not known. */
export const outcomeUnknownWords = 'ended, its outcome unknown';

/**
 * How a run ended, in a word or two: a plan stopped before its first step is "not started", not "interrupted"; one that
 * stopped at a step nobody can tell the outcome of (a swap's connection lost as it ran) did not fail, as far as anyone
 * knows: its outcome is unknown.
 */
export function endedWords(run: Pick<Run, 'status' | 'startedAt'> & Partial<Pick<Run, 'steps' | 'results'>>): string {
  if (run.status === 'interrupted' && run.startedAt === undefined) return 'not started';
  if (outcomeUnknown(run)) return outcomeUnknownWords;
  return run.status;
}

/**
 * Whether a run recorded "failed" stopped at a step whose outcome nobody can tell (a swap's connection lost as it ran, a
 * backfill that printed no id): every place that says how a run ended asks this, so none calls such a run "failed".
 */
export function outcomeUnknown(run: Pick<Run, 'status'> & Partial<Pick<Run, 'steps' | 'results'>>): boolean {
  if (run.status !== 'failed' || !run.steps || !run.results) return false;
  return firstFailure(run.steps, run.results)?.status === 'unknown';
}
