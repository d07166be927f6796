// The two-person rule's idea of one person: a terminal name under any spelling, a Slack user by its ID, never one as the other.
import { describe, expect, it } from 'vitest';
import { checkApproval } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { samePerson } from '../../src/incidents/same-person.js';

describe('samePerson', () => {
  it('counts a terminal name without case and without its @host part', () => {
    expect(samePerson('terminal:alice', 'terminal:ALICE')).toBe(true);
    expect(samePerson('terminal:alice', 'terminal:Alice@laptop')).toBe(true);
    expect(samePerson('terminal:alice', 'terminal:bob')).toBe(false);
    expect(samePerson('terminal:alice', 'terminal:alicia')).toBe(false);
  });

  it('never takes a Slack user for a terminal name, whatever it is called', () => {
    expect(samePerson('U0ALICE', 'terminal:U0ALICE')).toBe(false);
    expect(samePerson('U0ALICE', 'terminal:u0alice')).toBe(false);
    expect(samePerson('U0ALICE', 'u0alice')).toBe(false);
    expect(samePerson('U0ALICE', 'U0ALICE')).toBe(true);
  });
});

describe('the two-person rule across front ends', () => {
  const plan = { id: 'dbx-20260420-0a0a/2', kind: 'recovery', status: 'pending', needsApproval: true, needsTeammate: true, destructive: true, hash: 'h', requestedBy: 'terminal:alice', proposedAt: '2026-04-20T10:00:00.000Z' } as Run;
  const policy = { allowSelfApproval: false, approvers: [] };
  const now = new Date('2026-04-20T10:01:00.000Z');

  it("lets a Slack user approve a terminal's plan, and refuses the terminal name's other spellings", () => {
    expect(checkApproval(plan, 'U0ALICE', 'h', now, policy).ok).toBe(true);
    expect(checkApproval(plan, 'terminal:bob', 'h', now, policy).ok).toBe(true);
    expect(checkApproval(plan, 'terminal:alice@laptop', 'h', now, policy).ok).toBe(false);
  });
});
