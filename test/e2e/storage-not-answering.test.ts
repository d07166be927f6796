// A database whose storage never answers a read (a named pipe at its write-ahead log's path, opened by a session that
// does not look first, stands in for a hung network mount): the bot as its own process gives up on what it holds, keeps
// answering, and still stops.
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botProcessEnv } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { releasePipe } from '../helpers/hung-pipe.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let pipe: string;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  if (pipe) releasePipe(pipe);
  await closeStandIns(undefined, slack, checkout);
});

describe('a read the storage never answers', () => {
  it('gives up on the watcher check it holds, says the named pipe at once in a diagnosis, and the bot still stops on SIGTERM', async () => {
    await createHealthyDatabase(checkout.databasePath, 100);
    pipe = `${checkout.databasePath}.wal`;
    execFileSync('mkfifo', [pipe]);
    const port = await freePort();
    // The marts watcher opens the file, and so the pipe, on the session thread: that read never returns.
    const env = { ...botProcessEnv(checkout, slack, port), DATABOX_WATCH_INTERVAL: '1s', DATABOX_WATCH_DISK: 'false' };
    // Not killed by execa 5 s after the SIGTERM: the test is how long the bot takes by itself.
    const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env, extendEnv: false, reject: false, all: true, forceKillAfterDelay: false });
    const url = `http://127.0.0.1:${port}/slack/events`;
    expect(await waitForHealthz(port)).toBe(200);

    const status = async () => String((await postSigned(url, slashCommandBody('status', { response_url: slack.responseUrl() }))).json?.text ?? '');
    const started = Date.now();
    let text = '';
    while (!/Mart freshness: .*has not returned yet/.test(text) && Date.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      text = await status();
    }
    // Given up on after 10 s (its interval, at least 10 s), the watchers after it checked, and it not read again meanwhile.
    expect(text).toMatch(/• Mart freshness: check failed: its check started at \d\d:\d\d:\d\d UTC has not returned yet \(the storage or service it reads does not answer\): not checked again until it does/);
    expect(text).toMatch(/• Database file: PROBLEM since .*: The database's write-ahead log path is not a file: databox\.duckdb \(not posted: DATABOX_ALERT_CHANNEL is not set\) \(last check/);

    // A diagnosis is answered at once: the probe tells the pipe before DuckDB opens anything.
    await postSigned(url, slashCommandBody('diagnose duckdb', { response_url: slack.responseUrl() }));
    await slack.waitFor('the verdict', () => slack.callsTo('chat.postMessage').some((m) => String(m.text).startsWith('Verdict:')), 20_000);
    expect(slack.allText()).toContain("Something other than a file is at the write-ahead log's path");

    const stopAsked = Date.now();
    bot.kill('SIGTERM');
    const ended = await bot;
    expect(Date.now() - stopAsked, 'stopped within its grace and the threads\' 10 s, not held by the read').toBeLessThan(25_000);
    expect(ended.signal).toBe('SIGTERM');
    expect(ended.all, ended.all?.slice(-3000)).toMatch(/DuckDB's threads did not end within 10 s; ending the process without waiting for them \(by SIGTERM\)/);
  }, 120_000);
});
