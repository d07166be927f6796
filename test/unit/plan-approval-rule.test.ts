// Who may approve a plan, as its header says it in Slack and at the terminal: the rule DATABOX_ALLOW_SELF_APPROVAL sets.
import { describe, expect, it } from 'vitest';
import { planHeader } from '../../src/slack/blocks.js';
import { pendingPlan, printedPlan } from '../helpers/pending-plan.js';

const destructive = pendingPlan({ destructive: true, needsTeammate: true });
const teammatePath = pendingPlan({ destructive: false, needsTeammate: true });

describe("a plan's approval rule", () => {
  it('asks for someone other than the requester by default, in Slack and at the terminal', () => {
    expect(planHeader(destructive, false)).toContain('It has destructive steps: someone other than the requester must approve it.');
    expect(printedPlan(destructive, false)).toContain('It has destructive steps: someone other than the requester must approve it.');
    expect(planHeader(teammatePath, false)).toContain('Its runbook asks for a teammate: someone other than the requester must approve it.');
  });

  it('says the requester may approve it too with DATABOX_ALLOW_SELF_APPROVAL on, as the approval check lets them', () => {
    for (const said of [planHeader(destructive, true), printedPlan(destructive, true)]) {
      expect(said).toContain('It has destructive steps, but DATABOX_ALLOW_SELF_APPROVAL is on: its requester may approve it too.');
      expect(said).not.toContain('someone other than the requester');
    }
    expect(planHeader(teammatePath, true)).toContain('Its runbook asks for a teammate, but DATABOX_ALLOW_SELF_APPROVAL is on: its requester may approve it too.');
    expect(printedPlan(teammatePath, true)).not.toContain('someone other than the requester');
  });
});
