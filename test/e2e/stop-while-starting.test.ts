// A stop asked for in the first moments of the start (a quick redeploy, a supervisor's stop on a busy host), before the
// bot could stop gracefully: the bot process, held at a chosen import by a loader hook, ends cleanly (exit 0, said in
// its log, its lock removed), not killed by the signal. One asked for while the start waits on Slack ends the start
// there: the listener never starts, and nothing says it failed to stop or that the bot is running.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, mainArgs, projectRoot } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { signingSecret } from '../helpers/signed-request.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-stop-while-starting-'));
const holdImport = path.join(projectRoot, 'test', 'fixtures', 'hold-import', 'register.mjs');

blockNetwork();
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The bot started as `npm start` starts it, its start held for good at the import of `held`. */
async function startHeldAt(held: string, name: string) {
  const stateDir = path.join(work, name, 'var');
  const bot = execa(process.execPath, ['--import', holdImport, ...mainArgs], {
    cwd: path.join(work),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: work,
      DATABOX_ROOT: work,
      DATABOX_STATE_DIR: stateDir,
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: signingSecret,
      // Nothing answers there: the start is stopped before it asks Slack anything.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: String(await freePort()),
      DATABOX_TEST_HOLD_IMPORT: held,
    },
    extendEnv: false,
    reject: false,
    all: true,
    forceKillAfterDelay: 60_000,
  });
  let output = '';
  bot.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (const deadline = Date.now() + 90_000; Date.now() < deadline && !output.includes('holding the import'); ) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(output, 'the start reached the held import').toContain(`holding the import of ${held}`);
  return { bot, stateDir, output: () => output };
}

describe('a stop while the bot is starting', () => {
  it('ends the process cleanly when it comes before the settings are read (the signal handled first thing)', async () => {
    const { bot, stateDir } = await startHeldAt('dist/src/load-settings.js', 'settings');
    bot.kill('SIGTERM');
    const { exitCode, signal } = await bot;
    expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: undefined });
    expect(fs.existsSync(path.join(stateDir, 'databox-bot.lock'))).toBe(false);
  }, 120_000);

  it('ends the process cleanly, said in the log and the lock removed, when it comes while the bot itself loads', async () => {
    const { bot, stateDir, output } = await startHeldAt('dist/src/bot.js', 'bot');
    const lockFile = path.join(stateDir, 'databox-bot.lock');
    expect(fs.existsSync(lockFile), 'the lock is taken before the bot loads').toBe(true);
    bot.kill('SIGTERM');
    const { exitCode, signal } = await bot;
    expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: undefined });
    expect(fs.existsSync(lockFile), 'the lock is removed').toBe(false);
    expect(output()).toMatch(/"signal":"SIGTERM".*"msg":"stopped while starting, before the bot ran: nothing to finish"/);
    expect(output().split('\n').filter((line) => line.startsWith('databox-bot: '))).toEqual([]);
  }, 120_000);

  it('ends the start where it waits on Slack, quietly: no listener started, none said to have failed to stop, never "running"', async () => {
    const stateDir = path.join(work, 'waiting-on-slack', 'var');
    let output = '';
    // Slack's stand-in: the start's first request (its check of the token) is held until the stop is under way, then
    // every request is answered as Slack would, so a start that went on would get as far as listening.
    let stopUnderWay: () => void = () => undefined;
    const stopSeen = new Promise<void>((resolve) => (stopUnderWay = resolve));
    let asked: () => void = () => undefined;
    const firstRequest = new Promise<void>((resolve) => (asked = resolve));
    const slack = http.createServer((request, response) => {
      request.resume();
      asked();
      void stopSeen.then(() => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ ok: true, url: 'https://example.slack.com/', team: 'T', user: 'databox', team_id: 'T1', user_id: 'U1', bot_id: 'B1' }));
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
    const bot = execa(process.execPath, mainArgs, {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        DATABOX_ROOT: work,
        DATABOX_STATE_DIR: stateDir,
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/api/`,
        PORT: String(await freePort()),
      },
      extendEnv: false,
      reject: false,
      all: true,
      forceKillAfterDelay: 60_000,
    });
    bot.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('stopping: finishing queued work first')) stopUnderWay();
    });
    try {
      await firstRequest;
      bot.kill('SIGINT');
      const { exitCode, signal } = await bot;
      expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: undefined });
    } finally {
      slack.closeAllConnections();
      slack.close();
    }
    expect(output).toContain('stopping: finishing queued work first');
    expect(output).not.toContain('did not stop cleanly');
    expect(output).not.toContain('databox-bot is running');
    expect(output).not.toContain('"stack"');
    const journal = fs.readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: unknown });
    expect(journal.at(-1)).toMatchObject({ type: 'bot.stopped', data: { signal: 'SIGINT' } });
  }, 120_000);
});
