// A recovery plan waiting for approval, as the plan headers' tests need one, and how the terminal prints it.
import type { Run } from '../../src/incidents/state.js';
import { createStyle } from '../../src/terminal/style.js';
import { TerminalReporter } from '../../src/terminal/terminal-reporter.js';

/** Path A's plan of incident dbx-20261203-b232, proposed by U0ALICE, destructive unless `overrides` say otherwise. */
export function pendingPlan(overrides: Partial<Run> = {}): Run {
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
    needsTeammate: true,
    destructive: true,
    mutates: true,
    requestedBy: 'U0ALICE',
    proposedAt: '2026-12-03T22:11:15.000Z',
    status: 'pending',
    refs: {},
    ...overrides,
  } as unknown as Run;
}

/** The plan as the terminal prints it, under DATABOX_ALLOW_SELF_APPROVAL's rule. */
export function printedPlan(run: Run, allowSelfApproval = false): string {
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
