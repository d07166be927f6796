// The bot's sweep (plans that expired, plans decided at a terminal) through the real Bolt app, while Slack holds back
// its answer to one plan's update (a 429 with Retry-After, or no answer at all) until the test lets it go: the sweep
// ends with every plan decided and on the record while that update is still held, and once Slack answers again both
// messages show it. A sweep that waited on Slack would not end while the update is held: the test's timeout fails it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { standinBin, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn, SlackTrouble } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
/** How far the bot's clock is ahead of the test's: past a plan's approval time, the sweep expires it. */
let aheadMs = 0;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  aheadMs = 0;
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

/** The bot, sweeping only when the test says (Bot.sweep), its clock `aheadMs` ahead. */
async function botOnCorruptFile(): Promise<Harness> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, {}, () => new Date(Date.now() + aheadMs), 3_600_000);
  return harness;
}

/** A new incident diagnosed, path A proposed in it: its plan's id, hash and message. */
async function planInNewIncident(bot: Harness): Promise<{ runId: string; hash: string; ts: string }> {
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a').at(-1)!, operator);
  await bot.settle();
  const approve = slack.buttons('approve_plan').at(-1)!;
  const { run, hash } = JSON.parse(approve.value) as { run: string; hash: string };
  return { runId: run, hash, ts: approve.ts };
}

/** The plan's message as Slack shows it now. */
function messageOf(plan: { ts: string }): string {
  return slack.messages().find((m) => m.ts === plan.ts)?.blocks ?? '';
}

/** Slack meets every try of the update of `plan`'s message with `trouble`, until `slackAnswersAgain`. */
function slackHoldsUpdateOf(plan: { ts: string }, trouble: SlackTrouble): void {
  slack.troubled = (method, args) => method === 'chat.update' && args.ts === plan.ts;
  slack.lastingTrouble = trouble;
}

/** Slack has met the bot's update of `plan`'s message, and has not taken it: the message still offers its buttons. */
async function expectUpdateHeld(plan: { ts: string }): Promise<void> {
  await slack.waitFor("the bot's update of the first plan's message to reach Slack", () => slack.callsTo('chat.update').some((args) => args.ts === plan.ts));
  expect(messageOf(plan)).toContain('approve_plan');
}

/** Lets Slack answer again: a request held open is dropped (the bot tries it again), a 429's wait runs out. */
async function slackAnswersAgain(bot: Harness): Promise<void> {
  slack.lastingTrouble = undefined;
  slack.dropHeld();
  await bot.settle();
}

const troubles: [string, SlackTrouble][] = [
  ['does not answer', 'silence'],
  ['answers 429 with Retry-After', { status: 429, retryAfter: 2 }],
];

describe('sweeps while Slack holds back one plan\'s update', () => {
  it.each(troubles)('expires every plan due and journals it while Slack %s to the first one\'s update', async (_, trouble) => {
    const bot = await botOnCorruptFile();
    const first = await planInNewIncident(bot);
    const second = await planInNewIncident(bot);
    expect(bot.bot.service.state.runs.get(first.runId)?.incidentId).not.toBe(bot.bot.service.state.runs.get(second.runId)?.incidentId);

    aheadMs = 16 * 60_000;
    slackHoldsUpdateOf(first, trouble);
    await bot.bot.sweep();
    await expectUpdateHeld(first);
    expect([first, second].map((plan) => bot.bot.service.state.runs.get(plan.runId)?.status)).toEqual(['expired', 'expired']);
    await bot.bot.journal.flushed();
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.expired').map((r) => r.data.runId)).toEqual([first.runId, second.runId]);

    // Once Slack answers again, both messages say so, their buttons gone.
    await slackAnswersAgain(bot);
    for (const plan of [first, second]) {
      expect(messageOf(plan)).toContain('Expired at');
      expect(messageOf(plan)).not.toContain('approve_plan');
    }
  }, 60_000);

  it.each(troubles)('shows plans rejected at a terminal, the second without waiting behind the first, while Slack %s to the first one\'s update', async (_, trouble) => {
    const bot = await botOnCorruptFile();
    const first = await planInNewIncident(bot);
    const second = await planInNewIncident(bot);
    for (const plan of [first, second]) {
      const rejected = await runCliProcess(['reject', plan.runId, plan.hash.slice(0, 8), '--approver', 'bob'], {
        env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
        stdin: 'ignore',
      });
      expect(rejected.code, rejected.stderr).toBe(0);
    }
    expect(messageOf(first)).toContain('approve_plan');

    slackHoldsUpdateOf(first, trouble);
    await bot.bot.sweep();
    await expectUpdateHeld(first);
    expect([first, second].map((plan) => bot.bot.service.state.runs.get(plan.runId)?.status)).toEqual(['rejected', 'rejected']);
    if (trouble === 'silence') {
      // The second plan's thread does not wait behind the first's: Slack shows it rejected while the first is unanswered.
      await slack.waitFor('the second plan shown rejected', () => messageOf(second).includes('Rejected by'));
      expect(messageOf(first)).toContain('approve_plan');
    }

    await slackAnswersAgain(bot);
    for (const plan of [first, second]) {
      expect(messageOf(plan)).toContain('Rejected by');
      expect(messageOf(plan)).not.toContain('approve_plan');
    }
  }, 60_000);
});
