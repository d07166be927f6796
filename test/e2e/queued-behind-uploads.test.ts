// Work queued while Slack leaves file uploads unanswered, through the real Bolt app: postmortems whose upload hangs hold
// no worker, so a recovery plan asked for meanwhile is posted at once; a command that waits for a worker is told so
// after a few seconds; /databox status lists what runs, what waits and what is being uploaded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealthyDatabase, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';

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

const incidents = () => journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').map((r) => r.incident as string);
const plansPosted = () => slack.callsTo('chat.postMessage').filter((a) => String(a.text).includes('waiting for approval')).length;

describe('work queued while Slack leaves uploads unanswered', () => {
  it('postmortems whose upload hangs hold no worker: a recovery plan asked for meanwhile is posted at once, and status lists the uploads', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', 'U0USER0');
    await harness.settle();
    await harness.command('diagnose duckdb', 'U0USER1');
    await harness.settle();
    const [first, second] = incidents() as [string, string];
    slack.troubled = /^files\./;
    slack.lastingTrouble = 'silence';
    // As many postmortems as DATABOX_WORKERS (2), each upload left unanswered.
    await harness.command(`postmortem ${first}`, 'U0USER2');
    await harness.command(`postmortem ${second}`, 'U0USER3');
    await slack.waitFor('both uploads sent', () => slack.callsTo('files.getUploadURLExternal').length === 2);
    const before = plansPosted();
    await harness.command(`recover duckdb path=a incident=${second}`, operator);
    await slack.waitFor('the plan posted while the uploads hang', () => plansPosted() > before);
    const status = (await harness.command('status', operator)).text;
    expect(status).toMatch(new RegExp(`\\*Uploading to Slack\\* \\(outside the workers; Slack has not answered yet\\): postmortem ${first} \\(since \\d\\d:\\d\\d:\\d\\d UTC\\), postmortem ${second} \\(since \\d\\d:\\d\\d:\\d\\d UTC\\)\\.`));
    expect(status, 'no job waits for a worker').not.toContain('waiting for a worker');
    // Slack drops the held uploads: each asker is told the upload failed (Slack did not answer); the postmortems are on the bot's disk.
    slack.lastingTrouble = undefined;
    slack.dropHeld();
    await harness.settle();
    const failedSaid = slack.responses.filter((r) => String(r.body.text).startsWith(":warning: Slack's Web API failed (it did not answer, also when asked again)"));
    expect(failedSaid, 'one for each of the two who asked').toHaveLength(2);
    expect((await harness.command('status', operator)).text).not.toContain('Uploading to Slack');
  });

  it('a command waiting for a busy worker is told it is queued (a postmortem too), and status lists what runs and what waits', async () => {
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const [incident] = incidents() as [string];
    // The one worker held by a diagnosis of the same incident until the test releases it.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 180_000, untilReleased: true } });
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await slack.waitFor('the diagnosis running', () => checkout.calls().some((c) => c.command === 'uv run sqlmesh audit'), 30_000);
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    const note = `:hourglass_flowing_sand: Your \`/databox recover duckdb path=a incident=${incident}\` is queued: every worker is busy (running: diagnose duckdb). It starts as soon as one is free`;
    await slack.waitFor('the queued note', () => slack.responses.some((r) => String(r.body.text).startsWith(note)), 15_000);
    expect((await harness.command('status', operator)).text).toContain('*Jobs* (DATABOX_WORKERS is 1): running: diagnose duckdb; waiting for a worker: recover duckdb.');
    // A typed postmortem waits in the same queue, and is told so too (before: only its ack, "Writing the postmortem…").
    await harness.command(`postmortem ${incident}`, operator);
    const postmortemNote = `:hourglass_flowing_sand: Your \`/databox postmortem ${incident}\` is queued: every worker is busy (running: diagnose duckdb). It starts as soon as one is free, and you are told here where it is once written`;
    await slack.waitFor('the postmortem\'s queued note', () => slack.responses.some((r) => String(r.body.text).startsWith(postmortemNote)), 15_000);
    checkout.release();
    await harness.settle();
    expect((await harness.command('status', operator)).text).not.toContain('*Jobs*');
  });
});
