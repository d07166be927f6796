// The bot as a process in Socket Mode serves /healthz on 127.0.0.1 at HEALTH_PORT: 200 while connected, 503 with the
// reason once the connection has been down longer than its grace (shortened here), 200 again once it is back; a
// HEALTH_PORT another process holds is a warning naming it, not a failed start; a start waiting for Slack (its check of
// the bot token, or its first Socket Mode connection) answers 503 saying so; a refused app token still stops the start.
import net from 'node:net';
import { describe, it } from 'vitest';
import { freePort } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';
import { startSocketModeBot, type SocketModeBotProcess } from '../helpers/socket-mode-bot-process.js';
import { socketModeStageFor, type SocketModeStage as Stage } from '../helpers/socket-mode-stage.js';

blockNetwork();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built bot in Socket Mode with `env`, connected to the WebSocket stand-in. */
async function connectedBot(stage: Stage, env: Record<string, string>): Promise<SocketModeBotProcess> {
  const started = startSocketModeBot(stage.checkout, stage.slack, env);
  stage.bot = started;
  await started.until('the bot to connect', () => stage.socket.connected && started.output().includes('databox-bot is running'), 90_000);
  return started;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** GET /healthz on loopback `port`: its status and JSON body, or status 0 when nothing answers. */
async function healthz(port: number): Promise<Answer> {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, body: {} };
  }
}

/** Asks until the answer has `status`, failing with the last answer and what the bot said after 60 s. */
async function answered(bot: SocketModeBotProcess, port: number, status: number): Promise<Answer> {
  let last: Answer = { status: 0, body: {} };
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    last = await healthz(port);
    if (last.status === status) return last;
  }
  throw new Error(`/healthz never answered ${status}; last ${JSON.stringify(last)}; the bot said:\n${bot.output()}`);
}

