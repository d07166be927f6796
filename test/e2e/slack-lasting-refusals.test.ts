// Slack's lasting refusals, through the real Bolt app over signed HTTP against the Slack stand-in: the bot removed from a
// private incident channel, the channel archived mid-run, the bot token expired or revoked. Nothing is retried forever,
// nothing waits on Slack, and whoever asked, /databox status and /healthz say what was refused and what to do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

const journal = () => journalRecordsOf(checkout);

/** Path A of a diagnosed corrupt file, proposed and waiting: its Approve button. */
async function planWaiting(): Promise<ReturnType<SlackStandIn['buttons']>[number]> {
  const bot = harness as Harness;
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  return slack.buttons('approve_plan').at(-1)!;
}

describe("Slack's lasting refusals", () => {
  it('does not keep an approval job, and its worker, waiting for Slack to take the "Approved by" update', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    const approve = await planWaiting();
    // Slack's own trouble, in the incident's channel only: the outbox keeps trying the update, as it should.
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && method === 'chat.update' ? 'service_unavailable' : undefined);
    await harness.click(approve, teammate);
    await slack.waitFor('the run and its validation ended', () => journal().some((r) => r.type === 'run.rollback-offered'), 60_000);
    await harness.command('diagnose duckdb', 'U0SOMEONE', 'C0OTHER');
    await slack.waitFor("the other channel's incident opened", () => slack.callsTo('chat.postMessage').some((p) => p.channel === 'C0OTHER' && !p.thread_ts), 15_000);
    expect(harness.bot.outbox.backlog().waiting, 'the update is still being tried').toBeGreaterThan(0);
    // Once Slack takes it, the plan's message says who approved it, its buttons gone.
    slack.refuse = undefined;
    await harness.settle();
    const planMessage = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(planMessage.blocks).toContain(`Approved by <@${teammate}>`);
    expect(planMessage.blocks).not.toContain('approve_plan');
  }, 90_000);
});
