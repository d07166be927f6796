// A whole scenario-1 incident in Slack: each run is one message updated in place, at most about once a second; new
// messages only for the verdict, the plan waiting for approval, a failure and the rollback offer; the journal and the
// postmortem still hold every step; a stopping bot sends the updates pacing held back.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackMessageNow, SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { defaultUpdateIntervalMs as interval } from '../../src/slack/outbox.js';
import { escapeMrkdwnNames } from '../../src/slack/mrkdwn.js';

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

interface RunRecord {
  id: string;
  kind: string;
  title: string;
  steps: { id: string; title: string }[];
}

const proposedRuns = (): RunRecord[] =>
  journalRecordsOf(checkout)
    .filter((r) => r.type === 'run.proposed')
    .map((r) => ({ ...r.data.run, id: r.data.runId }) as RunRecord);

/** How many of the run's steps a text of its message shows as finished (a status icon other than the hourglass), each title as Slack shows it. */
function finishedIn(blocks: string, run: RunRecord): number {
  return run.steps.filter((s, i) => new RegExp(`:(white_check_mark|x|white_circle|alarm_clock|large_orange_diamond): [^\\n]{0,40}?\\*${i + 1}\\. ${escapeMrkdwnNames(s.title).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*`).test(blocks)).length;
}

/**
 * The chat.update calls Slack took for one message, in order, each with whether a new message or file went into the
 * thread before the message's next update (an update held back by pacing goes at once when a new message waits behind it).
 */
function updatesOf(ts: string): { at: number; aheadOfPost: boolean }[] {
  const thread = slack.calls.filter((c) => c.result?.ok && /^(chat\.(postMessage|update)|files\.)/.test(c.method));
  const mine = (i: number) => thread[i]?.method === 'chat.update' && thread[i]?.args.ts === ts;
  return thread.flatMap((call, i) => {
    if (!mine(i)) return [];
    const next = thread.findIndex((_, j) => j > i && mine(j));
    return [{ at: call.at, aheadOfPost: thread.slice(i + 1, next < 0 ? undefined : next).some((c) => c.method !== 'chat.update') }];
  });
}

