// Starts the real bot in HTTP mode on a loopback port, against the Slack stand-in, and drives it as Slack would.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FetchFunction } from '@slack/web-api';
import { createBot, type Bot, type BotOptions } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { webApiPolicy } from '../../src/slack/app.js';
import { PostPacer } from '../../src/slack/post-pacer.js';
import { CallsInFlight } from './calls-in-flight.js';
import type { Checkout } from './databox-checkout.js';
import { standinBin } from './databox-checkout.js';
import { blockActionBody, postSigned, signingSecret, slashCommandBody, viewSubmissionBody } from './signed-request.js';
import type { SlackStandIn } from './slack-stand-in.js';

export const botToken = 'xoxb-1111-2222-testbottokensecret';

export interface Harness {
  bot: Bot;
  url: string;
  logs: Record<string, any>[];
  /** Types `/databox <text>` as `user`, in `channel` (the fixture's, C0INCIDENT, unless given). */
  command(text: string, user?: string, channel?: string): Promise<{ status: number; text: string; json?: any }>;
  click(
    button: { actionId: string; value: string; text?: string; channel: string; ts: string; threadTs?: string },
    user: string,
    from?: Parameters<typeof blockActionBody>[0]['from'],
  ): Promise<{ status: number }>;
  /** Submits a modal the bot opened (the `view` it sent to views.open) with these field values. */
  /** A field's value null is one left empty, as Slack sends it. */
  submitModal(user: string, view: { callback_id: string; private_metadata: string }, values: Record<string, string | null>): Promise<{ status: number; json?: any }>;
  /** Waits for the bot's queue to drain (every job started by a request has finished) and its journal to be on disk. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export function withStandinPath(): void {
  if (!process.env.PATH?.startsWith(standinBin)) process.env.PATH = `${standinBin}:${process.env.PATH ?? ''}`;
}

/** The whole environment of the bot run as its own process (`src/main.ts`) in a checkout, on `port`, against the stand-in. */
export function botProcessEnv(checkout: Checkout, slack: SlackStandIn, port: number, stateDir = checkout.stateDir): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: checkout.root,
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    DATABOX_ROOT: checkout.root,
    DATABOX_STATE_DIR: stateDir,
  };
}

const commandHostBuilt = pathToFileURL(path.resolve(import.meta.dirname, '../../dist/src/process/off-thread-runner.js')).href;

/**
 * `options` overrides how the bot meets Slack (its Web API client options, the outbox's retry delays and pacing of
 * updates and new messages) and its database targets.
 */
export async function startBot(
  checkout: Checkout,
  slack: SlackStandIn,
  env: Record<string, string> = {},
  clock?: () => Date,
  sweepMs?: number,
  options: Pick<BotOptions, 'clientOptions' | 'slackRetryDelayMs' | 'slackHeldLongMs' | 'slackKeptRetryMs' | 'slackUpdateIntervalMs' | 'slackPostPacer' | 'targets' | 'startThreadsEarly' | 'journalWrite' | 'journalFilesSettledAt' | 'storageAnswerMs'> = {},
): Promise<Harness> {
  withStandinPath();
  const config = loadConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DATABOX_ROOT: checkout.root,
    DATABOX_STATE_DIR: checkout.stateDir,
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, any>);
      done();
    },
  });
  const logger = createLogger(config.logLevel, createRedactor(config.secrets), sink);
  // Retries of thread messages and paced updates come quickly in tests; the client itself does not retry (one request,
  // one call recorded).
  // Worker threads start when a test first needs them (many never run a command); the tests that run src/main.ts
  // (startup, crash-restart, state-dir-trouble) start them as the bot does, once it listens.
  // The command host from dist/ (built by the global setup from these sources): under tsx each bot's host took four times
  // the CPU to start, a tenth of the suite's. src/main.ts and the CLI, run as processes, are dist/ throughout.
  // Calls counted on their way to Slack, from the moment each is made, for settle(): some are not waited for by any job
  // (a clicker told something).
  const calls = new CallsInFlight();
  const clientOptions = options.clientOptions ?? { retryConfig: { retries: 0 } };
  const bot = createBot({
    config,
    logger,
    clock,
    sweepMs,
    slackRetryDelayMs: () => 200,
    slackUpdateIntervalMs: 50,
    // New messages paced as in production (a burst, then one an interval per channel), on a shorter interval.
    slackPostPacer: new PostPacer({ intervalMs: 50 }),
    startThreadsEarly: false,
    commandHostBuilt,
    ...options,
    clientOptions: { ...clientOptions, fetch: calls.track(clientOptions.fetch ?? (webApiPolicy.fetch as FetchFunction)) },
  });
  calls.watch(bot.app.client);
  const server = await bot.start(0);
  const { port } = server?.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    bot,
    url,
    logs,
    command: (text, user = 'U0OPERATOR', channel) =>
      postSigned(url, slashCommandBody(text, { user_id: user, response_url: slack.responseUrl(), ...(channel ? { channel_id: channel } : {}) })),
    click: (button, user, from) =>
      postSigned(
        url,
        blockActionBody({ actionId: button.actionId, value: button.value, text: button.text, user, channel: button.channel, messageTs: button.ts, threadTs: button.threadTs, responseUrl: slack.responseUrl('action'), from }),
      ),
    submitModal: (user, view, values) =>
      postSigned(url, viewSubmissionBody({ user, callbackId: view.callback_id, privateMetadata: view.private_metadata, values })),
    async settle() {
      // A click's job is queued after its ack: wait for the listeners to return (each queues its work before it does),
      // then for the queue, the postmortems' uploads, the outbox and the calls to Slack no job waits for. Again, a few times: a job may answer
      // with another request's work (a modal's submission), and a call's answer may start more work.
      for (let i = 0; i < 3; i += 1) {
        await new Promise((resolve) => setImmediate(resolve));
        await bot.listenersIdle();
        await bot.queue.idle();
        await bot.uploads.idle();
        await bot.outbox.idle();
        await calls.idle();
      }
      // A command's line waits a moment for company (a background commit): on disk now, for a test that reads the file.
      await bot.journal.flushed();
    },
    stop: () => bot.stop(),
  };
}
