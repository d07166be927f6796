// What to do about a plan another plan's changes made no longer approvable: the same words wherever it is said.
import type { Runbook } from '../runbook/schema.js';
import { hasRollbackIn, standingChanges } from './standing-changes.js';
import type { IncidentState, Run } from './state.js';
import { changesOverlap } from './changes-overlap.js';

const diagnoseAgain = 'diagnose again and propose a new plan';
const askAgain = 'ask for the rollback again: it is checked against the database as it is now';

/**
 * What to do instead of approving `run`, which `changedBy` made stale, in lower case and without a full stop: a
 * recovery is made again on a new diagnosis. A rollback is asked for again, unless asking again would be refused
 * because a later change it would be undone over stands (proposeRollback's rule): then that one is rolled back first.
 * `changedBy` still under way counts as such a change already: told first, the way is the same once it has finished.
 */
export function outdatedWhatNow(state: IncidentState, run: Run, changedBy: Run, runbookOf: (scenario: string) => Runbook | undefined): string {
  const recovery = run.kind === 'rollback' && run.rollbackOf ? state.runs.get(run.rollbackOf) : undefined;
  if (!recovery) return diagnoseAgain;
  const hasRollback = hasRollbackIn(state, runbookOf);
  const underWay = (changedBy.status === 'running' || changedBy.status === 'approved') && changedBy.kind === 'recovery' && !changedBy.cleanup;
  const undoable =
    standingChanges(state, recovery, hasRollback).undoable ??
    (underWay && changedBy.continues !== recovery.id && changesOverlap(recovery, changedBy) && hasRollback(changedBy) ? changedBy : undefined);
  if (!undoable) return askAgain;
  return `roll back ${undoable.id} first, then ask for this rollback again: rolling ${recovery.id} back before that would put back what was there before it, over ${undoable.id}'s changes`;
}

/**
 * What to do about a plan that expired once another plan had made it stale: as the expiry recorded it, or, in a journal
 * written before it was recorded, what holds for its kind (asking for a rollback again finds the way, if any is left).
 */
export const expiredWhatNow = (run: Pick<Run, 'kind' | 'outdatedWhatNow'>): string => run.outdatedWhatNow ?? (run.kind === 'rollback' ? askAgain : diagnoseAgain);

/** `whatNow` as a sentence of its own. */
export const asSentence = (whatNow: string): string => `${whatNow.charAt(0).toUpperCase()}${whatNow.slice(1)}.`;