describe.concurrent("Socket Mode's /healthz", () => {
  it('answers 200 on HEALTH_PORT while connected, 503 with the reason once the connection is down past the grace, and 200 once it is back', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const port = await freePort();
    // A grace of a second, so the test need not wait out two minutes: 503 is asked for until it comes, never timed.
    const bot = await connectedBot(stage, { HEALTH_PORT: String(port), HEALTH_SOCKET_GRACE: '1s' });
    expect(await answered(bot, port, 200)).toEqual({ status: 200, body: { ok: true } });
    // The WebSocket stand-in stops taking connections, and apps.connections.open still hands out its address.
    await stage.socket.stop();
    const down = await answered(bot, port, 503);
    expect(down.body).toEqual({ ok: false, reason: expect.stringMatching(/^no Socket Mode connection to Slack for [\d.]+ s \(longer than the 1\.0 s allowed for reconnecting\): the bot takes no command or click; its log says why$/) });
    stage.socket = new SocketModeStandIn();
    await stage.socket.start();
    stage.slack.socketUrl = stage.socket.url;
    await bot.until('the connection again', () => stage.socket.connected, 90_000);
    expect(await answered(bot, port, 200)).toEqual({ status: 200, body: { ok: true } });
  });

  it('answers 503 on HEALTH_PORT, saying it waits for Slack, while the start cannot reach Slack, and 200 once Slack answers and the bot connects', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const port = await freePort();
    stage.slack.troubled = /^auth\.test$/;
    stage.slack.lastingTrouble = { status: 500 };
    const bot = startSocketModeBot(stage.checkout, stage.slack, { HEALTH_PORT: String(port) });
    stage.bot = bot;
    const waiting = await answered(bot, port, 503);
    expect(waiting.body).toEqual({ ok: false, reason: expect.stringMatching(/^waiting for Slack, which could not be reached since \S+ \(\d+ tr(y|ies); last: Slack could not be reached to check the bot token: it answered HTTP 500 .*\): the bot takes no command or click until Slack answers; the terminal works meanwhile/) });
    stage.slack.lastingTrouble = undefined;
    await bot.until('the bot to connect', () => stage.socket.connected && bot.output().includes('databox-bot is running'), 90_000);
    expect(await answered(bot, port, 200)).toEqual({ status: 200, body: { ok: true } });
  });

  it('waits, answering 503 on HEALTH_PORT, while apps.connections.open fails as Slack answers auth.test; connects once Slack hands out a connection', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const port = await freePort();
    stage.slack.troubled = /^apps\.connections\.open$/;
    stage.slack.lastingTrouble = { status: 500 };
    const bot = startSocketModeBot(stage.checkout, stage.slack, { HEALTH_PORT: String(port) });
    stage.bot = bot;
    const waiting = await answered(bot, port, 503);
    expect(waiting.body).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^waiting for Slack, which could not be reached since \S+ \(\d+ tr(y|ies); last: Slack could not be reached to open a Socket Mode connection: it answered HTTP 500 \(asked http:\/\/127\.0\.0\.1:\d+\/api\/apps\.connections\.open\)\): the bot takes no command or click until Slack answers; the terminal works meanwhile/,
      ),
    });
    const said = bot.logLines().find((line) => line.msg.startsWith('Slack could not be reached to open a Socket Mode connection'));
    expect(said?.level).toBe(40);
    expect(said?.msg).toMatch(/: it answered HTTP 500 \(asked .*\/api\/apps\.connections\.open\)\. Slack is down or unreachable from this host, so the bot waits for it and tries again in 5\.0 s \(try 1 failed; /);
    expect(said?.msg).toContain('`npm run --silent cli -- status`');
    expect(bot.process.exitCode).toBeNull();
    stage.slack.lastingTrouble = undefined;
    await bot.until('the bot to connect', () => stage.socket.connected && bot.output().includes('databox-bot is running'), 90_000);
    expect(await answered(bot, port, 200)).toEqual({ status: 200, body: { ok: true } });
    expect(bot.logLines().some((line) => /^Slack answers again after .* \(\d+ failed tr(y|ies)\): the bot starts$/.test(line.msg))).toBe(true);
    expect(bot.output()).not.toContain('could not start');
  });

  it('stops the start at once, exit 2 naming SLACK_APP_TOKEN, when Slack refuses the app token (not_allowed_token_type) rather than waiting', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const port = await freePort();
    stage.slack.refuse = (method) => (method === 'apps.connections.open' ? 'not_allowed_token_type' : undefined);
    const bot = startSocketModeBot(stage.checkout, stage.slack, { HEALTH_PORT: String(port) });
    stage.bot = bot;
    const { exitCode } = await bot.process;
    expect(exitCode).toBe(2);
    expect(bot.output().split('\n').filter((line) => line.startsWith('databox-bot: '))).toEqual([
      'databox-bot: invalid configuration: SLACK_APP_TOKEN is not accepted by Slack (not_allowed_token_type): it must be an app-level token (xapp-…) with the connections:write scope',
    ]);
    expect(bot.output()).not.toContain('Slack could not be reached');
  });

  it('lets the bot start and run, with a warning naming HEALTH_PORT, when another process holds that port', { timeout: 180_000 }, async (context) => {
    const { expect } = context;
    const stage = await socketModeStageFor(context);
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    context.onTestFinished(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const bot = await connectedBot(stage, { HEALTH_PORT: String(port) });
    await bot.until('the warning', () => bot.output().includes("Socket Mode's /healthz cannot listen"));
    const warning = bot.logLines().find((line) => line.msg.startsWith("Socket Mode's /healthz cannot listen"));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toBe(
      `Socket Mode's /healthz cannot listen on 127.0.0.1:${port} (listen EADDRINUSE: address already in use 127.0.0.1:${port}): set HEALTH_PORT to a free port. The bot runs on, but its health check fails until it can`,
    );
    expect(bot.process.exitCode).toBeNull();
    expect(stage.socket.connected).toBe(true);
  });
});
