// Slack's Web API not answering who clicked (users.info held open), under the bot's own client policy, through the real
// Bolt app: the clicker is told early that the click is being checked, a question left unanswered for the client's
// timeout is not asked again, and the refusal says so in plain words, not the client's internal error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webApiPolicy } from '../../src/slack/app.js';
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
/** What the teammate was told since `mark` (taken with toldMark()), through the click's response URL or as an ephemeral. */
const toldMark = () => ({ responses: slack.responses.length, ephemerals: slack.ephemerals(teammate).length });
const toldSince = (mark: ReturnType<typeof toldMark>) => [...slack.responses.slice(mark.responses).map((r) => String(r.body.text)), ...slack.ephemerals(teammate).slice(mark.ephemerals)];

/** The bot's own Web API policy, its timeout as given and its pauses between retries made short. */
const policy = (timeout: number) => ({ clientOptions: { ...webApiPolicy, timeout, retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 } } });

async function planWaiting(h: Harness) {
  await h.command('diagnose duckdb', operator);
  await h.settle();
  await h.click(slack.buttons('choose_path_a')[0]!, operator);
  await h.settle();
  return slack.buttons('approve_plan').at(-1)!;
}

describe('a users.info Slack does not answer', () => {
  it('tells the clicker early, through the click\'s response URL, that Slack is slow to say who they are and the click is being checked', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, policy(30_000));
    const approve = await planWaiting(harness);
    slack.troubled = /^users\.info$/;
    slack.trouble = ['silence'];
    const mark = toldMark();
    await harness.click(approve, teammate);
    // Within the 30 s the bot waits for Slack's answer, however busy the host: told while the click is still checked.
    await slack.waitFor('the note to the clicker', () => toldSince(mark).length > 0, 25_000);
    expect(toldSince(mark)).toEqual([
      ":hourglass_flowing_sand: Slack is slow to say who you are (users.info); the click is being checked. You are told here if it is refused; the bot waits up to 30.0 s for Slack's answer.",
    ]);
    expect(journal().some((r) => r.type === 'run.approved' || r.type === 'approval.refused'), 'told while the click waits').toBe(false);
    // Slack's side goes away: the connection is reset, asked again at once, and answered.
    slack.dropHeld();
    await slack.waitFor('the approval', () => journal().some((r) => r.type === 'run.approved'), 60_000);
    await harness.settle();
    expect(checkout.calls()[0]?.command).toBe('task full-refresh');
  });

  it('is not asked again once it has waited out the client\'s timeout, and the refusal says so in plain words', async () => {
    writeGarbage(checkout.databasePath);
    // The bot's own policy (3 retries), its 30 s timeout cut to 1 s so the test is short.
    harness = await startBot(checkout, slack, {}, undefined, undefined, policy(1_000));
    const approve = await planWaiting(harness);
    const asked = slack.callsTo('users.info').length;
    slack.troubled = /^users\.info$/;
    slack.trouble = ['silence', 'silence', 'silence', 'silence'];
    await harness.click(approve, teammate);
    await slack.waitFor('the refusal', () => journal().some((r) => r.type === 'approval.refused'), 60_000);
    await harness.settle();
    const reason = "Slack's Web API did not answer within 1.0 s when the bot asked who you are (users.info), so the click was refused; nothing was approved. Try again in a moment";
    expect(slack.ephemerals(teammate).at(-1)).toBe(`:no_entry_sign: ${reason}`);
    expect(journal().filter((r) => r.type === 'approval.refused').map((r) => r.data.reason)).toEqual([reason]);
    expect(slack.callsTo('users.info').length - asked, 'asked once, not again after it went unanswered').toBe(1);
    expect(checkout.calls(), 'nothing ran').toEqual([]);
  });
});
