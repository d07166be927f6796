// Approve or Reject clicked on an interrupted plan (notPending, src/incidents/approval-policy.ts) is told what its
// thread says: what to do about what it may have changed, and no "propose it again" where that would be refused.
import { describe, expect, it } from 'vitest';
import { notPending } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { renderSaid } from '../../src/said.js';

const moveStep = { id: 'move', title: 'Move the broken file aside', mutates: true };

function interrupted(overrides: Partial<Run> = {}): Run {
  return {
    id: 'dbx-20261203-ef1e/2',
    kind: 'recovery',
    pathId: 'a',
    needsApproval: true,
    status: 'interrupted',
    decidedBy: 'U0BOB',
    decidedAt: '2026-12-03T01:51:03.000Z',
    proposedAt: '2026-12-03T01:51:00.000Z',
    endReason: ['the bot running it stopped'],
    steps: [moveStep],
    results: [],
    ...overrides,
  } as Run;
}

const told = (run: Run, changedSince?: Pick<Run, 'id' | 'title'>) => renderSaid(notPending(run, 'U0CAROL', changedSince));
const laterPlan = { id: 'dbx-20261203-ef1e/4', title: 'Path B: Restore from a file backup' };

describe('a click on an interrupted plan', () => {
  it('that moved a file: check what it did, roll it back, diagnose again; not "propose it again"', () => {
    const run = interrupted({ startedAt: '2026-12-03T01:51:04.000Z', results: [{ stepId: 'move', status: 'ok' } as Run['results'][number]] });
    expect(told(run)).toBe(
      'this plan was interrupted: the bot running it stopped; it may have changed something before it stopped: check what it did (and roll it back, where a rollback is offered), then diagnose again before choosing a path',
    );
  });

  it('that never started: nothing of it ran, propose it again', () => {
    expect(told(interrupted())).toBe('this plan was interrupted: the bot running it stopped. Nothing of it ran; propose it again');
  });

  it('that never started, on a database another plan has changed since: diagnose again, as a proposal of its path would be refused', () => {
    expect(told(interrupted(), laterPlan)).toBe(
      'this plan was interrupted: the bot running it stopped. Nothing of it ran; its database has changed since it was made (plan dbx-20261203-ef1e/4, Path B: Restore from a file backup): diagnose again and propose a new plan',
    );
  });

  it('a rollback that never started is proposed again: a rollback is made on its recovery, not on a diagnosis', () => {
    expect(told(interrupted({ kind: 'rollback', rollbackOf: 'dbx-20261203-ef1e/1' }), laterPlan)).toMatch(/Nothing of it ran; propose it again$/);
  });

  it('refused right before it ran says what to do once: its reason says it', () => {
    const reason = 'plan dbx-20261203-ef1e/2 was not started, nothing was changed: the step "Copy the backup into place": backups/databox.duckdb changed since the plan was made: propose the plan again, so its approver sees the file that will be copied';
    expect(told(interrupted({ endReason: [reason] }))).toBe(`this plan was interrupted: ${reason}`);
  });
});

describe('a click on a plan approved before', () => {
  const approved = (status: Run['status']) => interrupted({ status, startedAt: '2026-12-03T01:51:04.000Z' });
  it('says what became of it since, not only who approved it', () => {
    expect(told(approved('failed'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it ran and failed: its thread says what it changed and what to do next');
    expect(told(approved('succeeded'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it ran and succeeded');
    expect(told(approved('running'))).toBe('this plan was already approved by U0BOB at 01:51 UTC, and it is running now');
  });
});
