// A database whose storage never answers a read (a named pipe at its write-ahead log's path stands in for a hung
// network mount): the bot as its own process says so instead of waiting forever, keeps answering, and still stops.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botProcessEnv } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let pipe: string;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  // Whatever still waits on the pipe gets its end of file (opened for writing, then closed), so nothing is left hanging.
  try {
    if (pipe) fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // No reader left (ENXIO), or no pipe: nothing waits on it.
  }
  await closeStandIns(undefined, slack, checkout);
});

describe('a read the storage never answers', () => {
  it('is said as such by the watcher and the diagnosis, not read again beside itself, and the bot still stops on SIGTERM', async () => {
    await createHealthyDatabase(checkout.databasePath, 100);
    pipe = `${checkout.databasePath}.wal`;
    execFileSync('mkfifo', [pipe]);
    const port = await freePort();
    // The marts watcher reads the file on the session thread, which is given up on only after a minute: off here.
    const env = { ...botProcessEnv(checkout, slack, port), DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env, extendEnv: false, reject: false, all: true });
    const url = `http://127.0.0.1:${port}/slack/events`;
    expect(await waitForHealthz(port)).toBe(200);

    // The database watcher's first check opened the file at start; 20 s later its probe is said not to answer.
    const status = async () => String((await postSigned(url, slashCommandBody('status', { response_url: slack.responseUrl() }))).json?.text ?? '');
    const started = Date.now();
    let text = '';
    while (!/Database file: .*has not returned/.test(text) && Date.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      text = await status();
    }
    expect(text).toMatch(/Database file: .*a read of \S+databox\.duckdb started at \d\d:\d\d:\d\d UTC has not returned: the storage under it does not answer/);

    // A diagnosis now is answered at once, with the same words, not after its step's 30 s timeout.
    const asked = Date.now();
    await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl() }));
    await slack.waitFor('the verdict', () => slack.callsTo('chat.postMessage').some((m) => String(m.text).startsWith('Verdict:')), 20_000);
    expect(Date.now() - asked).toBeLessThan(15_000);
    expect(slack.allText()).toMatch(/has not returned: the storage under it does not answer \(a hung network mount, or a named pipe at the file's or its write-ahead log's path\)/);

    const stopAsked = Date.now();
    bot.kill('SIGTERM');
    const ended = await bot;
    expect(Date.now() - stopAsked, 'stopped within its grace, not held by the read').toBeLessThan(20_000);
    expect(ended.signal).toBe('SIGTERM');
    expect(ended.all, ended.all?.slice(-3000)).toMatch(/DuckDB's threads did not end: a read of \S+databox\.duckdb started at \d\d:\d\d:\d\d UTC has not returned \(the storage under it does not answer\); ending the process without waiting for them \(by SIGTERM\)/);
  }, 120_000);
});
