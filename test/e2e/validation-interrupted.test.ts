// A validation cut short by the bot's stop (SIGTERM, as a deploy stops it): interrupted, not failed, no rollback offered
// on its account, and the thread says so; the restarted bot runs it again in the same thread, then offers what follows it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botProcessEnv, startBot, type Harness } from '../helpers/bot-harness.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { blockActionBody, postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  checkout.release();
  await closeStandIns(harness, slack, checkout);
});

/** The built bot as its own process, path A diagnosed, approved and run in it, stopped by SIGTERM while its validation's `task verify` runs. */
async function stoppedMidValidation(): Promise<void> {
  writeGarbage(checkout.databasePath);
  // Held until the stop kills it: the validation is still running when the stop's grace ends.
  checkout.behave({ 'task verify': { stdout: 'verifying…\n', sleepMs: 300_000, untilReleased: true } });
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
  await postSigned(url, blockActionBody({ ...approve, messageTs: approve.ts, user: 'U0TEAMMATE', responseUrl: slack.responseUrl('a') }));
  const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
  await slack.waitFor('the validation running', () => fs.readFileSync(journalFile, 'utf8').split('\n').some((line) => line.includes('"type":"step.process"') && line.includes('"verify"')), 60_000);
  // As a deploy stops it. Its exit code is not asserted: a bot whose DuckDB threads a read still holds at its stop ends
  // by SIGTERM, saying why (README), which a busy host may bring about; what it journaled is what is checked.
  bot.kill('SIGTERM');
  await bot;
}

const validationsOf = (records: Record<string, any>[]) => records.filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.runId as string);
const endOf = (records: Record<string, any>[], runId: string) => records.find((r) => r.type === 'run.finished' && r.data.runId === runId)?.data;

describe('a validation cut short by the bot stopping', () => {
  it('is interrupted, not failed: no rollback offered on its account, the thread says the bot runs it again, and status and postmortem say so', async () => {
    await stoppedMidValidation();
    const records = journalRecordsOf(checkout);
    const [validation] = validationsOf(records);
    expect(endOf(records, validation!)).toMatchObject({ status: 'interrupted', interruptedBy: 'stop', reason: 'stopped before it finished: the bot is shutting down' });
    expect(records.filter((r) => r.type === 'run.rollback-offered')).toEqual([]);
    expect(slack.buttons('request_rollback')).toEqual([]);
    const text = slack.allText();
    expect(text).not.toMatch(/Validation failed/);
    expect(text).toMatch(/:electric_plug: \*Validation interrupted\*/);
    expect(text).toContain('The validation was interrupted by the bot stopping (a restart or a deploy) before it finished: it neither passed nor failed');
    expect(text).toContain('the bot runs it again in this thread as soon as it is back');

    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stdout).toContain(`now: validation interrupted by a stop; the bot runs it again at its next start (${validation})`);
    const incident = validation!.split('/')[0] as string;
    const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
    expect(postmortem.stdout).toMatch(/\| Outcome \| Path A[^|]* succeeded; then its validation interrupted by a stop; the bot runs it again at its next start, so no validation has passed since \|/);
  });

  it('is run again by the restarted bot in the same thread, saying so; the rollback is offered after that one, once', async () => {
    await stoppedMidValidation();
    const posted = slack.callsTo('chat.postMessage').length;
    const first = validationsOf(journalRecordsOf(checkout))[0] as string;
    checkout.behave({ 'task verify': { stdout: 'verified\n' } });

    harness = await startBot(checkout, slack);
    await slack.waitFor('the validation run again', () => validationsOf(journalRecordsOf(checkout)).length === 2 && endOf(journalRecordsOf(checkout), validationsOf(journalRecordsOf(checkout))[1]!) !== undefined, 60_000);
    await harness.settle();
    const records = journalRecordsOf(checkout);
    const again = validationsOf(records)[1] as string;
    expect(records.find((r) => r.type === 'run.proposed' && r.data.runId === again)?.data.run.rerunOf).toBe(first);
    expect(endOf(records, again)?.status).toBe('succeeded');
    // Said first, in the thread the interrupted validation was posted in.
    const said = slack.callsTo('chat.postMessage').slice(posted).find((p) => String(p.text).includes('Running the validation again'));
    expect(String(said?.text)).toContain(`Running the validation again: ${first} was interrupted by a stop`);
    const interruptedPost = slack.callsTo('chat.postMessage').find((p) => /Validation interrupted/.test(String(p.text)));
    expect(said?.thread_ts).toBe(interruptedPost?.thread_ts);
    // The rollback the recovery never got to offer, offered after the validation run again, not before.
    const recovery = records.find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId;
    const offered = records.findIndex((r) => r.type === 'run.rollback-offered');
    expect(records.filter((r) => r.type === 'run.rollback-offered').map((r) => r.data.runId)).toEqual([recovery]);
    expect(offered).toBeGreaterThan(records.findIndex((r) => r.type === 'run.finished' && r.data.runId === again));

    // A second restart runs nothing again and offers nothing again.
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.settle();
    const after = journalRecordsOf(checkout);
    expect(validationsOf(after)).toHaveLength(2);
    expect(after.filter((r) => r.type === 'run.rollback-offered')).toHaveLength(1);
    await harness.stop();
    harness = undefined;
    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    const postmortem = await runCliProcess(['postmortem', first.split('/')[0] as string], { env, stdin: 'ignore' });
    expect(postmortem.stdout).toMatch(/\| Outcome \| recovered by Path A[^|]*; validation passed at/);
  });
});
