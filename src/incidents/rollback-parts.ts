// The parts of a rollback (inspect steps, guards, previews, steps) that undo what a recovery run did: those bound (onlyIfRan) to a step that ran, and those bound to none.
import type { RecoveryPath } from '../runbook/schema.js';
import { resultMayHaveChanged, type Run } from './state.js';

/** The steps of a recovery run that changed, or may have changed, something. */
export function ranSteps(run: Run): Set<string> {
  return new Set(run.results.filter((r) => resultMayHaveChanged(run, r)).map((r) => r.stepId));
}

/** Of a rollback's guards, previews or steps, those bound to no recovery step or to one that ran (or may have). */
export function boundToRan<T extends { onlyIfRan?: string }>(parts: readonly T[], run: Run): T[] {
  const ran = ranSteps(run);
  return parts.filter((part) => part.onlyIfRan === undefined || ran.has(part.onlyIfRan));
}

/** What a rollback of this recovery run is made of: the parts of its path's rollback that undo what the run did. */
export function rollbackPartsFor(path: RecoveryPath, run: Run): { inspect: RecoveryPath['steps']; guards: RecoveryPath['steps']; previews: NonNullable<RecoveryPath['rollback']>['previews']; steps: RecoveryPath['steps'] } {
  return {
    inspect: boundToRan(path.rollback?.inspect ?? [], run),
    guards: boundToRan(path.rollback?.guards ?? [], run),
    previews: boundToRan(path.rollback?.previews ?? [], run),
    steps: boundToRan(path.rollback?.steps ?? [], run),
  };
}
