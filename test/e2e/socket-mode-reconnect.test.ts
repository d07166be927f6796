// The bot as a process in Socket Mode whose WebSocket is lost: Slack's Web API out of reach (refused connections, 500s)
// for longer than @slack/socket-mode waits is waited out and the bot connects again; the app token refused on the way
// back stops the bot as a stop does (journaled, lock removed), with one line naming SLACK_APP_TOKEN, and a failed exit.
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { botProcessEnv } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { mainArgs } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let socket: SocketModeStandIn;
let bot: ResultPromise<{ reject: false }> | undefined;
let output = '';

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  socket = new SocketModeStandIn();
  await socket.start();
  slack.socketUrl = socket.url;
  output = '';
});

afterEach(async () => {
  if (bot?.exitCode === null) bot.kill('SIGKILL');
  await bot;
  await socket.stop();
  await closeStandIns(undefined, slack, checkout);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !predicate(); await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the bot said:\n${output}`);
  }
}

/** The built bot in Socket Mode, connected to the WebSocket stand-in (wrapped: a process is a promise of its end, which an async function would wait for). */
async function connectedBot(): Promise<{ started: ResultPromise<{ reject: false }> }> {
  const { SLACK_SIGNING_SECRET: _httpOnly, PORT: _noPort, ...env } = botProcessEnv(checkout, slack, 0);
  const started = execa(process.execPath, mainArgs, { cwd: checkout.root, env: { ...env, SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret' }, extendEnv: false, reject: false });
  started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until('the bot to connect', () => socket.connected && output.includes('databox-bot is running'), 90_000);
  return { started };
}

const logLines = () =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });

it.each([
  ['answers 500', async () => ((slack.troubled = /^apps\.connections\.open$/), (slack.lastingTrouble = { status: 500 })), async () => (slack.lastingTrouble = undefined)],
  ['rate limits it', async () => ((slack.troubled = /^apps\.connections\.open$/), (slack.lastingTrouble = { status: 429, retryAfter: 1 })), async () => (slack.lastingTrouble = undefined)],
  ['refuses connections (down)', async () => slack.stop(), async (port: number) => slack.start(port)],
])("connects again when Slack's Web API %s for longer than Bolt's own tries, however long it lasts", async (_case, goAway, comeBack) => {
  const { started: running } = await connectedBot();
  bot = running;
  const port = Number(new URL(slack.url).port);
  const lost = Date.now();
  await goAway();
  await socket.stop();
  socket = new SocketModeStandIn();
  await socket.start();
  slack.socketUrl = socket.url;
  // Bolt's client gave up after about 12 s of it, and the process ended (exit 0) a few seconds later.
  await until('the trouble said', () => output.includes("Slack's Web API gives no Socket Mode connection (apps.connections.open)"));
  await sleep(Math.max(0, 25_000 - (Date.now() - lost)));
  expect(running.exitCode).toBeNull();
  await comeBack(port);
  await until('the connection again', () => socket.connected);
  const said = logLines().filter((line) => line.msg.startsWith("Slack's Web API gives"));
  expect(said[0]?.level).toBe(50);
  expect(said[0]?.msg).toMatch(
    /: it (answered HTTP 500|kept answering "rate limited"|did not answer \(fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\))\. The bot keeps trying again, next in 5 s \(waits grow to 30 s\)/,
  );
  // Said once a minute at most, and once when it is over.
  expect(said).toHaveLength(2);
  expect(said[1]?.msg).toMatch(/^Slack's Web API gives Socket Mode connections again, after \d+ failed tries: connecting$/);
  running.kill('SIGTERM');
  expect((await running).exitCode).toBe(0);
}, 180_000);

it.each(['invalid_auth', 'token_revoked'])('stops, journaled and with one line naming SLACK_APP_TOKEN, and exits 2 when Slack refuses the app token (%s) on the way back', async (code) => {
  const { started: running } = await connectedBot();
  bot = running;
  slack.failures.set('apps.connections.open', code);
  await socket.stop();
  const { exitCode } = await running;
  expect(exitCode).toBe(2);
  const line = `SLACK_APP_TOKEN was refused by Slack as the bot connected again (${code}): the app-level token was revoked, or the app deleted or uninstalled. Create a new one on the app's Basic Information → App-Level Tokens (with the connections:write scope), set it as SLACK_APP_TOKEN and start the bot again. The bot stops`;
  expect(output.split('\n')).toContain(`databox-bot: ${line}`);
  expect(logLines().filter((said) => said.level >= 50).map((said) => said.msg)).toContain(line);
  expect(journalRecordsOf(checkout).at(-1)).toMatchObject({ type: 'bot.stopped', data: { pid: running.pid, signal: 'SLACK_APP_TOKEN refused by Slack' } });
  expect(fs.existsSync(path.join(checkout.stateDir, 'databox-bot.lock'))).toBe(false);
}, 180_000);
