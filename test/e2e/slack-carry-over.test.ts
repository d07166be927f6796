// A bot stopped while Slack fails: what it could not post (a recovery's end, its failure, the rollback offer) is kept in
// the state dir and shown at the next start, from the journal, instead of leaving a live "waiting for approval" plan.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('a stop while Slack fails', () => {
  it('keeps what it could not post and shows it at the next start: the run in its final state, its failure, the rollback offer', async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 60_000 } });
    harness = await startBot(checkout, slack);
    await harness.command('recover duckdb path=a');
    await harness.settle();
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'));

    // Slack answers every message with a 500 from now on; the stop kills the command and ends the run as failed.
    slack.trouble = Array.from({ length: 100_000 }, () => ({ status: 500 as const }));
    const before = slack.callsTo('chat.postMessage').length;
    await harness.stop();
    harness = undefined;
    const carryOver = path.join(checkout.stateDir, 'slack-carry-over.json');
    expect(fs.existsSync(carryOver)).toBe(true);
    expect(JSON.parse(fs.readFileSync(carryOver, 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'failure' }), expect.objectContaining({ what: 'run' })]));

    slack.trouble = [];
    harness = await startBot(checkout, slack);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 30_000);
    await harness.settle();
    const posted = slack.callsTo('chat.postMessage').slice(before).map((p) => String(p.text));
    expect(posted).toEqual(expect.arrayContaining([expect.stringMatching(/^Recovery failed: Path A/), expect.stringMatching(/rollback/i)]));
    // The plan's message no longer waits for approval: it shows how the run ended.
    const plan = slack.messages().find((m) => m.text.startsWith('Recovery failed: Path A') || m.text.startsWith('Plan Path A'));
    expect(slack.messages().some((m) => /^Plan Path A.*waiting for approval/.test(m.text))).toBe(false);
    expect(plan).toBeDefined();
    expect(fs.existsSync(carryOver), 'taken once').toBe(false);
  });
});