describe('one message per run', () => {
  it('posts 5 thread messages for a whole scenario-1 incident, carries each step by chat.update, and keeps every step in the journal and the postmortem', async () => {
    writeGarbage(checkout.databasePath);
    // Updates paced as in production, so a run of quick steps shows how few edits its message gets.
    harness = await startBot(checkout, slack, {}, undefined, undefined, { slackUpdateIntervalMs: interval });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const messages = slack.messages();
    const root = messages.filter((m) => !m.threadTs);
    const thread = messages.filter((m) => m.threadTs);
    expect(root).toHaveLength(1);
    // The diagnosis, its verdict, the plan (which is the recovery's message), the validation, the rollback offer.
    expect(thread.map((m) => m.text.split(':')[0])).toEqual(['Diagnosis finished', 'Verdict', 'Recovery succeeded', 'Validation succeeded', 'A rollback is available']);
    expect(slack.callsTo('files.completeUploadExternal'), 'no output attached: every step passed').toEqual([]);

    const runs = proposedRuns();
    expect(runs.map((r) => r.kind)).toEqual(['diagnosis', 'recovery', 'validation']);
    const runMessages = [thread[0], thread[2], thread[3]] as SlackMessageNow[];
    for (const [i, run] of runs.entries()) {
      const message = runMessages[i] as SlackMessageNow;
      // Updated in place as its steps progressed: never fewer steps shown finished than before, ending with all of them.
      // Steps that all end within one pacing interval make one update; one that would show nothing new is not sent.
      const progress = message.updates.map((u) => finishedIn(u.blocks, run));
      expect(progress.length, `${run.kind} was updated`).toBeGreaterThanOrEqual(1);
      expect([...progress].sort((a, b) => a - b), `${run.kind} progressed in order`).toEqual(progress);
      expect(finishedIn(message.blocks, run), `${run.kind} ends with every step shown`).toBe(run.steps.length);
      // Each step was shown running or done in an update before the run ended.
      for (const step of run.steps) expect(message.updates.some((u) => u.blocks.includes(escapeMrkdwnNames(step.title)))).toBe(true);
      expect(message.text, `${run.kind} ends in its final state`).toMatch(run.kind === 'diagnosis' ? /^Diagnosis finished: / : /^\w+ succeeded: /);
      // Paced: an update comes at least an interval after the last one of the same message, unless a new message was
      // waiting behind it; so a run gets about one update per interval of its time, not one per step event.
      const updates = updatesOf(message.ts);
      for (const [i, update] of updates.entries()) {
        if (i > 0 && update.at - (updates[i - 1]?.at as number) < interval - 50) expect(update.aheadOfPost, `${run.kind} update ${i + 1} came early`).toBe(true);
      }
      const span = (updates.at(-1)?.at as number) - (updates[0]?.at as number);
      expect(updates.length, `${run.kind}: ${updates.length} updates in ${span} ms`).toBeLessThanOrEqual(Math.floor(span / (interval - 50)) + 2);
    }
    // The recovery's six quick steps (12 step events, and the approval) made a handful of updates.
    const recoveryUpdates = updatesOf((runMessages[1] as SlackMessageNow).ts).length;
    expect(recoveryUpdates).toBeLessThan(runs[1]!.steps.length * 2);
    // Every run has ended in its final state: the reporter holds nothing for any of them any more.
    expect(harness.bot.reporter.runsHeld).toBe(0);
    expect(runMessages[1]?.blocks).toContain('Approved by <@U0TEAMMATE>');
    expect(runMessages[1]?.blocks).toContain('task full-refresh');
    expect(runMessages[1]?.blocks).not.toContain('approve_plan');

    // The journal has every step of every run, started and finished.
    const journal = journalRecordsOf(checkout);
    for (const run of runs) {
      const records = journal.filter((r) => r.data?.runId === run.id);
      expect(records.filter((r) => r.type === 'step.started').map((r) => r.data.stepId)).toEqual(run.steps.map((s) => s.id));
      expect(records.filter((r) => r.type === 'step.finished').map((r) => r.data.result.stepId)).toEqual(run.steps.map((s) => s.id));
    }

    // And the postmortem lists every step of every run.
    const before = slack.messages().length;
    await harness.click(slack.buttons('write_postmortem')[0]!, operator);
    await harness.settle();
    const incidentId = journal.find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = fs.readFileSync(`${checkout.stateDir}/postmortems/${incidentId}.md`, 'utf8');
    const label = { diagnosis: 'Diagnosis', recovery: 'Path A', validation: 'Validation' } as Record<string, string>;
    for (const run of runs) {
      for (const [i, step] of run.steps.entries()) expect(postmortem.replace(/\\/g, '')).toContain(`${label[run.kind]} step ${i + 1}/${run.steps.length}: ${step.title}`);
    }
    expect(slack.messages().length, 'the postmortem is a file, not a message').toBe(before);
  });

  it('posts a failure as a new message and attaches the failed step output, while the run message ends failed', async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { exit: 2, repeat: { text: 'dlt: load failed for raw_ebird …\n', times: 200 } } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();

    const thread = slack.messages().filter((m) => m.threadTs);
    expect(thread.map((m) => m.text.split(':')[0])).toEqual(['Diagnosis finished', 'Verdict', 'Recovery failed', 'Recovery failed', 'A rollback is available']);
    const plan = thread[2] as SlackMessageNow;
    const failure = thread[3] as SlackMessageNow;
    expect(plan.updates.length).toBeGreaterThan(0);
    expect(failure.updates).toEqual([]);
    expect(failure.blocks).toMatch(/stopped at \*Rehydrate raw catalogs/);
    expect(plan.blocks).toContain('exit 2');
    // Named, so a summary cut above sends the reader to the file holding the rest.
    const uploaded = String(slack.callsTo('files.getUploadURLExternal').at(-1)?.filename);
    expect(uploaded).toMatch(/\.log$/);
    expect(plan.blocks).toContain(`The whole output is attached to this thread as a file: \`${uploaded}\`._`);
    expect(slack.uploads.at(-1)?.bytes.toString()).toContain('dlt: load failed for raw_ebird');
  });

  it('sends what pacing holds back when the bot stops, without waiting it out', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, undefined, { slackUpdateIntervalMs: 600_000 });
    await harness.command('diagnose duckdb', operator);
    await slack.waitFor('the verdict', () => slack.messages().some((m) => m.text.startsWith('Verdict')));
    await harness.bot.queue.idle();
    // The incident's first message was updated when the diagnosis began; the update that adds the verdict is held.
    const root = () => slack.messages().find((m) => !m.threadTs) as SlackMessageNow;
    expect(root().updates.length).toBeGreaterThan(0);
    expect(root().blocks).not.toContain('verdict: *File corrupt*');
    const stopping = Date.now();
    await harness.stop();
    harness = undefined;
    expect(Date.now() - stopping, 'the stop did not wait out the pacing').toBeLessThan(30_000);
    expect(root().blocks).toContain('verdict: *File corrupt*');
  });
});
