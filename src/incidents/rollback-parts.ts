// The parts of a rollback (inspect steps, guards, previews, steps) that undo what a recovery run did: those bound (onlyIfRan) to a step that ran, and those bound to none.
import { rollbackParts, type RollbackPart } from '../runbook/rollback-parts.js';
import type { RecoveryPath } from '../runbook/schema.js';
import { resultMayHaveChanged, type Run } from './state.js';

/** The steps of a recovery run that changed, or may have changed, something. */
export function ranSteps(run: Run): Set<string> {
  return new Set(run.results.filter((r) => resultMayHaveChanged(run, r)).map((r) => r.stepId));
}

/** The parts of its path's rollback that undo what the run did: bound to no recovery step, or to one that ran (or may have). */
export function partsUndoing(path: RecoveryPath, run: Run): RollbackPart[] {
  const ran = ranSteps(run);
  return rollbackParts(path.rollback).filter(({ part }) => undoesWhatRan(part, ran));
}

/** Of a rollback's other bound parts (its notUndone notes), those bound to no recovery step or to one that ran (or may have). */
export function boundToRan<T extends { onlyIfRan?: string }>(parts: readonly T[], run: Run): T[] {
  const ran = ranSteps(run);
  return parts.filter((part) => undoesWhatRan(part, ran));
}

function undoesWhatRan(part: { onlyIfRan?: string }, ran: Set<string>): boolean {
  return part.onlyIfRan === undefined || ran.has(part.onlyIfRan);
}

/** What a rollback of this recovery run is made of, by list: the parts of its path's rollback that undo what the run did. */
export function rollbackPartsFor(path: RecoveryPath, run: Run): { inspect: RecoveryPath['steps']; guards: RecoveryPath['steps']; previews: NonNullable<RecoveryPath['rollback']>['previews']; steps: RecoveryPath['steps'] } {
  const parts = partsUndoing(path, run);
  const stepsIn = (list: 'inspect' | 'guards' | 'steps') => parts.flatMap((p) => (p.list !== 'previews' && p.list === list ? [p.part] : []));
  return { inspect: stepsIn('inspect'), guards: stepsIn('guards'), previews: parts.flatMap((p) => (p.list === 'previews' ? [p.part] : [])), steps: stepsIn('steps') };
}
