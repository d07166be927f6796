// The bot as a process in Socket Mode at its first start: Slack's Web API not handing out a connection (an outage) is
// waited for, said as an outage, until it does; a SIGTERM during that wait, or during
// Bolt's tries of a WebSocket that would not open, is a stop as any other (exit 0, journaled once, lock removed); what
// asking again never changes (the app token refused, an answer that is not Slack's) fails it at once with one line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { startSocketModeBot, type SocketModeBotProcess } from '../helpers/socket-mode-bot-process.js';
import { socketModeStageFor, type SocketModeStage as Stage } from '../helpers/socket-mode-stage.js';
import { journalRecordsOf } from '../helpers/stand-ins.js';

blockNetwork();


/** The built bot in Socket Mode, started on the stage. */
function startBotOn(stage: Stage): SocketModeBotProcess {
  stage.bot = startSocketModeBot(stage.checkout, stage.slack);
  return stage.bot;
}

/** apps.connections.open after the start's check of the app token (its first call), which passes. */
const afterTheCheck = (slack: SlackStandIn) => (method: string) => method === 'apps.connections.open' && slack.callsTo('apps.connections.open').length > 1;
const stderrLines = (bot: SocketModeBotProcess) => bot.output().split('\n').filter((line) => line.startsWith('databox-bot: '));
const lockFile = (checkout: Checkout) => path.join(checkout.stateDir, 'databox-bot.lock');

describe.concurrent('a bot in Socket Mode at its first start', () => {
  it('stops as a SIGTERM stops it (exit 0, one bot.stopped, the lock removed) while its start waits to ask Slack again for a connection', async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    slack.troubled = afterTheCheck(slack);
    slack.lastingTrouble = { status: 500 };
    const bot = startBotOn(stage);
    await bot.until('the start to wait', () => bot.output().includes('so the bot waits for it and tries again in 5.0 s'), 90_000);
    bot.process.kill('SIGTERM');
    const { exitCode } = await bot.process;
    expect(stderrLines(bot)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(journalRecordsOf(checkout).filter((record) => record.type === 'bot.stopped')).toEqual([expect.objectContaining({ data: expect.objectContaining({ signal: 'SIGTERM' }) })]);
    expect(fs.existsSync(lockFile(checkout))).toBe(false);
  }, 120_000);

  it('stops as a SIGTERM stops it (exit 0, one bot.stopped) while its start waits for Bolt to try again a WebSocket that would not open', async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack, checkout } = stage;
    // Port 1: WebSocket clients try no connection to it, and Bolt tries again every few seconds.
    slack.socketUrl = 'ws://127.0.0.1:1/link';
    const bot = startBotOn(stage);
    await bot.until('the WebSocket said not to open', () => bot.output().includes('cannot be opened'), 90_000);
    bot.process.kill('SIGTERM');
    const { exitCode } = await bot.process;
    expect(stderrLines(bot)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(journalRecordsOf(checkout).filter((record) => record.type === 'bot.stopped')).toHaveLength(1);
    expect(fs.existsSync(lockFile(checkout))).toBe(false);
  }, 120_000);

  it("waits for Slack, said as an outage and not a failed start, when Slack's Web API answers apps.connections.open with 500s after the start's check, and connects once it answers", async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack } = stage;
    slack.troubled = afterTheCheck(slack);
    slack.lastingTrouble = { status: 500 };
    const bot = startBotOn(stage);
    await bot.until('the start to wait twice', () => bot.logLines().filter((line) => line.msg.startsWith('Slack could not be reached to open a Socket Mode connection')).length >= 2, 110_000);
    expect(bot.logLines().find((line) => line.msg.startsWith('Slack could not be reached to open a Socket Mode connection'))?.msg).toMatch(
      /^Slack could not be reached to open a Socket Mode connection: it answered HTTP 500 \(asked http:\/\/127\.0\.0\.1:\d+\/api\/apps\.connections\.open\)\. Slack is down or unreachable from this host, so the bot waits for it and tries again in 5\.0 s \(try 1 failed; it tries until Slack answers/,
    );
    expect(bot.process.exitCode).toBeNull();
    slack.lastingTrouble = undefined;
    await bot.until('the bot to connect', () => stage.socket.connected && bot.output().includes('databox-bot is running'), 90_000);
    expect(stderrLines(bot)).toEqual([]);
  }, 180_000);

  it.for([
    ['token_revoked', 'it must be an app-level token (xapp-…) with the connections:write scope'],
    ['team_disabled', "the app's workspace is disabled (deleted or suspended), and no token of it connects until it is back"],
    ['user_removed_from_team', "the app's user was removed from the workspace: reinstall the app to it, and set the new app-level token as SLACK_APP_TOKEN"],
  ] as const)('fails the start at once, exit 2 naming SLACK_APP_TOKEN, when Slack refuses the app token (%s) as the start connects', { timeout: 120_000 }, async ([code, advice], context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack } = stage;
    slack.refuse = (method) => (afterTheCheck(slack)(method) ? code : undefined);
    const bot = startBotOn(stage);
    const { exitCode } = await bot.process;
    expect(exitCode).toBe(2);
    expect(stderrLines(bot)).toEqual([`databox-bot: invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (${code}): ${advice}`]);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
  });

  it('fails the start at once, exit 1 naming SLACK_API_URL and a proxy, when what answers apps.connections.open is not Slack (HTTP 403)', async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const { slack } = stage;
    slack.troubled = afterTheCheck(slack);
    slack.lastingTrouble = { status: 403, raw: '<html>Forbidden by proxy</html>' };
    const bot = startBotOn(stage);
    const { exitCode } = await bot.process;
    expect(exitCode).toBe(1);
    expect(stderrLines(bot)).toEqual([
      expect.stringMatching(
        /^databox-bot: could not start: Slack's Web API gives no Socket Mode connection \(apps\.connections\.open\): http:\/\/127\.0\.0\.1:\d+\/api\/apps\.connections\.open answered HTTP 403 Forbidden, where Slack's Web API answers 200: check SLACK_API_URL and any proxy between this host and Slack/,
      ),
    ]);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
  }, 120_000);
});
