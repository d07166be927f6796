// Thread messages an outage held back, through the real Bolt app against the Slack stand-in: one Slack took late, and a
// stop that carried some over to the next start, are journaled and shown in the postmortem's timeline.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();
const journal = () => journalRecordsOf(stage.checkout);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postmortemOf(incident: string): string {
  return writePostmortem({ stateDir: stage.checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: stage.checkout.root, incidentId: incident }).markdown;
}

/** A recovery of a corrupt file approved, its full-refresh running (for `refreshMs`): the incident's id. */
async function recoveryRunning(refreshMs: number, options: Parameters<typeof startBot>[5] = {}): Promise<string> {
  const { slack, checkout } = stage;
  writeGarbage(checkout.databasePath);
  checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: refreshMs } });
  stage.harness = await startBot(checkout, slack, {}, undefined, undefined, options);
  await stage.harness.command('recover duckdb path=a');
  await stage.harness.settle();
  await stage.harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
  await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 60_000);
  return String(journal().find((r) => r.type === 'incident.opened')?.incident);
}

describe('thread messages an outage held back', () => {
  it('a message Slack took only after failing for longer than the threshold is journaled with when it was posted, and the postmortem says the thread lagged', async () => {
    const heldLongMs = 2_000;
    const incident = await recoveryRunning(1_000, { slackHeldLongMs: heldLongMs, slackRetryDelayMs: () => 200 });
    // Slack fails every message from now on, while the recovery ends and its verdict is posted.
    stage.slack.troubled = /^chat\./;
    stage.slack.lastingTrouble = { status: 500 };
    await stage.slack.waitFor('the recovery to end', () => journal().some((r) => r.type === 'run.finished'), 90_000);
    const ended = Date.parse(String(journal().find((r) => r.type === 'run.finished')?.at));
    // Held past the threshold before Slack is back (a wait, not an assertion on time).
    await sleep(Math.max(0, ended + heldLongMs + 500 - Date.now()));
    stage.slack.lastingTrouble = undefined;
    await stage.slack.waitFor('a held message journaled', () => journal().some((r) => r.type === 'slack.held-then-delivered'), 90_000);
    await stage.harness?.settle();
    const held = journal().filter((r) => r.type === 'slack.held-then-delivered');
    expect(held.every((r) => r.incident === incident && typeof r.data.queuedAt === 'string' && (r.data.heldMs as number) > heldLongMs)).toBe(true);
    expect(postmortemOf(incident)).toMatch(/Slack took the (message|verdict|failure|rollback offer) of .* only then, \d.* after the bot posted it at \d\d:\d\d:\d\d( \(\d+ later updates? of it (was|were) held too\))?: Slack was failing meanwhile, and the incident's thread showed what happened late/);
  });

  it('a stop that carried messages over to the next start is journaled for the incident, and its postmortem says which', async () => {
    const incident = await recoveryRunning(60_000);
    stage.slack.trouble = Array.from({ length: 100_000 }, () => ({ status: 500 as const }));
    await stage.harness?.stop();
    stage.harness = undefined;
    const carried = journal().filter((r) => r.type === 'slack.carried-over');
    expect(carried).toHaveLength(1);
    expect(carried[0]?.incident).toBe(incident);
    expect(carried[0]?.data.count).toBeGreaterThanOrEqual(1);
    expect(postmortemOf(incident)).toMatch(/The bot stopped with \d+ thread messages? Slack had not taken \(.*the failure of .*\): kept for its next start, which shows them again/);
  });
});
