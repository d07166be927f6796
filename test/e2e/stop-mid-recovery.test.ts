// A bot asked to stop while a recovery runs: the recovery may finish within the grace, but no validation starts after it
// (one would be killed at the end of the grace and read as failed); the thread says how to validate instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('a stop while a recovery runs', () => {
  it('lets the recovery finish within its grace, starts no validation after it, and says how to validate', async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 1_500, createDatabase: 'data/databox.duckdb' } });
    harness = await startBot(checkout, slack);
    await harness.command('recover duckdb path=a');
    await harness.settle();
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'));
    await harness.stop();
    harness = undefined;
    const records = journalRecordsOf(checkout);
    const finished = records.filter((r) => r.type === 'run.finished').map((r) => r.data.status);
    expect(finished).toEqual(['succeeded']);
    expect(records.some((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')).toBe(false);
    expect(slack.allText()).toContain('The validation was not started: the bot was stopping as the recovery ended. Validate it once the bot is back: `/databox validate duckdb incident=dbx-');
  });
});
