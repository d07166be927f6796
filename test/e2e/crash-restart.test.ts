// The bot killed in the middle of a recovery: on restart the run is recorded as interrupted, what it left running is
// stopped, the rollback is offered for what it had already moved, and the verdict before it is not posted again. Killed
// in its validation: the validation is run again, and the rollback offered after it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/process/alive.js';
import { botProcessEnv, startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { blockActionBody, postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();


let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

/** A command the test holds (untilReleased) that must not outlive it: released, and waited for, before the checkout goes. */
let heldCommand: number | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  // Released whether or not the restarted bot stopped it; the stand-in sees the release within 20 ms, while its checkout is still there.
  checkout.release();
  for (let waited = 0; heldCommand !== undefined && processAlive(heldCommand) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  heldCommand = undefined;
  await closeStandIns(harness, slack, checkout);
});

/** The built bot as its own process (to be killed), path A diagnosed, proposed and approved in it over signed HTTP. */
async function pathAApprovedInItsOwnProcess(): Promise<{ bot: ReturnType<typeof execa> }> {
  const port = await freePort();
  const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env: botProcessEnv(checkout, slack, port), extendEnv: false, reject: false });
  const url = `http://127.0.0.1:${port}/slack/events`;
  expect(await waitForHealthz(port)).toBe(200);
  await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl() }));
  await slack.waitFor('the verdict', () => slack.buttons('choose_path_a').length > 0, 60_000);
  const pathA = slack.buttons('choose_path_a')[0]!;
  await postSigned(url, blockActionBody({ ...pathA, messageTs: pathA.ts, user: 'U0OPERATOR', responseUrl: slack.responseUrl('p') }));
  await slack.waitFor('the plan', () => slack.buttons('approve_plan').length > 0, 60_000);
  const approve = slack.buttons('approve_plan')[0]!;
  await postSigned(url, blockActionBody({ ...approve, actionId: approve.actionId, messageTs: approve.ts, user: 'U0TEAMMATE', responseUrl: slack.responseUrl('a') }));
  // Wrapped: a process is a promise of its end, which an async function would wait for.
  return { bot };
}

