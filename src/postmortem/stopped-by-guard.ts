// How the postmortem says a run ended: one stopped by its guard before any step changed data did not fail at anything,
// and "failed" beside "nothing was changed" reads as a contradiction.
import { failedChangingNothing, firstFailure } from '../engine/step-passed.js';
import type { Run } from '../incidents/state.js';

/** Whether the run failed at a guard, before any step that changes data did anything. */
export function stoppedByGuard(run: Run): boolean {
  const failed = failedChangingNothing(run) ? firstFailure(run.steps, run.results) : undefined;
  return Boolean(failed && (run.steps.find((s) => s.id === failed.stepId) as { guard?: boolean } | undefined)?.guard);
}

/** `words` (its status, or endedWords), or "stopped by its guard, nothing changed" for a run its guard stopped. */
export function orStoppedByGuard(run: Run, words: string): string {
  return stoppedByGuard(run) ? 'stopped by its guard, nothing changed' : words;
}
