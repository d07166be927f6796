// The bot as a process in Socket Mode whose WebSocket is lost: Slack's Web API out of reach (refused connections, 500s)
// for longer than @slack/socket-mode waits is waited out and the bot connects again; the app token refused on the way
// back stops the bot as a stop does (journaled, lock removed), with one line naming SLACK_APP_TOKEN, and a failed exit,
// as does an answer that is not Slack's (a proxy's 403); a SIGTERM while it waits to ask again is a stop as any other.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';
import { startSocketModeBot, type SocketModeBotProcess } from '../helpers/socket-mode-bot-process.js';
import { socketModeStageFor, type SocketModeStage as Stage } from '../helpers/socket-mode-stage.js';
import { journalRecordsOf } from '../helpers/stand-ins.js';

blockNetwork();


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built bot in Socket Mode, connected to the WebSocket stand-in. */
async function connectedBot(stage: Stage): Promise<SocketModeBotProcess> {
  const started = startSocketModeBot(stage.checkout, stage.slack);
  stage.bot = started;
  await started.until('the bot to connect', () => stage.socket.connected && started.output().includes('databox-bot is running'), 90_000);
  return started;
}

/** The connection lost: the WebSocket stand-in goes, and a new one is handed out by apps.connections.open from now on. */
async function loseTheConnection(stage: Stage): Promise<void> {
  await stage.socket.stop();
  stage.socket = new SocketModeStandIn();
  await stage.socket.start();
  stage.slack.socketUrl = stage.socket.url;
}

const stopsJournaled = (checkout: Checkout) => journalRecordsOf(checkout).filter((record) => record.type === 'bot.stopped');
const lockFile = (checkout: Checkout) => path.join(checkout.stateDir, 'databox-bot.lock');