describe('a bot killed mid-recovery', () => {
  it('is picked up on restart: interrupted on the record, the orphaned command stopped, the rollback offered', async () => {
    writeGarbage(checkout.databasePath);
    // Still running when the restarted bot looks, however slow the host: it is that bot that stops it. Held, not only
    // slept: released after the test (afterEach), so a bot that failed to stop it does not leave it running for 5 min.
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 300_000, untilReleased: true } });
    // Diagnosed first: its verdict, with the path buttons, was posted long before the crash.
    const { bot } = await pathAApprovedInItsOwnProcess();
    await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 60_000);
    const orphan = checkout.calls().find((c) => c.command === 'task full-refresh') as unknown as { pid: number };
    heldCommand = orphan.pid;
    // The bot journals the command's PID just after starting it; a crash before that line leaves nothing to stop.
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const journaled = () => fs.readFileSync(journalFile, 'utf8').split('\n').some((line) => line.includes('"type":"step.process"') && line.includes('"full-refresh"'));
    await slack.waitFor('the command journaled', journaled, 60_000);
    bot.kill('SIGKILL');
    await bot;
    expect(processAlive(orphan.pid), 'the command outlives the killed bot').toBe(true);

    harness = await startBot(checkout, slack);
    await slack.waitFor('the orphan to be stopped', () => !processAlive(orphan.pid), 60_000);
    // The thread is told after the journal: its messages may still be on their way.
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    const journal = fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const finished = journal.filter((r) => r.type === 'run.finished').at(-1);
    expect(finished?.data.status).toBe('interrupted');
    const stoppedByRestart = /what it had started was still running, and the restart stopped it at \d\d:\d\d:\d\d UTC: task full-refresh \(PID (\d+)\)/;
    expect(finished?.data.reason.match(stoppedByRestart)?.[1]).toBe(String(orphan.pid));
    // What it printed before the crash is kept and pointed to, with its last lines: how far it got.
    const settled = journal.find((r) => r.type === 'step.finished' && r.data.settledAfterRestart)?.data.result;
    expect(settled).toMatchObject({ stepId: 'full_refresh', logFile: expect.stringMatching(/outputs\/dbx-\d{8}-[0-9a-f]{4}\/2-\d+-full_refresh\.log$/), excerpt: expect.stringContaining('reloading') });
    expect(settled.outputBytes).toBe(fs.statSync(settled.logFile).size);
    // The step tells the same story as its run: still running when the restart stopped it, not found stopped.
    expect(settled.summary.match(stoppedByRestart)?.[0]).toBe(finished?.data.reason.match(stoppedByRestart)?.[0]);
    expect(settled.summary).not.toContain('found stopped');
    expect(slack.allText()).toMatch(/Recovery interrupted\*[^"]*: stopped at \*Rehydrate raw catalogs and rebuild every mart\*[^"]* — the bot running it stopped; what it had started was still running, and the restart stopped it at \d\d:\d\d:\d\d UTC: task full-refresh/);
    expect(slack.buttons('request_rollback')).toHaveLength(1);
    // Said in a post of its own, as a failure is, so the thread's followers are told: not only by an edit above.
    await slack.waitFor('the interruption posted', () => slack.callsTo('chat.postMessage').some((p) => /^Recovery interrupted: Path A/.test(String(p.text))), 60_000);
    // Its first line says once what happened, its time as a bound ("after running at most"), not the step's story and
    // then the run's, which were the same.
    const post = slack.callsTo('chat.postMessage').find((p) => /^Recovery interrupted: Path A/.test(String(p.text)));
    const blocks = JSON.parse(String(post?.blocks)) as { text?: { text: string } }[];
    const headline = blocks[0]?.text?.text.split('\n')[0] as string;
    expect(headline).toMatch(/^:x: \*Recovery interrupted\* after running at most [\d.]+ (ms|s|min)( \d+ s)?: stopped at \*Rehydrate raw catalogs and rebuild every mart\* — the bot running it stopped; what it had started was still running, and the restart stopped it at \d\d:\d\d:\d\d UTC: task full-refresh \(PID \d+\)$/);
    expect(headline.split('the restart stopped it')).toHaveLength(2);
    // The verdict is not posted again under the interrupted recovery, with live buttons that would start over; its own
    // buttons give way to the recovery cut short, which may have changed the database: a click on them is refused.
    expect(slack.buttons('choose_path_a')).toHaveLength(1);
    const verdictTs = slack.buttons('choose_path_a')[0]!.ts;
    await slack.waitFor("the verdict's buttons to go", () => !slack.messages().find((m) => m.ts === verdictTs)?.blocks.includes('choose_path_'), 60_000);
    expect(slack.messages().find((m) => m.ts === verdictTs)?.blocks).toMatch(/\*Path A: Rebuild from raw dlt state\* \(plan dbx-\d{8}-[0-9a-f]{4}\/2; [^)]*; interrupted\) was run — see below/);
    // It moved the file before it stopped: not "propose it again", which would run into what it left.
    // Nor later: its path is proposed again on a diagnosis made after what it changed.
    const afterIt = 'it may have changed something before it stopped: check what it did (and roll it back, where a rollback is offered), then diagnose again before choosing a path';
    expect(slack.allText()).toContain(`:electric_plug: I${afterIt.slice(1)}.`);
    expect(slack.allText()).not.toContain('Propose it again to run it');
    expect(checkout.listData()).toEqual(['databox.duckdb.broken']);
    // Approve or Reject clicked on it now is told the same as the thread.
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.click(slack.buttons('reject_plan')[0]!, 'U0OPERATOR');
    await harness.settle();
    for (const told of [slack.ephemerals('U0TEAMMATE').at(-1), slack.ephemerals('U0OPERATOR').at(-1)]) {
      expect(told).toMatch(/^:no_entry_sign: this plan was interrupted: the bot running it stopped; what it had started was still running, and the restart stopped it at \d\d:\d\d:\d\d UTC: task full-refresh \(PID \d+\); /);
      expect(told).toContain(afterIt);
      expect(told).not.toMatch(/propose it again/);
    }

    await harness.click(slack.buttons('request_rollback')[0]!, 'U0OPERATOR');
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, 'U0TEAMMATE');
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb']);
  });

  it('killed during the validation that follows a recovery: the restarted bot runs it again, then offers the rollback the recovery never got to offer', async () => {
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task verify': { stdout: 'verifying…\n', sleepMs: 60_000 } });
    const { bot } = await pathAApprovedInItsOwnProcess();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const journaled = () => fs.readFileSync(journalFile, 'utf8').split('\n').some((line) => line.includes('"type":"step.process"') && line.includes('"verify"'));
    await slack.waitFor('the validation running', journaled, 60_000);
    bot.kill('SIGKILL');
    await bot;
    expect(slack.buttons('request_rollback'), 'offered only after the validation').toEqual([]);
    checkout.behave({ 'task verify': { stdout: 'verified\n' } });

    harness = await startBot(checkout, slack);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    const records = fs.readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const recovery = records.find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId;
    expect(records.filter((r) => r.type === 'run.rollback-offered').map((r) => r.data.runId)).toEqual([recovery]);
    // Found unfinished, the validation is interrupted, not failed, and run again before the offer.
    const [first, rerun] = records.filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.runId as string);
    expect(records.find((r) => r.type === 'run.finished' && r.data.runId === first)?.data).toMatchObject({ status: 'interrupted', interruptedBy: 'restart' });
    expect(records.find((r) => r.type === 'run.proposed' && r.data.runId === rerun)?.data.run.rerunOf).toBe(first);
    expect(records.findIndex((r) => r.type === 'run.rollback-offered')).toBeGreaterThan(records.findIndex((r) => r.type === 'run.finished' && r.data.runId === rerun));
    expect(slack.allText()).toContain(`Running the validation again: ${first} was interrupted by the bot stopping unexpectedly (found unfinished at its restart)`);
    await harness.settle();
    // A second restart does not offer it again.
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.settle();
    const again = fs.readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(again.filter((r) => r.type === 'run.rollback-offered')).toHaveLength(1);
  });

  it("killed mid-diagnosis: the restarted bot shows the diagnosis' end in its own message, and does not post the run again", async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    checkout.behave({ 'uv run sqlmesh audit': { stdout: 'auditing…\n', sleepMs: 60_000 } });
    const port = await freePort();
    const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env: botProcessEnv(checkout, slack, port), extendEnv: false, reject: false });
    expect(await waitForHealthz(port)).toBe(200);
    await postSigned(`http://127.0.0.1:${port}/slack/events`, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl() }));
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const journal = () => fs.readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    // Where the diagnosis' message is goes on the record once Slack has it, as a plan's does.
    await slack.waitFor('the audit running, its message on the record', () => checkout.calls().some((c) => c.command === 'uv run sqlmesh audit') && journal().some((r) => r.type === 'run.ref'), 60_000);
    const runMessage = journal().find((r) => r.type === 'run.ref')?.data.ref as { channel: string; ts: string };
    bot.kill('SIGKILL');
    await bot;
    const postedBefore = slack.callsTo('chat.postMessage').length;

    harness = await startBot(checkout, slack);
    await slack.waitFor('the interruption posted', () => slack.callsTo('chat.postMessage').slice(postedBefore).some((p) => /^Diagnosis interrupted/.test(String(p.text))), 60_000);
    await harness.settle();
    // Its own message now reads interrupted, updated in place, not left running.
    await slack.waitFor('its message updated', () => slack.callsTo('chat.update').some((u) => u.ts === runMessage.ts && /interrupted/i.test(String(u.text))), 60_000);
    // One post tells the thread (as a failure is told); the run itself is not posted a second time.
    expect(slack.callsTo('chat.postMessage').slice(postedBefore).map((p) => String(p.text).split(':')[0])).toEqual(['Diagnosis interrupted']);
    // Nobody saw it end: its time runs to the restart that found it, an upper bound, and says so.
    expect(slack.allText()).toMatch(/Diagnosis interrupted\*? after running at most [\d.]+ (ms|s|min)/);
  });
});
