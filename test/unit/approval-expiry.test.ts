// A plan's expiry as Slack and the terminal tell it: its time on the day it was proposed, its date too on a later day
// (DATABOX_APPROVAL_TTL=30d), where the time alone would read as already past.
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/incidents/status.js';
import { planHeader } from '../../src/slack/blocks.js';
import { statusText } from '../../src/slack/status-message.js';
import { pendingPlan, printedPlan } from '../helpers/pending-plan.js';

const thirtyDays = pendingPlan({ expiresAt: '2027-01-02T22:11:15.000Z' });
const fifteenMinutes = pendingPlan({ expiresAt: '2026-12-03T22:26:15.000Z' });

describe("a plan's expiry", () => {
  it('names the date when the plan expires on another day than it was proposed, in Slack and at the terminal', () => {
    expect(planHeader(thirtyDays, false)).toContain('The approval binds to exactly these steps and expires on 2027-01-02 at 22:11 UTC.');
    expect(printedPlan(thirtyDays)).toContain('the approval binds to exactly these steps and expires on 2027-01-02 at 22:11 UTC');
    const waiting = statusText({ holding: [], waiting: [thirtyDays], outdated: [], olderVerdict: [], unsettled: [], recent: [], leftOut: 0 } as unknown as StatusReport);
    expect(waiting).toContain('expires 2027-01-02 22:11 UTC');
  });

  it('is its time alone on the day it was proposed', () => {
    expect(planHeader(fifteenMinutes, false)).toContain('expires at 22:26 UTC.');
    expect(printedPlan(fifteenMinutes)).toContain('expires at 22:26 UTC');
  });
});
