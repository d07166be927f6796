// What still stands over a recovery on its database: the later changes its rollback would put back what was before, over.
import type { Runbook } from '../runbook/schema.js';
import { changesOverlap } from './changes-overlap.js';
import type { IncidentState, Run } from './state.js';

/** Whether a recovery's path, in the runbooks as loaded, has a rollback the bot can propose. */
export function hasRollbackIn(state: Pick<IncidentState, 'incidents'>, runbookOf: (scenario: string) => Runbook | undefined): (run: Run) => boolean {
  return (run) => {
    const scenario = state.incidents.get(run.incidentId)?.scenario;
    if (run.kind !== 'recovery' || !run.pathId || scenario === undefined) return false;
    return runbookOf(scenario)?.recovery.find((p) => p.id === run.pathId)?.rollback !== undefined;
  };
}

/**
 * The recoveries that changed `recovery`'s database after it ended and still stand: not made on its changes (a swap
 * that continues it), not a cleanup of clones, not rolled back since. The latest one the bot can roll back (`undoable`:
 * roll it back first) and the latest it cannot (its path has no rollback: the approver is warned).
 */
export function standingChanges(state: IncidentState, recovery: Run, hasRollback: (run: Run) => boolean): { undoable?: Run; final?: Run; apart?: Run } {
  const since = recovery.finishedAt ?? recovery.startedAt ?? recovery.proposedAt;
  const standing = state.standingRecoveries();
  const stands = (run: Run) => standing(run) && run.id !== recovery.id && run.continues !== recovery.id;
  // A later recovery of other rows (another source's window, other days) is not undone by this rollback, nor stands under it.
  const onTop = (run: Run) => stands(run) && changesOverlap(recovery, run);
  return {
    undoable: state.latestChange(recovery.lockKey, since, (run) => onTop(run) && hasRollback(run)),
    final: state.latestChange(recovery.lockKey, since, (run) => onTop(run) && !hasRollback(run)),
    apart: state.latestChange(recovery.lockKey, since, (run) => stands(run) && !changesOverlap(recovery, run)),
  };
}
