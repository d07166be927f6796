// A plan's message Slack will not let the bot edit any more (chat.update: edit_window_closed, cant_update_message, or
// message_not_found once someone deleted it), through the real Bolt app: the run's state is posted once as a new thread
// message, which is kept up to date from then on, so the thread shows the truth and a plan's live buttons (or its
// absence) are not its last word.
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

describe('a plan message Slack will not edit any more', () => {
  const movedNote = (code: string) => `Slack would not let the bot edit this run's earlier message above any more (${code}): this one shows the run from now on, and what that one shows is out of date.`;
  it.each([
    ['edit_window_closed', movedNote('edit_window_closed')],
    ['cant_update_message', movedNote('cant_update_message')],
    ['message_not_found', "This run's earlier message is gone from the thread (message_not_found: someone deleted it, most likely): this one shows the run from now on."],
  ])('(%s) is shown again once as a new thread message, kept up to date from then on', async (code, note) => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { exit: 2, stdout: 'dlt: load failed\n' } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    const runId = JSON.parse(approve.value).run as string;
    slack.refuse = (method, args) => (method === 'chat.update' && args.ts === approve.ts ? code : undefined);

    await harness.click(approve, teammate);
    await harness.settle();

    expect(slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === approve.ts), 'the old message is asked to change once').toHaveLength(1);
    const shown = slack.messages().filter((m) => m.threadTs && m.ts !== approve.ts && m.blocks.includes('Approved by'));
    expect(shown, 'one new message shows the run').toHaveLength(1);
    const [moved] = shown;
    expect(moved?.blocks).toContain(note);
    // It was kept up to date: the run's end is shown there, with no button to click.
    expect(moved?.blocks).toContain('exit 2');
    expect(moved?.text).toMatch(/^Recovery failed/);
    expect(moved?.blocks).not.toContain('approve_plan');
    expect(moved?.updates.length).toBeGreaterThan(0);
    // Where the run is shown is on the record, so a restarted bot updates the new message.
    expect(journal().filter((r) => r.type === 'run.ref' && r.data.runId === runId).map((r) => r.data.ref.ts)).toEqual([approve.ts, moved?.ts]);
    // The old buttons decide nothing any more.
    await harness.click(approve, 'U0THIRD');
    await harness.settle();
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
  });
});
