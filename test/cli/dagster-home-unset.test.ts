// The terminal warns, as the bot's start does, when DAGSTER_HOME is unset and a plan it proposes or runs starts the Dagster daemon.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { Checkout, standinBin } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const checkouts: Checkout[] = [];
afterEach(() => {
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

function setUp(extra: Record<string, string> = {}): { checkout: Checkout; env: Record<string, string> } {
  const checkout = new Checkout();
  checkouts.push(checkout);
  // The stand-in uv first on PATH: a step whose tool is not found is refused before the plan is proposed.
  return { checkout, env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, ...extra }) };
}

const warning =
  "warning: DAGSTER_HOME is not set: the Dagster daemon that schedule path a starts (uv run dagster-daemon run) inherits the bot's environment and stops at once without it (DagsterHomeNotSetError)";
const timesWarned = (stderr: string) => stderr.split('DAGSTER_HOME is not set').length - 1;

const proposedPlan = (checkout: Checkout) => {
  const records = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records;
  return records.find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
};

// Each CLI process takes seconds to start (more on a loaded machine), and each test starts several.
describe('DAGSTER_HOME unset at the terminal', { timeout: 180_000 }, () => {
  it('warns once on stderr when a plan it proposes, or is asked to approve, starts the Dagster daemon', async () => {
    const { checkout, env } = setUp();
    const proposed = await runCliProcess(['recover', 'schedule', 'path=a', 'from=2026-04-18', 'to=2026-04-20'], { env, stdin: 'ignore' });
    expect(proposed.code).toBe(2);
    expect(proposed.stderr).toContain(warning);
    expect(timesWarned(proposed.stderr)).toBe(1);
    // The plan waiting in the journal, approved with a mistyped hash: said before the approval is refused.
    const { runId } = proposedPlan(checkout);
    const approve = await runCliProcess(['approve', runId, '00000000', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(approve.stderr).toContain('refused: typed "00000000"');
    expect(approve.stderr).toContain(warning);
    expect(timesWarned(approve.stderr)).toBe(1);
  });

  it('says nothing of it with DAGSTER_HOME set, or for a plan that does not start the daemon', async () => {
    const { env } = setUp({ DAGSTER_HOME: '/srv/databox/.dagster' });
    const withHome = await runCliProcess(['recover', 'schedule', 'path=a', 'from=2026-04-18', 'to=2026-04-20'], { env, stdin: 'ignore' });
    expect(withHome.stdout).toContain('Start the Dagster daemon, detached, and check it heartbeats');
    expect(withHome.stderr).not.toContain('DAGSTER_HOME');
    const { env: unset } = setUp();
    const rebuild = await runCliProcess(['recover', 'duckdb', 'path=a'], { env: unset, stdin: 'ignore' });
    expect(rebuild.stdout).toContain('Path A: Rebuild from raw dlt state');
    expect(rebuild.stderr).not.toContain('DAGSTER_HOME');
  });
});
