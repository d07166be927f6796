// Builds the Bolt app: Socket Mode with an app token, otherwise HTTP on /slack/events (a slash after it too) with GET /healthz beside it.
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import { notingFailedPosts, withoutBlindReposts } from './blind-reposts.js';
import { fetchOffThread } from './fetch-off-thread.js';
import { notingFailedWhoIs, withoutSecondWaits } from './unanswered-who-is.js';
import { eventsPaths, guardRequests } from './guard-requests.js';
import type { TokenRefused } from './lasting-trouble.js';
import { healthzAnswer } from '../health/healthz-answer.js';
import type { SocketModeHealth } from '../health/socket-mode-health.js';
import { socketModeTrouble } from './socket-mode-trouble.js';
import type { SlackWait } from './slack-down-at-start.js';
import { keepReconnecting } from './socket-mode-reconnect.js';
import { envelopeIdOf, ignoringRedeliveries } from './socket-mode-redeliveries.js';
import { refusingWrongAddress, withoutRetriesOfWrongAddress } from './wrong-address.js';

/**
 * How the Web API client meets Slack's bad days (see the README): a 429 pauses every call for its Retry-After, as Slack
 * asks, rather than failing (rejectRateLimitedCalls: false); a call Slack does not answer fails after 30 s instead of
 * hanging; 500s and network errors get a few quick retries here, but a post Slack may have carried out (no answer) is
 * not sent again here, nor a question of who clicked that Slack left unanswered (unanswered-who-is.ts). Past that, the
 * outbox (outbox.ts) retries thread
 * messages in order for as long as it takes, so one message's retries never stall a run or the messages behind it.
 * The start's auth.test answered by something that is not Slack (a 404 from a wrong SLACK_API_URL, a proxy's 403) is
 * not asked again: it stops the start at once, naming the URL and the answer (wrong-address.ts).
 * The HTTP requests themselves are made on a thread of their own (fetch-off-thread.ts), away from Slack's acks.
 */
export const webApiPolicy: WebClientOptions = {
  fetch: notingFailedPosts(notingFailedWhoIs(refusingWrongAddress(fetchOffThread))),
  rejectRateLimitedCalls: false,
  timeout: 30_000,
  retryConfig: withoutRetriesOfWrongAddress(withoutBlindReposts(withoutSecondWaits({ retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 10_000, randomize: true }))),
};

/** Signed requests refused before any listener, to journal them. */
export interface RefusedRequests {
  /** A body Bolt could not parse (answered 400 by Bolt): Bolt's message. */
  malformed: (message: string) => void;
  /** A body of a shape Slack never sends (answered 400 by guard-requests.ts), or a request or envelope sent again: who sent it, if it says, and why. */
  misshapen: (sender: string, reason: string) => void;
}

/**
 * `tokenRefused`: Slack's lasting refusal of the bot token while it lasts, for /healthz to report. Reported, not failed:
 * an orchestrator restarting the bot for it would gain nothing (a start with that token stops at once, naming it) and
 * end what still works without Slack (runs under way, the journal, the watchers, a terminal sharing the journal).
 * `socketMode.retryMs`: the Socket Mode client's wait before its first try again, longer after each failure (its ping's
 * wait for an answer too); Bolt's 5 s unless a test shortens it. `socketMode.onAppTokenRefused`: Slack refused the app
 * token as the bot connected again, after it had been connected (socket-mode-reconnect.ts): Slack's code.
 * `socketMode.onNotSlacksAnswer`: what answered apps.connections.open then was not Slack's Web API: what answered.
 * `socketMode.onStartWait`: the start's wait for Slack to hand out a first connection (an outage), undefined once over.
 * `socketMode.health`: follows the connection, for Socket Mode's /healthz (health-listener.ts).
 */
