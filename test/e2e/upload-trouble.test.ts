// Slack taking messages but not files (files.slack.com blocked by an egress allowlist), through the real Bolt app: a
// failed step's output upload holds up neither the run's end, its failure nor its rollback offer; /databox status says
// the files wait, and gives the terminal's rollback command while a rollback offer is not in the thread.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { freePort } from '../helpers/main-process.js';
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

const offerPosted = () => slack.messages().some((m) => m.text.startsWith('A rollback is available'));
const failurePosted = () => slack.messages().some((m) => m.text.startsWith('Recovery') && m.text.includes('failed'));

/** Path A proposed on a broken file, its reload set to fail with a long output: the Approve button to click. */
async function failingPlan(bot: Harness) {
  writeGarbage(checkout.databasePath);
  checkout.behave({ 'task full-refresh': { exit: 2, repeat: { text: 'dlt: load failed for raw_ebird …\n', times: 200 } } });
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  return slack.buttons('approve_plan').at(-1)!;
}

describe('Slack taking messages but not files', () => {
  it("a failed step's output upload holds up neither the run's end, its failure nor its rollback offer; status says the file waits", async () => {
    harness = await startBot(checkout, slack);
    const approve = await failingPlan(harness);
    slack.uploadUrlBase = `http://127.0.0.1:${await freePort()}`;
    await harness.click(approve, teammate);
    await slack.waitFor('the failure and the rollback offer in the thread', () => failurePosted() && offerPosted());
    const plan = () => slack.messages().find((m) => m.ts === approve.ts)?.blocks ?? '';
    expect(plan()).toContain('exit 2');
    expect(plan()).toMatch(/The whole output \(\d+ bytes\) is kept in the bot's state dir: \S*full.refresh/);
    expect(slack.uploads).toHaveLength(0);
    await expect.poll(async () => (await harness!.command('status', operator)).text, { timeout: 15_000 }).toMatch(/\*Slack files:\* Slack has not taken a file upload since \d\d:\d\d:\d\d UTC; the bot keeps trying; 1 file waits\. The thread's messages go meanwhile; a failed step's output is kept in the bot's state dir, as its run's message says, and a cut plan's or verdict's whole text is in the journal there \(journal\.jsonl\)\./);
    expect((await harness.command('status', operator)).text).not.toContain('has not taken a thread message');
    // Slack's upload host reachable again: the file goes, and the run's message says it is attached.
    slack.uploadUrlBase = undefined;
    await harness.settle();
    expect(slack.uploads.at(-1)?.bytes.toString()).toContain('dlt: load failed for raw_ebird');
    expect(plan()).toContain('The whole output is attached to this thread as a file: `');
    expect(journalRecordsOf(checkout).filter((r) => r.type.startsWith('step.output-')).map((r) => r.type)).toEqual(['step.output-attached']);
  });

  it('/databox status gives the terminal command that proposes the rollback while its offer is not in the thread', async () => {
    harness = await startBot(checkout, slack);
    const approve = await failingPlan(harness);
    const recovery = JSON.parse(approve.value).run as string;
    slack.troubled = (method, args) => method === 'chat.postMessage' && String(args.text).startsWith('A rollback is available');
    slack.lastingTrouble = 'silence';
    await harness.click(approve, teammate);
    await slack.waitFor('the rollback offer sent', () => slack.callsTo('chat.postMessage').some((a) => String(a.text).startsWith('A rollback is available')));
    const line = `*Rollback offer not in the thread yet:* recovery ${recovery}; at a terminal, \`npm run --silent cli -- rollback ${recovery}\` proposes its rollback.`;
    expect((await harness.command('status', operator)).text).toContain(line);
    slack.lastingTrouble = undefined;
    slack.dropHeld();
    await harness.settle();
    expect(offerPosted()).toBe(true);
    expect((await harness.command('status', operator)).text).not.toContain('Rollback offer not in the thread yet');
  });
});
