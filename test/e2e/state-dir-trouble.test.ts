// The bot on a full state dir (a real tmpfs, in a mount namespace of its own) and after a crash that tore the journal's
// last line: diagnoses go on, changes and approvals are refused saying why, and what was set aside is said in the thread.
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { botProcessEnv, startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { cliArgs } from '../helpers/cli-process.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { blockActionBody, postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
let bot: ResultPromise | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  bot?.kill('SIGKILL');
  await bot?.catch(() => undefined);
  bot = undefined;
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

// Mounting a tmpfs needs a mount namespace; as root `chmod` would not stop a write, a full filesystem does.
const unshareWorks = (await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false })).exitCode === 0;

describe('a state dir that cannot be written (a full tmpfs)', () => {
  it.skipIf(!unshareWorks)('keeps diagnosing, refuses recoveries and approvals saying why, and records everything once the disk has room', async () => {
    writeGarbage(checkout.databasePath);
    const volume = path.join(checkout.root, 'volume');
    const stateDir = path.join(volume, 'state');
    fs.mkdirSync(volume);
    const port = await freePort();
    // A 256 KiB tmpfs for the state dir: the bot starts on it, proposes a plan, and then a ballast file fills it up.
    const mountThenRun = 'mount -t tmpfs -o size=256k tmpfs "$0" && mkdir "$0/state" && exec "$@"';
    bot = execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', mountThenRun, volume, process.execPath, ...mainArgs], {
      cwd: checkout.root,
      env: botProcessEnv(checkout, slack, port, stateDir),
      extendEnv: false,
      reject: false,
      all: true,
    });
    let logs = '';
    bot.all?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const url = `http://127.0.0.1:${port}/slack/events`;
    expect(await waitForHealthz(port), logs).toBe(200);
    // The volume as the bot sees it, from outside its mount namespace.
    const inside = (name: string) => path.join(`/proc/${bot?.pid}/root`, volume, name);
    const responseTo = (id: string) => String(slack.responses.find((r) => r.path.includes(id))?.body.text ?? '');
    const escaped = stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // The disk's own error, or a write cut short by it (a batch larger than the room left in the file's last page).
    const why = new RegExp(`the journal in ${escaped} cannot be written \\((no space left on the device|only \\d+ of \\d+ bytes could be written \\(is the disk full\\?\\))\\).*Diagnoses still run`);

    await postSigned(url, slashCommandBody('recover duckdb path=a', { response_url: slack.responseUrl('early') }));
    await slack.waitFor('a plan proposed while there is room', () => slack.buttons('approve_plan').length === 1, 90_000);
    const plan = slack.buttons('approve_plan')[0]!;
    await execa('sh', ['-c', 'cat /dev/zero > "$0" 2>/dev/null; true', inside('ballast')]);
    expect(fs.statSync(inside('ballast')).size).toBeGreaterThan(200_000);

    const verdicts = () => slack.callsTo('chat.postMessage').filter((c) => String(c.text).startsWith('Verdict:')).length;
    await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl('diagnose') }));
    await slack.waitFor('a verdict while the disk is full', () => verdicts() === 1, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}; the bot said: ${logs.slice(-3000)}`);
    });
    expect(logs).toMatch(/the state dir cannot be written/);

    await postSigned(url, slashCommandBody('recover duckdb path=a', { response_url: slack.responseUrl('refused') }));
    await slack.waitFor('the refusal', () => responseTo('refused') !== '', 60_000);
    expect(responseTo('refused')).toMatch(why);
    await postSigned(url, blockActionBody({ actionId: plan.actionId, value: plan.value, channel: plan.channel, messageTs: plan.ts, threadTs: plan.threadTs, user: 'U0TEAMMATE', responseUrl: slack.responseUrl('click') }));
    await slack.waitFor('the approval refused', () => slack.ephemerals('U0TEAMMATE').length > 0, 60_000);
    expect(slack.ephemerals('U0TEAMMATE').join('\n')).toMatch(why);
    expect(slack.buttons('approve_plan'), 'no new plan, and the first one still waits').toHaveLength(1);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);

    // Nothing was lost meanwhile: once there is room the journal takes it all, in order, and changes go on.
    fs.rmSync(inside('ballast'));
    // Written by the bot's sweep as soon as there is room, not left in memory until the next event: a crash would lose them.
    await slack.waitFor('the kept events written with no new event', () => /the state dir takes writes again/.test(logs), 60_000);
    // The same recover typed again finds the first plan still waiting, now that its answer can be journaled.
    await postSigned(url, slashCommandBody('recover duckdb path=a', { response_url: slack.responseUrl('again') }));
    await slack.waitFor('the plan found waiting, once there is room', () => responseTo('again') !== '', 90_000);
    expect(responseTo('again')).toMatch(/^:link: The same plan already waits for approval: `dbx-\d{8}-[0-9a-f]{4}\/\d+` in the incident's thread\. Nothing new was proposed\.$/);
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    // The command itself is a background commit (it shares a write with what arrives within 50 ms): on disk just after.
    const journalNow = () => verifyLines(fs.readFileSync(inside(path.join('state', 'journal.jsonl')), 'utf8'));
    await slack.waitFor('the last command journaled', () => journalNow().records.filter((r) => r.type === 'command.received').length === 4, 60_000);
    const journal = journalNow();
    expect(journal.problem).toBeUndefined();
    const types = journal.records.map((r) => r.type);
    expect(types.filter((t) => t === 'command.received')).toHaveLength(4);
    expect(types.filter((t) => t === 'diagnosis.verdict')).toHaveLength(1);
    // The first plan and the diagnosis: the recover refused while the disk was full proposed nothing, the one typed
    // again found the first plan.
    expect(types.filter((t) => t === 'run.proposed')).toHaveLength(2);
    expect(journal.records.some((r) => r.type === 'approval.refused' && r.actor === 'U0TEAMMATE')).toBe(true);
    expect(types.includes('run.approved')).toBe(false);
    expect(logs).toMatch(/the state dir takes writes again/);
  }, 300_000);
});

// A volume remounted read-only under the running bot (from outside, in its mount namespace): a mount with a file open
// for writing cannot be, so it is tried until the journal's file is closed between writes.
const nsenterWorks = unshareWorks && (await execa('nsenter', ['--version'], { reject: false })).exitCode === 0;

async function remountReadOnly(pid: number, volume: string): Promise<void> {
  let said = '';
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const result = await execa('nsenter', ['-t', String(pid), '--user', '--mount', '--preserve-credentials', 'mount', '-o', 'remount,ro', volume], { reject: false });
    if (result.exitCode === 0) return;
    said = String(result.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`could not remount ${volume} read-only: ${said}`);
}

describe('a state dir remounted read-only while the bot runs', () => {
  it.skipIf(!nsenterWorks)('Write postmortem says the state dir cannot be written, naming it and the error, not that the incident is not in the journal', async () => {
    writeGarbage(checkout.databasePath);
    const volume = path.join(checkout.root, 'volume');
    const stateDir = path.join(volume, 'state');
    fs.mkdirSync(volume);
    const port = await freePort();
    const mountThenRun = 'mount -t tmpfs -o size=4m tmpfs "$0" && mkdir "$0/state" && exec "$@"';
    bot = execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', mountThenRun, volume, process.execPath, ...mainArgs], {
      cwd: checkout.root,
      env: botProcessEnv(checkout, slack, port, stateDir),
      extendEnv: false,
      reject: false,
      all: true,
    });
    let logs = '';
    bot.all?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const url = `http://127.0.0.1:${port}/slack/events`;
    expect(await waitForHealthz(port), logs).toBe(200);
    const verdicts = () => slack.callsTo('chat.postMessage').filter((c) => String(c.text).startsWith('Verdict:')).length;
    const escaped = escapeRegExp(stateDir);
    const click = async (button: ReturnType<SlackStandIn['buttons']>[number], user: string) =>
      postSigned(url, blockActionBody({ actionId: button.actionId, value: button.value, channel: button.channel, messageTs: button.ts, threadTs: button.threadTs, user, responseUrl: slack.responseUrl(user) }));

    // One incident on disk before the volume goes read-only, one opened after it (its events kept in the bot's memory).
    await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl('first') }));
    await slack.waitFor('the first verdict', () => verdicts() === 1, 120_000);
    await remountReadOnly(bot.pid as number, volume);
    // A failed request says what the bot said and whether it still runs: once seen as ECONNRESET in a full run, not alone.
    await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl('second') })).catch((error: Error) => {
      throw new Error(`${error.message} (${String((error.cause as Error | undefined)?.message)}); the bot ${bot?.exitCode === null ? 'still runs' : `exited with ${bot?.exitCode}`} and said: ${logs.slice(-3000)}`);
    });
    await slack.waitFor('the second verdict', () => verdicts() === 2, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}; the bot said: ${logs.slice(-3000)}`);
    });
    // Each incident's first message, posted and then updated, carries its button.
    const [onDisk, inMemory] = [...new Map(slack.buttons('write_postmortem').map((button) => [button.value, button])).values()];
    expect(inMemory, 'two incidents').toBeDefined();

    await click(inMemory!, 'U0SECOND');
    await slack.waitFor('the answer to the click on the incident in memory', () => slack.ephemerals('U0SECOND').length > 0, 60_000);
    const said = slack.ephemerals('U0SECOND').join('\n');
    expect(said).not.toMatch(/no incident/);
    expect(said).toMatch(new RegExp(`the postmortem of ${inMemory!.value} could not be written: the state dir ${escaped} is not writable \\(EROFS: a read-only volume, since \\d\\d:\\d\\d UTC\\)\\. The incident is recorded`));

    await click(onDisk!, 'U0FIRST');
    await slack.waitFor('the answer to the click on the incident on disk', () => slack.ephemerals('U0FIRST').length > 0, 60_000);
    expect(slack.callsTo('files.completeUploadExternal'), 'the postmortem on disk is uploaded all the same').toHaveLength(1);
    expect(slack.ephemerals('U0FIRST').join('\n')).toMatch(new RegExp(`^:memo: The postmortem is in the thread\\. It could not be written on the bot's disk: EROFS: read-only file system, .* \\(writing under ${escaped}/postmortems\\)`));
  }, 300_000);
});