export function createSlackApp(
  config: Config,
  logger: Logger,
  clientOptions: WebClientOptions = {},
  refused?: RefusedRequests,
  tokenRefused: () => TokenRefused | undefined = () => undefined,
  socketMode: {
    retryMs?: number;
    onAppTokenRefused?: (code: string) => void;
    onNotSlacksAnswer?: (answer: string) => void;
    onStartWait?: (wait: SlackWait | undefined) => void;
    health?: SocketModeHealth;
  } = {},
): App {
  const socketModeRetryMs = socketMode.retryMs ?? 5_000;
  const { slack } = config;
  if (!slack.botToken) throw new Error('SLACK_BOT_TOKEN is required to run the Slack bot');
  const apiUrl = slack.apiUrl ? (slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`) : undefined;
  const trouble = slack.appToken ? socketModeTrouble(logger) : undefined;
  const boltLog = boltLogger(logger, refused?.malformed, trouble);
  const common = {
    token: slack.botToken,
    // The token is checked by app.init() at start, where a refusal can be reported; checked in the constructor, a
    // wrong token would end the process with an unhandled rejection and a stack trace.
    deferInitialization: true,
    logger: boltLog,
    // Bolt's conversation store is not used (the journal holds all state): without it no request pays for a lookup.
    convoStore: false as const,
    clientOptions: { ...webApiPolicy, ...(apiUrl ? { slackApiUrl: apiUrl } : {}), ...clientOptions },
  };
  if (slack.appToken) {
    // Built as Bolt builds it for socketMode: true, with clientOptions (SLACK_API_URL) handed on to the Socket Mode client,
    // so apps.connections.open goes there; built here to hear which address each connection is made to.
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger: boltLog,
      clientPingTimeout: socketModeRetryMs,
      // Not asked again by the client: socket-mode-reconnect.ts asks again for as long as it takes, with waits of its own.
      installerOptions: { clientOptions: { ...common.clientOptions, retryConfig: { retries: 0 } } },
      customPropertiesExtractor: envelopeIdOf,
    });
    const reconnect = keepReconnecting(receiver.client, {
      logger,
      firstWaitMs: socketModeRetryMs,
      onAppTokenRefused: (code) => socketMode.onAppTokenRefused?.(code),
      onNotSlacksAnswer: (answer) => socketMode.onNotSlacksAnswer?.(answer),
      onStartWait: (wait) => socketMode.onStartWait?.(wait),
    });
    // undici's channels are listened to while the receiver runs (a start that fails runs no more): every listener a
    // bot's start adds, its stop removes.
    const start = receiver.start.bind(receiver);
    const stop = receiver.stop.bind(receiver);
    receiver.start = () => {
      trouble?.listen();
      reconnect.started();
      return start().catch((error: unknown) => {
        trouble?.stopListening();
        throw error;
      });
    };
    receiver.stop = () => {
      trouble?.stopListening();
      reconnect.stopped();
      return stop();
    };
    receiver.client.on('authenticated', (answer: { url?: string }) => trouble?.connectingTo(answer.url));
    receiver.client.on('connected', () => trouble?.opened());
    socketMode.health?.follow(receiver.client);
    // An envelope Slack sends again (its ack came late, or was lost with the connection) is acknowledged, not acted on twice.
    return ignoringRedeliveries(new App({ ...common, appToken: slack.appToken, socketMode: true, receiver }), { logger, onRedelivered: (sender, reason) => refused?.misshapen(sender, reason) });
  }
  const signingSecret = slack.signingSecret as string;
  const receiver = new HTTPReceiver({
    signingSecret,
    port: slack.port,
    endpoints: eventsPaths,
    logger: boltLog,
    customRoutes: [
      {
        path: '/healthz',
        // HEAD as well: probes often ask with it, and Node sends a HEAD's answer without its body.
        method: ['GET', 'HEAD'],
        handler: (_req, res) => {
          const { status, body } = healthzAnswer(tokenRefused());
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        },
      },
    ],
  });
  guardRequests(receiver, { signingSecret, logger, onRefused: (sender, reason) => refused?.misshapen(sender, reason) });
  return new App({ ...common, receiver });
}
