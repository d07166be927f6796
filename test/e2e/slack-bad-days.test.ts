// Slack's bad days: the Web API answers 429 with Retry-After, then 500s, then nothing at all, in the middle of a
// recovery. The recovery runs on, each step once; the journal misses nothing; the thread's messages arrive in order
// once Slack answers again. And a burst of 200 commands from 20 people on 5 incidents leaves nothing stuck.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { webApiPolicy } from '../../src/slack/app.js';
import { createHealthyDatabase, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
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

/** Path A of a diagnosed corrupt file, proposed: its Approve button and its run id. */
async function pathAWaiting(): Promise<{ approve: ReturnType<SlackStandIn['buttons']>[number]; runId: string }> {
  const bot = harness as Harness;
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  const approve = slack.buttons('approve_plan').at(-1)!;
  return { approve, runId: JSON.parse(approve.value).run as string };
}

function journal(): Record<string, any>[] {
  return journalRecordsOf(checkout);
}

/** What Slack took (calls it answered ok), in the order it took them. */
function delivered(method?: string): { method: string; text: string; at: number; ts?: string }[] {
  return slack.calls
    .filter((c) => c.result?.ok && (!method || c.method === method) && /^(chat\.(postMessage|update)|files\.)/.test(c.method))
    .map((c) => ({ method: c.method, text: String(c.args.text ?? c.args.title ?? ''), at: c.at, ts: c.args.ts ?? c.result?.ts }));
}

describe("Slack's bad days", () => {
  it('a click refused while Slack holds its answers back does not keep a place in the queue: others\' commands go on', async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 30_000 } });
    harness = await startBot(checkout, slack);
    const { approve } = await pathAWaiting();
    await harness.click(approve, teammate);
    await slack.waitFor('the recovery running', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 30_000);
    // Slack asks the bot to wait a minute before anything more is shown only to one person.
    slack.troubled = /^chat\.postEphemeral$/;
    slack.trouble = [{ status: 429, retryAfter: 60 }];
    // The Approve button clicked again (its "approved" update has not shown yet): refused, told when Slack lets it.
    await harness.click(approve, teammate);
    const answered = slack.responses.length;
    // Someone else diagnoses meanwhile: answered (refused, the database is being changed) at once, not after the minute.
    await harness.command('diagnose duckdb', 'U0SOMEONE');
    // Well within the minute Slack asked for, however busy the host: it did not wait for it.
    await slack.waitFor('the diagnose answered', () => slack.responses.slice(answered).some((r) => /a recovery is changing it/.test(String(r.body.text))), 30_000);
    for (const call of checkout.calls().filter((c) => c.command === 'task full-refresh')) process.kill(call.pid);
  });


  it('runs a recovery through 429s, 500s and silence: each step once, the journal whole, the thread in order afterwards', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, {
      clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 },
      slackRetryDelayMs: () => 150,
    });
    const { approve, runId } = await pathAWaiting();

    // From the approval on, Slack has a bad day: rate limited, then failing, then silent, then fine again.
    slack.trouble = [{ status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1 }, { status: 500 }, { status: 500 }, { status: 500 }, 'silence', 'silence', 'silence'];
    const callsBefore = slack.calls.length;
    await harness.click(approve, teammate);
    await harness.settle();

    // Every step ran once, in spite of Slack.
    expect(checkout.calls().map((c) => c.command)).toEqual(['task full-refresh', 'task verify', 'task verify:dev', 'uv run sqlmesh audit']);
    expect(slack.trouble, 'all the trouble was met').toEqual([]);
    const troubled = slack.calls.slice(callsBefore).filter((c) => !c.result);
    expect(troubled).toHaveLength(8);

    // A 429's Retry-After was honoured: the next call came at least that long after it.
    const first429 = troubled[0]!;
    const next = slack.calls.slice(slack.calls.indexOf(first429) + 1)[0]!;
    expect(next.at - first429.at).toBeGreaterThanOrEqual(950);

    // The journal has every event of the recovery, and it verifies.
    const records = journal();
    expect(verifyLines(fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8')).problem).toBeUndefined();
    const recovery = records.filter((r) => r.data?.runId === runId);
    const steps = records.find((r) => r.type === 'run.proposed' && r.data.runId === runId)!.data.run.steps as { id: string }[];
    expect(recovery.filter((r) => r.type === 'step.started').map((r) => r.data.stepId)).toEqual(steps.map((s) => s.id));
    expect(recovery.filter((r) => r.type === 'step.finished').map((r) => r.data.result.stepId)).toEqual(steps.map((s) => s.id));
    expect(recovery.some((r) => r.type === 'run.finished' && r.data.status === 'succeeded')).toBe(true);

    // Once Slack answers, the thread holds the recovery's message (the plan, updated in place as its steps ran) in its
    // final state, then the validation's message and the rollback offer, each once, in order.
    const thread = slack.messages().filter((m) => m.threadTs);
    const plan = thread.find((m) => m.ts === approve.ts)!;
    expect(plan.text).toBe('Recovery succeeded: Path A: Rebuild from raw dlt state');
    for (const [i] of steps.entries()) expect(plan.blocks).toMatch(new RegExp(`:(white_check_mark|white_circle): [^\\n]{0,40}?\\*${i + 1}\\. `));
    const posts = delivered('chat.postMessage').filter((p) => p.at >= slack.calls[callsBefore]!.at).map((p) => p.text);
    expect(posts.map((t) => t.split(':')[0])).toEqual([expect.stringMatching(/^Validation/), 'A rollback is available']);
    // The recovery's message was updated in order: it never showed fewer steps done than before.
    const done = (text: string) => (/step (\d+)\/\d+ (ok|skipped)/.exec(text)?.[1] ?? (text.startsWith('Recovery succeeded') ? String(steps.length) : '0'));
    const progress = delivered('chat.update').filter((u) => u.ts === approve.ts).map((u) => Number(done(u.text)));
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(progress.at(-1)).toBe(steps.length);
    // No update of a message went out after a message posted below it that was made later, unless Slack had failed an
    // edit of that message before: that edit is retried apart, and the posts behind it do not wait for it.
    const validationPosted = delivered('chat.postMessage').find((p) => p.text.startsWith('Validation'))!;
    const lateEdits = delivered('chat.update').filter((u) => u.ts === approve.ts && u.at > validationPosted.at);
    const editFailedBefore = slack.calls.some((c) => c.method === 'chat.update' && c.args.ts === approve.ts && !c.result?.ok && c.at < validationPosted.at);
    expect(lateEdits.length === 0 || editFailedBefore, 'only an edit Slack failed comes after the validation').toBe(true);
  }, 240_000);

  it('says on a plan posted again after Slack lost its answer that a copy may be above it, for as long as the plan is updated; not after a 429', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 }, slackRetryDelayMs: () => 100 });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    // The plan's post: Slack takes it, but its answer is cut short, so the bot cannot know and posts it again.
    slack.troubled = /^chat\.postMessage$/;
    slack.trouble = [{ status: 200, raw: '{"ok":true,"channel":"C0INCIDENTS","ts":"17' }];
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const planPosts = slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Plan Path A'));
    expect(planPosts).toHaveLength(2);
    const note = 'Slack lost its answer when this message was first sent, so an earlier copy of it may be just above: this one is kept up to date, and a button on either does the same.';
    expect(String(planPosts[0]!.args.blocks)).not.toContain(note);
    expect(String(planPosts[1]!.args.blocks)).toContain(note);

    // Approved and run: every update of that message still says so.
    slack.trouble = [{ status: 429, retryAfter: 1 }];
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const updates = slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === planPosts[1]!.result?.ts);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => String(u.args.blocks).includes(note))).toBe(true);
    // A 429 is Slack saying it did not take the message: the message posted after it has no copy to speak of.
    const afterRateLimit = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.result?.ok && c.at > planPosts[1]!.at);
    expect(afterRateLimit.length).toBeGreaterThan(0);
    expect(afterRateLimit.some((c) => String(c.args.blocks).includes(note))).toBe(false);
  });

  it('says how many copies may be above a plan whose answer Slack lost three times, and a click on any copy runs the plan once', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 }, slackRetryDelayMs: () => 100 });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    // The plan's post: Slack takes it three times, each answer cut short, and the fourth answer arrives.
    slack.troubled = /^chat\.postMessage$/;
    const cutShort = { status: 200, raw: '{"ok":true,"channel":"C0INCIDENTS","ts":"17' };
    slack.trouble = [cutShort, cutShort, cutShort];
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const planPosts = slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Plan Path A'));
    expect(planPosts).toHaveLength(4);
    const note = 'Slack lost its answer to 3 earlier tries of this message, so up to 3 copies of it may be just above: this one is kept up to date, and a button on any of them does the same.';
    // Each try says what the tries before it may have left: none, one, two, three.
    expect(String(planPosts[0]!.args.blocks)).not.toContain('Slack lost its answer');
    expect(String(planPosts[1]!.args.blocks)).toContain('Slack lost its answer when this message was first sent, so an earlier copy of it may be just above');
    expect(String(planPosts[2]!.args.blocks)).toContain('Slack lost its answer to 2 earlier tries of this message, so up to 2 copies of it may be just above');
    expect(String(planPosts[3]!.args.blocks)).toContain(note);

    // Four copies, one plan: each copy's Approve carries the same value (the plan's run and hash). The stand-in gave the
    // three whose answers were cut short no ts, so their clicks name a ts of their own in the same thread.
    const kept = slack.buttons('approve_plan').at(-1)!;
    const valueIn = (post: (typeof planPosts)[number]) => (post.args.blocksParsed as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: any) => e.action_id === 'approve_plan')?.value;
    expect(planPosts.map(valueIn)).toEqual([kept.value, kept.value, kept.value, kept.value]);
    const approves = [0, 1, 2].map((i) => ({ ...kept, ts: `1776699997.00010${i}` })).concat(kept);
    // Approve on the first copy runs it; Approve on the others finds it decided, and runs nothing more.
    await harness.click(approves[0]!, teammate);
    await harness.settle();
    for (const copy of approves.slice(1)) await harness.click(copy, teammate);
    await harness.settle();
    const runId = JSON.parse(approves[0]!.value).run as string;
    expect(journal().filter((r) => r.type === 'run.approved' && r.data.runId === runId)).toHaveLength(1);
    expect(journal().filter((r) => r.type === 'run.started' && r.data.runId === runId)).toHaveLength(1);
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
    // The copy kept up to date still says how many may be above it.
    const updates = slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === planPosts[3]!.result?.ts);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => String(u.args.blocks).includes(note))).toBe(true);
  });

  it('refuses an Approve click that could only be acted on long after it came (a long Retry-After meanwhile): nothing runs until clicked again', async () => {
    writeGarbage(checkout.databasePath);
    // One retry, as the bot's own policy allows more: a 429 is waited out, not failed.
    harness = await startBot(checkout, slack, { DATABOX_APPROVAL_CLICK_MAX_AGE: '2s' }, undefined, undefined, { clientOptions: { retryConfig: { retries: 1 } } });
    const { approve, runId } = await pathAWaiting();
    // Checking who clicked meets a 429 asking to wait 4 s: every call waits, the click with them.
    slack.troubled = /^users\.info$/;
    slack.trouble = [{ status: 429, retryAfter: 4 }];
    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.calls(), 'nothing ran on the late click').toEqual([]);
    const refused = journal().filter((r) => r.type === 'approval.refused' && r.data.runId === runId);
    expect(refused).toEqual([expect.objectContaining({ actor: teammate, data: expect.objectContaining({ reason: expect.stringMatching(/^this click came [\d.]+ s ago and could only be acted on now \(Slack was slow or rate-limited meanwhile\), later than DATABOX_APPROVAL_CLICK_MAX_AGE \(2\.0 s\): nothing was run; click again/) }) })]);
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/this click came .* ago .*nothing was run; click again if it should still run/);
    // Clicked again with Slack well, it runs.
    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.calls()[0]?.command).toBe('task full-refresh');
  });

  it("says why a new incident's thread is silent while Slack asks the bot to wait: to whoever asked, and in /databox status", async () => {
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1 } } });
    // The incident's first message meets a 429 asking to wait 6 s: every call of the client waits with it.
    slack.troubled = /^chat\.postMessage$/;
    slack.trouble = [{ status: 429, retryAfter: 6 }];
    await harness.command('diagnose duckdb', operator);
    await slack.waitFor('the note to whoever asked', () => slack.responses.some((r) => String(r.body.text).startsWith(':hourglass_flowing_sand:')), 5_000);
    const wait = /Slack asked the bot to wait until \d\d:\d\d:\d\d UTC before its next call \(rate limited\)/;
    expect(slack.responses.find((r) => String(r.body.text).startsWith(':hourglass_flowing_sand:'))?.body.text).toMatch(wait);
    const status = String((await harness.command('status', teammate)).json?.text);
    expect(status).toMatch(new RegExp(`\\*Slack:\\* ${wait.source}; `));
    await harness.settle();
    expect(slack.callsTo('chat.postMessage').filter((m) => !m.thread_ts)).toHaveLength(2);
    expect(delivered('chat.postMessage').filter((m) => /verdict/i.test(m.text))).toHaveLength(1);
    expect(String((await harness.command('status', teammate)).json?.text)).not.toContain('*Slack:*');
  }, 60_000);

  it('tells whoever clicks Approve while Slack asks the bot to wait that the click waits for it: at once, or a moment after the click that met the wait', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1 } } });
    const { approve } = await pathAWaiting();
    // Someone's earlier click met a 429 asking to wait 5 s; a click that comes meanwhile is told so through its
    // response URL, which the wait does not hold up.
    slack.troubled = /^users\.info$/;
    slack.trouble = [{ status: 429, retryAfter: 5 }];
    const callsBefore = slack.calls.length;
    await harness.click(approve, teammate);
    await slack.waitFor('the 429', () => slack.trouble.length === 0, 60_000);
    await harness.click(approve, 'U0THIRD');
    const notes = () => slack.responses.filter((r) => String(r.body.text).startsWith(':hourglass_flowing_sand:'));
    await slack.waitFor('the note to the second clicker', () => notes().length >= 1);
    expect(notes()[0]?.body.text).toMatch(
      /^:hourglass_flowing_sand: Slack asked the bot to wait until \d\d:\d\d:\d\d UTC before its next call \(rate limited\): your click is acted on as soon as it can be, .* more than 1 min after its click \(DATABOX_APPROVAL_CLICK_MAX_AGE\) is refused, and you are told to click again\.$/,
    );
    // The first clicker too, whose own check of who clicked met the 429: told a moment later.
    await slack.waitFor('the note to the first clicker', () => notes().length === 2);
    // Both were told before the wait was over: before the bot's next call after the one that met the 429.
    const checksOfWhoClicked = () => slack.calls.slice(callsBefore).filter((c) => c.method === 'users.info');
    await slack.waitFor('the check of who clicked, once the wait is over', () => checksOfWhoClicked().length >= 2);
    const afterWait = checksOfWhoClicked()[1] as { at: number };
    expect(notes().map((note) => note.at <= afterWait.at), 'told before the wait was over').toEqual([true, true]);
    await harness.settle();
    // The first click, acted on once the wait was over, ran the plan once.
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
  }, 60_000);

  it('shows a message Slack refuses as made (invalid_blocks, msg_too_long) once more in plain words with its buttons, and without them, naming how to approve, when refused again', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    // Slack takes no verdict as the bot makes it today.
    slack.refuse = (method, args) => (method === 'chat.postMessage' && String(args.text).startsWith('Verdict:') ? 'invalid_blocks' : undefined);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const verdict = slack.posted(':warning: Slack refused this message as the bot made it (invalid_blocks)');
    expect(verdict).toContain('so here it is in plain words, cut to fit. Its buttons are below it. The journal keeps all of it.');
    expect(verdict).toContain('File corrupt');
    // The path buttons came with it, and work.
    const pathButtons = slack.buttons(/^choose_path_/);
    expect(pathButtons.map((b) => b.text)).toEqual([expect.stringMatching(/^Path A/), expect.stringMatching(/^Path B/)]);

    // A plan Slack refuses, then refuses again with its buttons: its buttons as terminal commands.
    slack.refuse = (method, args) =>
      method === 'chat.postMessage' && (String(args.text).startsWith('Plan ') || (String(args.text).startsWith(':warning:') && JSON.stringify(args.blocks ?? '').includes('approve_plan'))) ? 'msg_too_long' : undefined;
    await harness.command(`recover duckdb path=a incident=${journal().find((r) => r.type === 'incident.opened')?.incident}`, operator);
    await harness.settle();
    // Sent with its buttons (refused again), then without.
    const tries = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith(':warning: Slack refused this message as the bot made it (msg_too_long)'));
    expect(tries.map((p) => String(p.blocks).includes('approve_plan'))).toEqual([true, false]);
    const plain = String(tries[1]?.text);
    const plan = journal().filter((r) => r.type === 'run.proposed').at(-1)?.data.run;
    const [id, hash] = [plan.id as string, (plan.hash as string).slice(0, 8)];
    expect(plain).toContain(
      `Its buttons (Approve, Reject) could not be shown: a terminal approves it, \`npm run --silent cli -- approve ${id} ${hash} --approver "$USER"\`, or rejects it, \`npm run --silent cli -- reject ${id} ${hash}\`. The journal keeps all of it.`,
    );
    // What the plan says is there, in plain words: its steps and the command that rebuilds.
    expect(plain).toContain('task full-refresh');
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(journal().filter((r) => r.type === 'run.proposed')).toHaveLength(2);
  });

  it('keeps the Approve button of a plan Slack refused as made, so that an approver DATABOX_APPROVERS lists can approve it', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_APPROVERS: teammate });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    slack.refuse = (method, args) => (method === 'chat.postMessage' && String(args.text).startsWith('Plan ') ? 'msg_too_long' : undefined);
    await harness.command(`recover duckdb path=a incident=${journal().find((r) => r.type === 'incident.opened')?.incident}`, operator);
    await harness.settle();
    expect(slack.posted(':warning: Slack refused this message as the bot made it (msg_too_long)')).toContain('Its buttons are below it.');
    const approve = slack.buttons('approve_plan');
    expect(approve).toHaveLength(1);
    await harness.click(approve[0]!, teammate);
    await harness.settle();
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
  });

  it("abandons an incident whose first message Slack refuses, on the record, and says what to do", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    slack.failures.set('chat.postMessage', 'not_in_channel');
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toMatch(
      /^:warning: The incident's first message could not be posted\. Slack refused \(not_in_channel\): the bot is not a member of this channel: invite it with \/invite @databox-bot and try again\. Nothing was run: incident `dbx-\d{8}-[0-9a-f]{4}` is on the record as abandoned\.$/,
    );
    const abandoned = journal().find((r) => r.type === 'incident.abandoned')!;
    expect(abandoned.data.reason).toMatch(/^its first message could not be shown: .*not_in_channel/);
    expect(journal().filter((r) => r.type === 'run.proposed')).toEqual([]);

    // Invited, the operator asks again: a new incident, diagnosed; the status tells the first for what it was.
    slack.failures.delete('chat.postMessage');
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(journal().filter((r) => r.type === 'incident.opened')).toHaveLength(2);
    expect(journal().filter((r) => r.type === 'diagnosis.verdict')).toHaveLength(1);
    const status = (await harness.command('status', operator)).json?.text as string;
    expect(status).toMatch(new RegExp(`${abandoned.incident}\` [^\n]*, abandoned before anything ran: its first message could not be shown`));
    const postsBefore = slack.callsTo('chat.postMessage').length;
    await harness.command(`diagnose duckdb incident=${abandoned.incident}`, operator);
    await harness.settle();
    expect(slack.callsTo('chat.postMessage'), 'nothing is posted for an abandoned incident').toHaveLength(postsBefore);
    expect(slack.responses.at(-1)?.body.text).toMatch(new RegExp(`incident ${abandoned.incident} was abandoned as it opened .*nothing of it ran: run the command again without incident=`));
    // Its postmortem, asked for in the channel, says so too.
    await harness.command(`postmortem ${abandoned.incident}`, operator);
    await harness.settle();
    expect(fs.readFileSync(`${checkout.stateDir}/postmortems/${abandoned.incident}.md`, 'utf8')).toMatch(/The incident was \*\*abandoned\*\* before anything ran: its first message could not be shown: .*not_in_channel/);
  });

  it('says to run a command somewhere else, not to invite the bot, in a direct message between people', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    slack.failures.set('chat.postMessage', 'channel_not_found');
    await harness.command('diagnose duckdb', operator, 'D0TWOPEOPLE');
    await harness.settle();
    const told = String(slack.responses.at(-1)?.body.text);
    // Only a channel: the app has no Messages tab (manifest.yml), and an incident in a DM with the bot has no teammate to approve it.
    expect(told).toMatch(/Slack refused \(channel_not_found\): the bot cannot post in a direct message between people: run the command in a channel where your teammates are\. /);
    expect(told).not.toMatch(/invite|DM with/);
  });

  it('warns, as a new incident opens in a direct message with the bot, that no teammate can see it to approve its plans', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    const ack = await harness.command('diagnose duckdb', operator, 'D0BOTDM');
    await harness.settle();
    expect(ack.text).toContain(':warning: This is a direct message: an incident opened here is seen by nobody else, so no teammate can approve its plans. Run the command in a channel where your teammates are');
    // It opens all the same: the requester may still read the verdict, and approve where DATABOX_ALLOW_SELF_APPROVAL lets them.
    expect(slack.callsTo('chat.postMessage').map((args) => args.channel)).toContain('D0BOTDM');
    const inChannel = await harness.command('diagnose duckdb', operator);
    expect(inChannel.text).not.toContain('direct message');
  });

  it("asks again for the first message when Slack answers with trouble of its own (ratelimited, a 429 it cannot wait out, a proxy's page), and the incident goes on", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 } });
    // The 429 without a Retry-After is one the client cannot wait out by itself.
    slack.trouble = [{ status: 200, raw: '{"ok":false,"error":"ratelimited"}' }, { status: 429, raw: '{"ok":false,"error":"ratelimited"}' }, { status: 502, raw: '<html><body>Bad gateway</body></html>' }];
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(journal().filter((r) => r.type === 'incident.abandoned')).toEqual([]);
    expect(journal().filter((r) => r.type === 'diagnosis.verdict')).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)).toHaveLength(4);
    expect(slack.responses.map((r) => String(r.body.text)).join('\n')).not.toMatch(/could not be posted/);
  });

  it('posts the first message once when Slack does not answer it, under the bot\'s own retry policy, and does not say it asked again', async () => {
    writeGarbage(checkout.databasePath);
    // The bot's policy (webApiPolicy), its waits made short: the client would retry a post without an answer 3 times.
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { ...webApiPolicy, retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 }, timeout: 1_500 } });
    slack.trouble = ['silence', 'silence', 'silence', 'silence'];
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)).toHaveLength(1);
    // The way on without Slack, as a revoked token's refusal gives it: the same diagnosis at a terminal.
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(
      /^:warning: The incident's first message could not be posted \(Slack may have posted it all the same: it belongs to no incident\)\. Slack's Web API failed \(it did not answer\): Slack seems to be having trouble, not the bot\. Nothing was run: incident `dbx-\d{8}-[0-9a-f]{4}` is on the record as abandoned\. Meanwhile a terminal runs it without Slack: `npm run --silent cli -- diagnose duckdb`\.$/,
    );
  });

  it("does not ask again once Slack may have posted the first message (an answer cut short), and says so in plain words", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 } });
    slack.trouble = [{ status: 200, raw: '<html><body>Bad gateway</body></html>' }, { status: 500 }, { status: 200, raw: '{"ok":true,"channel":"C0INCIDENTS","ts":"17' }, { status: 500 }];
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    // Asked for three times: after the proxy's page and the 500, not after the answer cut short.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)).toHaveLength(3);
    const told = String(slack.responses.at(-1)?.body.text);
    expect(told).toMatch(
      /^:warning: The incident's first message could not be posted \(Slack may have posted it all the same: it belongs to no incident\)\. Slack's Web API failed \(its answer was cut short, also when asked again\): Slack seems to be having trouble, not the bot\. Nothing was run: incident `dbx-\d{8}-[0-9a-f]{4}` is on the record as abandoned\. Meanwhile a terminal runs it without Slack: `npm run --silent cli -- diagnose duckdb`\.$/,
    );
    const reason = String(journal().find((r) => r.type === 'incident.abandoned')?.data.reason);
    expect(reason).toBe("its first message could not be shown: Slack's Web API failed: its answer was cut short");
    expect(told + reason, 'no raw body, no internal address').not.toMatch(/html|127\.0\.0\.1|"ts"/i);
  });

  it("tells Slack's own failures from the bot's: 500s on the first message, past the client's retries and asking again", async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 0 }, timeout: 2_000 } });
    slack.trouble = [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }];
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const told = String(slack.responses.at(-1)?.body.text);
    expect(told).toContain("The incident's first message could not be posted. Slack's Web API failed (it answered HTTP 500, also when asked again): Slack seems to be having trouble, not the bot. Nothing was run");
    expect(told).toMatch(/ Meanwhile a terminal runs it without Slack: `npm run --silent cli -- diagnose duckdb`\.$/);
    expect(told).not.toMatch(/bot's side|reference/);
    expect(journal().find((r) => r.type === 'incident.abandoned')?.data.reason).toMatch(/its first message could not be shown: .*500/);
  });

  it('answers 200 commands in 10 s from 20 people on 5 incidents; approvals bind to their own plans, one mutating plan per database, nothing stuck', async () => {
    await createHealthyDatabase(checkout.databasePath, 5_000);
    harness = await startBot(checkout, slack, { DATABOX_ALLOW_SELF_APPROVAL: 'true', DATABOX_USER_COMMAND_LIMIT: '1000/1m' });
    const h = harness;
    // Five incidents, one diagnosis each, one after the other (a diagnosis asked for while the same one runs joins it).
    for (let i = 0; i < 5; i += 1) {
      await h.command('diagnose duckdb', `U0USER${i}`);
      await h.settle();
    }
    const incidents = journal().filter((r) => r.type === 'incident.opened').map((r) => r.incident as string);
    expect(incidents).toHaveLength(5);

    // 200 commands from 20 people, sent over 10 s: status, help, postmortems and path A proposals on the five incidents.
    const texts = (i: number) => {
      const incident = incidents[i % 5];
      return [`recover duckdb path=a incident=${incident}`, 'status', 'help', `postmortem ${incident}`][i % 4] as string;
    };
    // The 200 are what the journal receives after this point (the diagnoses above came just before).
    const lastSeqBefore = journal().at(-1)?.seq ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 10_000) / 200));
        return h.command(texts(i), `U0USER${i % 20}`);
      }),
    );
    expect(answers.every((a) => a.status === 200), 'every command was acked').toBe(true);
    await h.settle();
    const received = journal().filter((r) => r.type === 'command.received' && r.seq > lastSeqBefore);
    expect(received).toHaveLength(200);
    // Each command got an answer: status, help and postmortem in their ack; a recovery as its plan in the thread or
    // an ephemeral note saying why not (locked by another plan, busy).
    expect(answers.filter((a, i) => i % 4 !== 0 && a.json?.response_type === 'ephemeral' && a.json?.text)).toHaveLength(150);
    const proposed = journal().filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');
    // A recovery that waited for a worker past 3 s was told so first (":hourglass_flowing_sand:"), then answered.
    const refusedRecoveries = slack.responses.filter((r) => !/^(:memo:|:hourglass_flowing_sand:) /.test(String(r.body.text)));
    expect(proposed.length).toBeGreaterThan(0);
    // Busy notes answer postmortems too, so the recoveries are answered when plans and notes together reach 50; the
    // same plan asked for again while it waits is answered with a link to it (":link:"), not proposed twice.
    expect(refusedRecoveries.every((r) => /^(:warning:|:link:) /.test(String(r.body.text)))).toBe(true);
    expect(proposed.length + refusedRecoveries.length).toBeGreaterThanOrEqual(50);

    // Everyone clicks every Approve button they can see, all at once: each approval binds to its own plan, and only
    // one mutating plan runs on the database at a time.
    const buttons = slack.buttons('approve_plan');
    await Promise.all(buttons.map((b, i) => h.click(b, `U0USER${i % 20}`)));
    await h.settle();
    const records = journal();
    for (const approval of records.filter((r) => r.type === 'run.approved')) {
      const plan = records.find((r) => r.type === 'run.proposed' && r.data.runId === approval.data.runId);
      expect(approval.data.hash).toBe(plan?.data.run.hash);
    }
    // Runs on the database never overlapped: each mutating run started after the previous one finished.
    const spans = records
      .filter((r) => r.type === 'run.started' && proposed.some((p) => p.data.runId === r.data.runId))
      .map((r) => ({ start: r.seq as number, end: records.find((f) => f.type === 'run.finished' && f.data.runId === r.data.runId)?.seq as number }));
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i += 1) expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.end);

    // Nothing stuck: the queue and the outbox are empty, no run is left running or approved, the bot still answers.
    expect(h.bot.queue.size).toBe(0);
    expect(records.filter((r) => r.type === 'run.started').every((s) => records.some((f) => f.type === 'run.finished' && f.data.runId === s.data.runId))).toBe(true);
    // The Slack reporter holds something only for the plans still waiting for a decision, nothing for the runs that ended.
    const waiting = [...h.bot.service.state.runs.values()].filter((r) => r.status === 'pending');
    expect(h.bot.reporter.runsHeld).toBe(waiting.length);
    const status = await h.command('status', operator);
    expect(status.status).toBe(200);
    expect(status.json?.text).toBeDefined();
  }, 300_000);
});