describe('a state dir the process may never write to (a read-only volume)', () => {
  it.skipIf(!unshareWorks)('stops the bot and the terminal at start with one line naming DATABOX_STATE_DIR, before anything is run', async () => {
    const volume = path.join(checkout.root, 'volume');
    const stateDir = path.join(volume, 'state');
    fs.mkdirSync(volume);
    const mountReadOnlyThenRun = 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"';
    const inNamespace = (command: string[], env: Record<string, string>) =>
      execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', mountReadOnlyThenRun, volume, ...command], { cwd: checkout.root, env, extendEnv: false, reject: false, timeout: 120_000 });
    const expected = new RegExp(`invalid configuration: DATABOX_STATE_DIR ${stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be created or written \\(EROFS: a read-only file system; this process runs as uid \\d+\\): the journal`);

    const started = await inNamespace([process.execPath, ...mainArgs], botProcessEnv(checkout, slack, await freePort(), stateDir));
    expect(started.exitCode, String(started.stderr)).toBe(2);
    expect(String(started.stderr).trim()).toMatch(new RegExp(`^databox-bot: ${expected.source}`));
    expect(slack.calls, 'nothing was asked of Slack').toEqual([]);

    const cli = await inNamespace([process.execPath, ...cliArgs, 'diagnose', 'duckdb'], { ...botProcessEnv(checkout, slack, 0, stateDir), LOG_LEVEL: 'error' });
    expect(cli.exitCode, String(cli.stderr)).toBe(2);
    expect(String(cli.stderr).trim()).toMatch(new RegExp(`^databox: ${expected.source}`));
  }, 120_000);
});