describe.concurrent('a bot whose Socket Mode connection is lost', () => {
  it.for([
    ['answers 500', async (slack: SlackStandIn) => ((slack.troubled = /^apps\.connections\.open$/), (slack.lastingTrouble = { status: 500 })), async (slack: SlackStandIn) => (slack.lastingTrouble = undefined)],
    ['rate limits it', async (slack: SlackStandIn) => ((slack.troubled = /^apps\.connections\.open$/), (slack.lastingTrouble = { status: 429, retryAfter: 1 })), async (slack: SlackStandIn) => (slack.lastingTrouble = undefined)],
    // Down is no listener on the port (ECONNREFUSED, as the log line below says): one that took connections and dropped
    // them would be a reset, another trouble. Another process taking the port meanwhile fails the start back, cleanly.
    ['refuses connections (down)', async (slack: SlackStandIn) => slack.stop(), async (slack: SlackStandIn, port: number) => slack.start(port)],
  ] as const)("connects again when Slack's Web API %s for longer than Bolt's own tries, however long it lasts", { timeout: 180_000 }, async ([, goAway, comeBack], context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    const bot = await connectedBot(stage);
    const running = bot.process;
    const port = Number(new URL(slack.url).port);
    const lost = Date.now();
    await goAway(slack);
    await loseTheConnection(stage);
    // Bolt's client gave up after about 12 s of it, and the process ended (exit 0) a few seconds later.
    await bot.until('the trouble said', () => bot.output().includes("Slack's Web API gives no Socket Mode connection (apps.connections.open)"));
    await sleep(Math.max(0, 25_000 - (Date.now() - lost)));
    expect(running.exitCode).toBeNull();
    await comeBack(slack, port);
    await bot.until('the connection again', () => stage.socket.connected);
    // The bot's log line saying it is over is written as it connects: on a loaded host it can reach us just after.
    const saidSoFar = () => bot.logLines().filter((line) => line.msg.startsWith("Slack's Web API gives"));
    await bot.until('the end of the trouble said', () => saidSoFar().some((line) => line.msg.includes('Socket Mode connections again')));
    const said = saidSoFar();
    expect(said[0]?.level).toBe(50);
    expect(said[0]?.msg).toMatch(
      /: it (answered HTTP 500|kept answering "rate limited"|did not answer \(fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\))\. The bot keeps trying again, next in 5 s \(waits grow to 30 s\)/,
    );
    // Said once a minute at most, and once when it is over.
    expect(said).toHaveLength(2);
    expect(said[1]?.msg).toMatch(/^Slack's Web API gives Socket Mode connections again, after \d+ failed tries: connecting$/);
    running.kill('SIGTERM');
    expect((await running).exitCode).toBe(0);
    expect(stopsJournaled(checkout)).toHaveLength(1);
  });

  it("stops as a SIGTERM stops it (exit 0, one bot.stopped, the lock removed) while it waits to ask Slack's Web API again for a connection", async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    const bot = await connectedBot(stage);
    slack.troubled = /^apps\.connections\.open$/;
    slack.lastingTrouble = { status: 500 };
    await loseTheConnection(stage);
    await bot.until('the trouble said', () => bot.output().includes("Slack's Web API gives no Socket Mode connection (apps.connections.open)"));
    bot.process.kill('SIGTERM');
    const { exitCode } = await bot.process;
    expect(bot.output().split('\n').filter((line) => line.startsWith('databox-bot: '))).toEqual([]);
    expect(exitCode).toBe(0);
    expect(stopsJournaled(checkout)).toEqual([expect.objectContaining({ data: expect.objectContaining({ signal: 'SIGTERM' }) })]);
    expect(fs.existsSync(lockFile(checkout))).toBe(false);
  }, 180_000);

  it('stops, journaled and with one line naming SLACK_API_URL and a proxy, and exits 1 when what answers apps.connections.open on the way back is not Slack (HTTP 403)', async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    const bot = await connectedBot(stage);
    slack.troubled = /^apps\.connections\.open$/;
    slack.lastingTrouble = { status: 403, raw: '<html>Forbidden by proxy</html>' };
    await stage.socket.stop();
    const { exitCode } = await bot.process;
    expect(exitCode).toBe(1);
    const line = new RegExp(
      "^databox-bot: Slack's Web API gives no Socket Mode connection as the bot connected again: http://127\\.0\\.0\\.1:\\d+/api/apps\\.connections\\.open answered HTTP 403 Forbidden, " +
        "where Slack's Web API answers 200 \\(.*\\)\\. Asking again gets the same answer: check SLACK_API_URL and any proxy, and start the bot again\\. The bot stops$",
    );
    expect(bot.output().split('\n').filter((said) => said.startsWith('databox-bot: '))).toEqual([expect.stringMatching(line)]);
    expect(stopsJournaled(checkout)).toEqual([expect.objectContaining({ data: expect.objectContaining({ pid: bot.process.pid, signal: "Slack's Web API address refused Socket Mode" }) })]);
    expect(fs.existsSync(lockFile(checkout))).toBe(false);
  }, 180_000);

  it.for(['invalid_auth', 'token_revoked', 'team_disabled'])('stops, journaled and with one line naming SLACK_APP_TOKEN, and exits 2 when Slack refuses the app token (%s) on the way back', { timeout: 180_000 }, async (code, context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    const bot = await connectedBot(stage);
    const running = bot.process;
    slack.failures.set('apps.connections.open', code);
    await stage.socket.stop();
    const { exitCode } = await running;
    expect(exitCode).toBe(2);
    const line = `SLACK_APP_TOKEN was refused by Slack as the bot connected again (${code}): the app-level token was revoked, or the app deleted or uninstalled. Create a new one on the app's Basic Information → App-Level Tokens (with the connections:write scope), set it as SLACK_APP_TOKEN and start the bot again. The bot stops`;
    expect(bot.output().split('\n')).toContain(`databox-bot: ${line}`);
    expect(bot.logLines().filter((said) => said.level >= 50).map((said) => said.msg)).toContain(line);
    expect(journalRecordsOf(checkout).at(-1)).toMatchObject({ type: 'bot.stopped', data: { pid: running.pid, signal: 'SLACK_APP_TOKEN refused by Slack' } });
    expect(stopsJournaled(checkout)).toHaveLength(1);
    expect(fs.existsSync(lockFile(checkout))).toBe(false);
  });
});
