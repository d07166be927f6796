// A rollback asked for again (src/incidents/rollback-asked-again.ts): one that ran is said to have run, before any copy
// of its plan left waiting, which its run has made unapprovable.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { refuseRollbackAskedAgain } from '../../src/incidents/rollback-asked-again.js';
import type { Incident, Run, RunStatus } from '../../src/incidents/state.js';

const recovery = 'dbx-20261203-ab85/3';

function rollback(n: number, status: RunStatus, requestedBy = 'U0ALICE'): Run {
  return { id: `dbx-20261203-ab85/${n}`, rollbackOf: recovery, status, requestedBy, proposedAt: '2026-12-03T01:50:12.000Z' } as Run;
}

/** The incident has a Slack thread unless `thread` is false (opened at a terminal, never posted to Slack). */
function refusal(runs: Run[], stale: string[] = [], thread = true): UserError | undefined {
  const refs = thread ? { slack: { channel: 'C0INCIDENT', ts: '1764727812.000100' } } : {};
  try {
    refuseRollbackAskedAgain({ id: 'dbx-20261203-ab85', runs, refs } as unknown as Incident, recovery, (plan) => !stale.includes(plan.id));
    return undefined;
  } catch (error) {
    return error as UserError;
  }
}

describe('a rollback asked for again', () => {
  it('is said to have run when one succeeded, though an earlier copy of its plan still waits', () => {
    expect(refusal([rollback(5, 'pending'), rollback(6, 'pending'), rollback(7, 'succeeded')])?.message).toBe(
      `${recovery} was rolled back already (dbx-20261203-ab85/7); there is nothing more to roll back`,
    );
  });

  it('names the plan waiting and who asked for it', () => {
    const said = refusal([rollback(5, 'pending', 'U0BOB')])?.said ?? [];
    // The person as data, so Slack mentions them.
    expect(said).toContainEqual({ actor: 'U0BOB' });
    expect(said.map((part) => (typeof part === 'string' ? part : `<${part.actor}>`)).join('')).toBe(
      `the rollback of ${recovery} is already waiting for approval: plan dbx-20261203-ab85/5, asked for by <U0BOB> at 01:50 UTC (shown in the incident's Slack thread, or \`/databox status\`). Nothing new was proposed`,
    );
  });

  it('sends the operator to `/databox status` alone when the incident has no Slack thread (opened at a terminal)', () => {
    expect(refusal([rollback(5, 'pending')], [], false)?.message).toBe(
      `the rollback of ${recovery} is already waiting for approval: plan dbx-20261203-ab85/5, asked for by U0ALICE at 01:50 UTC (shown in \`/databox status\`). Nothing new was proposed`,
    );
  });

  it('is proposed when the one waiting can no longer be approved (its database changed since: a cleanup ran, say)', () => {
    expect(refusal([rollback(5, 'pending')], ['dbx-20261203-ab85/5'])).toBeUndefined();
  });

  it('is proposed when the rollbacks before it were rejected or interrupted', () => {
    expect(refusal([rollback(5, 'rejected'), rollback(6, 'interrupted')])).toBeUndefined();
  });
});
