// The plan a follow-up's button already proposed (src/incidents/plan-offer.ts): a second click is sent to it while it
// waits and can still be approved; one its database changed under since is no plan to send anyone to.
import { describe, expect, it } from 'vitest';
import { pendingProposal, type PlanOffer } from '../../src/incidents/plan-offer.js';
import type { Incident, Run, RunStatus } from '../../src/incidents/state.js';

const offer: PlanOffer = { scenario: 'motherduck', incident: 'dbx-20261203-ab85', path: 'c', index: 0, label: 'Plan cleanup of 1 named snapshot', params: {} };
const now = new Date('2026-12-03T12:00:00Z');

function cleanup(n: number, status: RunStatus): Run {
  return { id: `dbx-20261203-ab85/${n}`, kind: 'recovery', pathId: 'c', params: {}, status, expiresAt: '2026-12-03T12:10:00Z' } as Run;
}

const incident = (runs: Run[]) => ({ id: offer.incident, runs }) as unknown as Incident;

describe('the plan a button already proposed', () => {
  it('is the one waiting and approvable', () => {
    expect(pendingProposal(incident([cleanup(7, 'pending')]), offer, now, () => true)?.id).toBe('dbx-20261203-ab85/7');
  });

  it('is none when the one waiting can no longer be approved (a plan changed its database since): a new one is proposed', () => {
    expect(pendingProposal(incident([cleanup(7, 'pending')]), offer, now, (plan) => plan.id !== 'dbx-20261203-ab85/7')).toBeUndefined();
  });

  it('is none when it expired or was decided', () => {
    expect(pendingProposal(incident([cleanup(7, 'pending')]), offer, new Date('2026-12-03T12:11:00Z'), () => true)).toBeUndefined();
    expect(pendingProposal(incident([cleanup(7, 'rejected'), cleanup(8, 'succeeded')]), offer, now, () => true)).toBeUndefined();
  });
});
