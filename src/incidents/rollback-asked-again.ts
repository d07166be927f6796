// A rollback asked for again: refused, saying whether it ran already or where the plan asked for before waits.
import { UserError } from '../errors.js';
import { actor as person, said } from '../said.js';
import { utcTime } from './approval-policy.js';
import type { Incident, Run } from './state.js';
import { whereToFollow } from './where-to-follow.js';

/**
 * A rollback asked for once more: refused, saying where the one asked for before is (`approvable` tells a plan still
 * waiting from one its database changed under). One that ran says so first: a
 * rollback that succeeded leaves any other copy of its plan (from before rollbacks were proposed one at a time)
 * unapprovable, so that copy is no plan to send anyone to.
 */
export function refuseRollbackAskedAgain(incident: Incident, recoveryRunId: string, approvable: (plan: Run) => boolean): void {
  const rollbacks = incident.runs.filter((r) => r.rollbackOf === recoveryRunId);
  const done = rolledBackBy(incident, recoveryRunId);
  if (done) throw new UserError(`${recoveryRunId} was rolled back already (${done.id}); there is nothing more to roll back`);
  // One waiting that can no longer be approved (its database changed since) is no plan to send anyone to: asked again.
  const existing = rollbacks.find((r) => ['approved', 'running'].includes(r.status) || (r.status === 'pending' && approvable(r)));
  if (!existing) return;
  const where = existing.status === 'pending' ? 'waiting for approval' : existing.status;
  throw new UserError(
    said`the rollback of ${recoveryRunId} is already ${where}: plan ${existing.id}, asked for by ${person(existing.requestedBy)} at ${utcTime(existing.proposedAt)} (shown in ${whereToFollow(incident)}). Nothing new was proposed`,
  );
}

/** The rollback of `recoveryRunId` that ran to its end, if one did: its offer is spent (spent-offers.ts) and asking again refused. */
export function rolledBackBy(incident: Incident, recoveryRunId: string): Run | undefined {
  return incident.runs.find((r) => r.rollbackOf === recoveryRunId && r.status === 'succeeded');
}
