// A click on an expired plan says when it expired, with the date when that was not today (a plan left over a weekend
// read "expired at 00:05 UTC" as this morning), and how to propose it again: the button that makes it.
import { describe, expect, it } from 'vitest';
import { checkApproval, checkRejection, notPending } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { renderSaid } from '../../src/said.js';

const incident = 'dbx-20261205-0a1b';
const policy = { allowSelfApproval: false, approvers: [] };
function plan(fields: Partial<Run> = {}): Run {
  return {
    id: `${incident}/2`,
    incidentId: incident,
    kind: 'recovery',
    pathId: 'a',
    title: 'Path A: Rebuild from scratch',
    steps: [],
    hash: 'a'.repeat(64),
    lockKey: '/srv/databox.duckdb',
    params: {},
    needsApproval: true,
    destructive: true,
    needsTeammate: true,
    mutates: true,
    requestedBy: 'U0OPERATOR',
    proposedAt: '2026-12-05T10:02:14.000Z',
    expiresAt: '2026-12-06T00:05:51.000Z',
    status: 'pending',
    refs: {},
    results: [],
    ...fields,
  } as Run;
}

describe('an expired plan, clicked', () => {
  it('says the day it expired when not today, and the verdict button that proposes it again', () => {
    const threeDaysLater = new Date('2026-12-08T09:00:00.000Z');
    const approval = checkApproval(plan(), 'U0TEAMMATE', 'a'.repeat(64), threeDaysLater, policy);
    expect(approval.ok).toBe(false);
    expect(renderSaid(approval.ok ? [] : approval.reason)).toBe(
      `this plan expired on 2026-12-06 at 00:05 UTC; propose it again with the verdict's Path A button in the thread of incident ${incident} (or diagnose again, when the verdict is old)`,
    );
    const rejection = checkRejection(plan(), 'U0TEAMMATE', 'a'.repeat(64), threeDaysLater, policy);
    expect(renderSaid(rejection.ok ? [] : rejection.reason)).toBe('this plan expired on 2026-12-06 at 00:05 UTC; nothing to reject');
  });

  it('says the time alone on the day it expired; a rollback is proposed again with its own button', () => {
    const sameDay = new Date('2026-12-06T08:00:00.000Z');
    const rollback = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1`, status: 'expired' });
    expect(renderSaid(notPending(rollback, 'U0TEAMMATE', undefined, 'approve', sameDay))).toBe(
      `this plan expired at 00:05 UTC; propose it again with the Roll back… button under plan ${incident}/1 in the thread of incident ${incident}`,
    );
  });
});

describe('a plan a later change voided, clicked once it has expired too', () => {
  const whatNow = `roll back ${incident}/4 first, then ask for this rollback again: rolling ${incident}/1 back before that would put back what was there before it, over ${incident}/4's changes`;
  const said = `this plan (/2) can no longer be approved: plan ${incident}/4 changed its database after /2 was made, and /2 expired at 00:05 UTC too; nothing of /2 ran. Roll back ${incident}/4 first, then ask for this rollback again: rolling ${incident}/1 back before that would put back what was there before it, over ${incident}/4's changes.`;
  const sameDay = new Date('2026-12-06T08:00:00.000Z');

  it('marked expired, says what voided it and what to do instead, as its expiry recorded them, not to propose it again', () => {
    const rollback = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1`, status: 'expired', outdatedBy: `${incident}/4`, outdatedWhatNow: whatNow });
    expect(renderSaid(notPending(rollback, 'U0TEAMMATE', undefined, 'approve', sameDay))).toBe(said);
  });

  it('past its time but not yet marked expired, says the same from the plan that changed its database', () => {
    const rollback = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1` });
    const approval = checkApproval(rollback, 'U0TEAMMATE', 'a'.repeat(64), sameDay, policy, { id: `${incident}/4`, title: 'Path A: Rebuild from scratch', whatNow });
    expect(renderSaid(approval.ok ? [] : approval.reason)).toBe(said.replace(`plan ${incident}/4 changed`, `plan ${incident}/4 (Path A: Rebuild from scratch) changed`));
  });

  it('in a journal written before what to do was recorded, says what holds for its kind: a recovery is made again on a new diagnosis', () => {
    const recovery = plan({ status: 'expired', outdatedBy: `${incident}/4` });
    expect(renderSaid(notPending(recovery, 'U0TEAMMATE', undefined, 'approve', sameDay))).toBe(
      `this plan (/2) can no longer be approved: plan ${incident}/4 changed its database after /2 was made, and /2 expired at 00:05 UTC too; nothing of /2 ran. Diagnose again and propose a new plan.`,
    );
  });
});
