// A start that fails before the bot runs (here a SLACK_API_URL without /api/, which Slack's stand-in answers 404) is
// journaled as such: the next start says the previous start failed and why, not that a bot ran and crashed, in its log
// and in the postmortem's timeline.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { restartEntry } from '../../src/postmortem/restarts.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { botProcessEnv } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(undefined, slack, checkout));

const records = (): JournalRecord[] =>
  fs
    .readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);

it('journals a failed start with why, and the next start does not take it for a crash', async () => {
  const port = await freePort();
  const env = botProcessEnv(checkout, slack, port);
  // The stand-in's base without /api/: it answers 404 there, as Slack's own host does.
  const failing = execa(process.execPath, mainArgs, { cwd: checkout.root, env: { ...env, SLACK_API_URL: `${slack.url}/` }, extendEnv: false, reject: false, all: true });
  const failed = await failing;
  expect(failed.exitCode).toBe(1);
  expect(failed.all).toContain("SLACK_API_URL must be the Web API's base");
  const ended = records().at(-1);
  expect(ended).toMatchObject({ type: 'bot.stopped', data: { pid: failing.pid, failedToStart: expect.stringContaining('HTTP 404') } });

  let output = '';
  const second = execa(process.execPath, mainArgs, { cwd: checkout.root, env, extendEnv: false, reject: false, all: true, forceKillAfterDelay: 60_000 });
  second.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  expect(await waitForHealthz(port)).toBe(200);
  const restarted = records().filter((r) => r.type === 'bot.started').at(-1) as JournalRecord;
  expect(restarted.data).toMatchObject({ pid: second.pid, previous: { lastSeen: ended?.at, stoppedCleanly: true, failedToStart: expect.stringContaining('HTTP 404') } });
  expect(output).not.toContain('did not stop cleanly');
  expect(output).toMatch(/"msg":"the bot starts again: its previous start failed at \d\d:\d\d:\d\d UTC \(cannot check the bot token: [^"]*HTTP 404[^"]*\), and it was not running for /);
  expect(restartEntry(restarted)).toMatch(/: its previous start failed at \d\d:\d\d:\d\d UTC \(cannot check the bot token: .*HTTP 404.*\), and it was not running for [\d.]+ (ms|s|min)/);
  second.kill('SIGTERM');
  expect((await second).exitCode).toBe(0);
}, 180_000);