describe('a state dir where no folder can be made (under /proc)', () => {
  it.skipIf(!fs.existsSync('/proc/self'))('stops the bot at start with one line naming DATABOX_STATE_DIR, where a recursive mkdir would spin for ever', async () => {
    const stateDir = '/proc/databox-state/var';
    const started = await execa(process.execPath, mainArgs, { cwd: checkout.root, env: botProcessEnv(checkout, slack, await freePort(), stateDir), extendEnv: false, reject: false, timeout: 60_000 });
    expect(started.timedOut, 'it did not hang').toBe(false);
    expect(started.exitCode, String(started.stderr)).toBe(2);
    expect(String(started.stderr).trim()).toMatch(/^databox-bot: invalid configuration: DATABOX_STATE_DIR \/proc\/databox-state\/var cannot be created or written \(ENOENT: a folder on the way cannot hold new folders; this process runs as uid \d+\)/);
  }, 90_000);
});

describe('a torn last journal line', () => {
  it('is set aside at the restart, said in the incident\'s thread and the log, and approvals are not blocked', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('recover duckdb path=a');
    await slack.waitFor('the plan', () => slack.buttons('approve_plan').length > 0, 60_000);
    await harness.stop();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    // The incident's own record, wherever it lands among the start's (its second line only when nothing came between).
    const records = fs.readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; incident?: string });
    const incident = records.find((record) => record.type === 'incident.opened')?.incident as string;
    expect(incident).toMatch(/^dbx-/);
    fs.appendFileSync(journalFile, `{"seq":99,"at":"2026-04-20T10:00:00.000Z","type":"step.started","incident":"${incident}","actor":"databox-bot","da`);

    harness = await startBot(checkout, slack);
    await slack.waitFor('the note in the thread', () => slack.callsTo('chat.postMessage').some((c) => String(c.text).includes('torn journal line')), 60_000);
    const note = slack.callsTo('chat.postMessage').find((c) => String(c.text).includes('torn journal line'));
    expect(note?.thread_ts, 'in the incident\'s thread').toBeTruthy();
    const shown = JSON.stringify(note?.blocks);
    expect(shown).toMatch(/journal's last line was cut short .* set aside to `.*journal\.jsonl\.torn-\d{8}T\d{9}Z` \(\d+ bytes\)/);
    expect(shown).toContain('The journal verifies again; approvals go on.');
    expect(harness.logs.some((l) => /set aside to .*journal\.jsonl\.torn-/.test(String(l.msg)) && l.level === 40 && l.incident === incident)).toBe(true);
    expect(harness.bot.journal.problem).toBeUndefined();
    await harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await harness.settle();
    expect(checkout.listData()).toContain('databox.duckdb.broken');
  });
});
