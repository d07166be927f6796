// A click on a plan rejected already says what to do next; a Reject on a plan no longer approvable is refused as moot, its reason kept.
import { describe, expect, it } from 'vitest';
import { checkApproval, checkRejection } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { renderSaid } from '../../src/said.js';

const incident = 'dbx-20261205-0a1b';
const policy = { allowSelfApproval: false, approvers: [] };
const hash = 'a'.repeat(64);
const now = new Date('2026-12-05T11:50:00.000Z');
function plan(fields: Partial<Run> = {}): Run {
  return {
    id: `${incident}/2`, incidentId: incident, kind: 'recovery', pathId: 'b', title: 'Path B: Restore from a file backup', steps: [], hash, lockKey: '/srv/databox.duckdb', params: {},
    needsApproval: true, destructive: true, needsTeammate: true, mutates: true, requestedBy: 'U0OPERATOR', proposedAt: '2026-12-05T11:40:00.000Z', expiresAt: '2026-12-06T11:40:00.000Z',
    status: 'pending', refs: {}, results: [], ...fields,
  } as Run;
}
const reasonOf = (decision: ReturnType<typeof checkApproval>) => renderSaid(decision.ok ? [] : decision.reason);

describe('a click on a plan already rejected', () => {
  const rejected = plan({ status: 'rejected', decidedBy: 'U0OPERATOR', decidedAt: '2026-12-05T11:41:00.000Z' });
  it("says to propose it again from the verdict's button, or typed, to a teammate's Approve", () => {
    expect(reasonOf(checkApproval(rejected, 'U0TEAMMATE', hash, now, policy))).toBe(
      `this plan was already rejected by U0OPERATOR at 11:41 UTC, and nothing of it ran: to run it, propose it again with the verdict's Path B button in the thread of incident ${incident}, or type its command from the verdict's "Or type" line (or diagnose again, when the verdict is old)`,
    );
  });
  it('says the same to the person who rejected it', () => {
    expect(reasonOf(checkRejection(rejected, 'U0OPERATOR', hash, now, policy))).toMatch(/by the same person asking again now; nothing more was done \(nothing of it ran\): to run it, propose it again with the verdict's Path B button/);
  });
  it('says a rollback is asked for again with its own button', () => {
    const rollback = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1`, status: 'rejected', decidedBy: 'U0OPERATOR', decidedAt: '2026-12-05T11:41:00.000Z' });
    expect(reasonOf(checkApproval(rollback, 'U0TEAMMATE', hash, now, policy))).toMatch(/: to run it, propose it again with the Roll back… button under plan dbx-20261205-0a1b\/1 in the thread of incident dbx-20261205-0a1b$/);
  });
});

describe('an approve typed at a terminal on a plan already rejected (a reject won the race)', () => {
  const rejected = plan({ scenario: 'duckdb', pathId: 'b', params: { backup: '/srv/backups/databox.duckdb' }, status: 'rejected', decidedBy: 'terminal:carol', decidedAt: '2026-12-05T11:41:00.000Z' });
  it("names the CLI's recover command with the plan's parameters, not the verdict's button", () => {
    expect(reasonOf(checkApproval(rejected, 'terminal:bob', hash, now, policy))).toBe(
      `this plan was already rejected by terminal:carol at 11:41 UTC, and nothing of it ran: to run it, propose it again: \`npm run --silent cli -- recover duckdb path=b backup=/srv/backups/databox.duckdb incident=${incident}\` (or diagnose again, when the verdict is old)`,
    );
  });
  it("names the CLI's rollback command for a rollback, and for one expired too", () => {
    const rollback = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1`, status: 'rejected', decidedBy: 'terminal:carol', decidedAt: '2026-12-05T11:41:00.000Z' });
    expect(reasonOf(checkApproval(rollback, 'terminal:bob', hash, now, policy))).toMatch(/: to run it, propose it again: `npm run --silent cli -- rollback dbx-20261205-0a1b\/1`$/);
    const expired = plan({ kind: 'rollback', pathId: undefined, rollbackOf: `${incident}/1`, expiresAt: '2026-12-05T11:45:00.000Z' });
    expect(reasonOf(checkApproval(expired, 'terminal:bob', hash, now, policy))).toBe('this plan expired at 11:45 UTC; propose it again: `npm run --silent cli -- rollback dbx-20261205-0a1b/1`');
    expect(reasonOf(checkApproval(expired, 'U0TEAMMATE', hash, now, policy))).toContain('Roll back… button');
  });
});

describe('a Reject on a plan another plan made no longer approvable', () => {
  it('is refused as moot, saying why it could not run and what to do instead', () => {
    const decision = checkRejection(plan(), 'U0OPERATOR', hash, now, policy, { id: `${incident}/3`, title: 'Path A: Rebuild from raw dlt state', whatNow: 'diagnose again and propose a new plan' });
    expect(decision.ok).toBe(false);
    expect(reasonOf(decision)).toBe(
      // Each "it" named: "it ran" read as the later plan, which did run.
      `this plan (/2) can no longer be approved, so there is nothing to reject: plan ${incident}/3 (Path A: Rebuild from raw dlt state) changed the database after /2 was made. Nothing of /2 ran, and /2 expires by itself. Diagnose again and propose a new plan.`,
    );
  });

  it("names it by its whole id when the plan that changed the database is another incident's, whose number may be the same", () => {
    const decision = checkRejection(plan(), 'U0OPERATOR', hash, now, policy, { id: 'dbx-20261205-9f9f/2', title: 'Path A: Rebuild from raw dlt state', whatNow: 'diagnose again and propose a new plan' });
    expect(reasonOf(decision)).toBe(
      `this plan (${incident}/2) can no longer be approved, so there is nothing to reject: plan dbx-20261205-9f9f/2 (Path A: Rebuild from raw dlt state) changed the database after ${incident}/2 was made. Nothing of ${incident}/2 ran, and ${incident}/2 expires by itself. Diagnose again and propose a new plan.`,
    );
  });
});
