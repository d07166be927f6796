// The two-person rule's idea of one person: a terminal name under any spelling, a Slack user by its ID, never one as the other.
import { describe, expect, it } from 'vitest';
import { checkApproval } from '../../src/incidents/approval-policy.js';
import type { Run } from '../../src/incidents/state.js';
import { couldBeSamePerson, samePerson } from '../../src/incidents/same-person.js';

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

  it('to the two-person rule, takes a Slack user\'s ID typed at a terminal, in any case, for that user; never one Slack user for another', () => {
    expect(couldBeSamePerson('U0ALICE', 'terminal:U0ALICE')).toBe(true);
    expect(couldBeSamePerson('terminal:u0alice@laptop', 'U0ALICE')).toBe(true);
    expect(couldBeSamePerson('terminal:alice', 'terminal:ALICE')).toBe(true);
    expect(couldBeSamePerson('U0ALICE', 'terminal:bob')).toBe(false);
    expect(couldBeSamePerson('U0ALICE', 'u0alice')).toBe(false);
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

  it("refuses, at a terminal, the requester of a plan made in Slack who types their own Slack ID as the approver", () => {
    const fromSlack = { ...plan, requestedBy: 'U0OPERATOR' } as Run;
    // Before: approved, the terminal name taken for someone else than the Slack user who asked.
    const refused = checkApproval(fromSlack, 'terminal:U0OPERATOR', 'h', now, policy);
    expect(refused.ok).toBe(false);
    expect(checkApproval(fromSlack, 'terminal:u0operator', 'h', now, policy).ok).toBe(false);
    expect(checkApproval(fromSlack, 'terminal:bob', 'h', now, policy).ok).toBe(true);
    expect(checkApproval(fromSlack, 'terminal:U0OPERATOR', 'h', now, { ...policy, allowSelfApproval: true }).ok).toBe(true);
  });
});
