// Who may approve a plan, as its header says it in Slack and at the terminal: the rule DATABOX_ALLOW_SELF_APPROVAL sets.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/incidents/state.js';
import { planHeader } from '../../src/slack/blocks.js';
import { createStyle } from '../../src/terminal/style.js';
import { TerminalReporter } from '../../src/terminal/terminal-reporter.js';

function pendingPlan(kind: { destructive: boolean; needsTeammate: boolean }): Run {
  return {
    id: 'dbx-20261203-b232/2',
    incidentId: 'dbx-20261203-b232',
    kind: 'recovery',
    pathId: 'a',
    title: 'Path A: Rebuild from raw dlt state',
    steps: [],
    results: [],
    hash: 'c0ffee00c0ffee00',
    lockKey: '/srv/databox/data/databox.duckdb',
    params: {},
    needsApproval: true,
    mutates: true,
    requestedBy: 'U0ALICE',
    proposedAt: '2026-12-03T22:11:15.000Z',
    status: 'pending',
    refs: {},
    ...kind,
  } as unknown as Run;
}

function printedPlan(run: Run, allowSelfApproval: boolean): string {
  let out = '';
  const reporter = new TerminalReporter({
    out: { write: (text: string) => (out += text) },
    style: createStyle(false),
    tty: false,
    root: '/srv/databox',
    runbook: () => {
      throw new Error('not needed');
    },
    allowSelfApproval,
    cli: 'npm run --silent cli --',
  });
  reporter.printPlan(run);
  return out;
}

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
