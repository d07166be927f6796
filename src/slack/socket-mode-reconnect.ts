// Socket Mode's way to Slack: @slack/socket-mode gives up for good when apps.connections.open is not answered, fails
// with an HTTP error or is rate limited (the process then ran out of work and ended, exit 0), so once connected each is
// waited out here, with growing waits, said once a minute at most; at the start, as an outage the start waits out
// (slack-down-at-start.ts: its waits and words, and /healthz 503 meanwhile). What asking again never changes (the app
// token refused, an answer that is not Slack's) fails a start at once, and once connected is handed on, for the bot to stop.
import type { Logger } from '../logger.js';
import { plural } from '../plural.js';
import { refusesTheAppToken } from './app-token-refusals.js';
import { nextSlackWait, saySlackAnswersAgain, sayWaitingForSlack, waitAfterTry, type SlackWait } from './slack-down-at-start.js';
import { rateLimitedPastRetries, slackCodeOf, slackTrouble } from './slack-trouble.js';
import { underlying } from './socket-mode-trouble.js';

/** The longest wait between two tries: Slack back after an outage is found within this. */
const longestWaitMs = 30_000;
/** How often the trouble is said again while it lasts. */
const sayEveryMs = 60_000;

/** The start gave up on Slack's Web API handing out a connection: its message is the one line the operator sees. */
export class NoSocketModeConnection extends Error {
  override readonly name = 'NoSocketModeConnection';
}

type ConnectionsOpen = (options?: Record<string, unknown>) => Promise<{ url?: string }>;

/** The parts of @slack/socket-mode's client (private there) that its reconnects go through. */
interface SocketModeInternals {
  start(): Promise<unknown>;
  retrieveWSSURL(): Promise<string>;
  delayReconnectAttempt(attempt: () => Promise<unknown>): Promise<unknown>;
  webClient: { apps: { connections: { open: ConnectionsOpen } } };
  on(event: 'connected', listener: () => void): unknown;
}

export interface SocketModeReconnectOptions {
  logger: Logger;
  /** The wait after the first failed try, doubled after each one after it, up to 30 s. */
  firstWaitMs: number;
  /**
   * Slack refused the app token past the start's first try (connected once, or the client trying again): revoked, the
   * app deleted: its code, handed on once. Refused at that first try, the start fails with Slack's error.
   */
  onAppTokenRefused(code: string): void;
  /**
   * What answered apps.connections.open past the start's first try is not Slack's Web API (an HTTP status other than
   * 429 and 5xx: a proxy refusing, an address that now points elsewhere): what answered, handed on once. At that first
   * try, the start fails with NoSocketModeConnection.
   */
  onNotSlacksAnswer(answer: string): void;
  /** While the start waits for Slack to hand out its first connection: the wait, for /healthz; undefined once it did. */
  onStartWait?(wait: SlackWait | undefined): void;
}

export interface SocketModeReconnect {
  /** The receiver starts: tries may wait again. */
  started(): void;
  /** The receiver stops: a wait under way ends, and the try it was for fails as the client expects of a stop. */
  stopped(): void;
}

/** Why Slack gave no connection, in words: its trouble, and for a request that failed, the network's own error. */
function whyNot(error: unknown): string {
  const trouble = slackTrouble(error);
  const original = (error as { original?: unknown }).original;
  // The client's own words for a rate limit name the URL and the wait, and say no more than the trouble does.
  if (trouble && original !== undefined && !rateLimitedPastRetries(error)) return `${trouble} (${underlying(original)})`;
  return trouble ?? underlying(error);
}

/**
 * What answered, when it is not Slack's Web API: Slack's answers, its errors too, are 200, and only 429 (busy) and 5xx
 * (failing for a moment) otherwise. Asking again gets the same answer.
 */
function notSlacksAnswer(error: unknown, url: string): string | undefined {
  const failure = error as { code?: string; statusCode?: number; statusMessage?: string };
  const status = failure?.statusCode;
  if (failure?.code !== 'slack_webapi_http_error' || status === undefined || status === 429 || status >= 500) return undefined;
  return `${url} answered HTTP ${status}${failure.statusMessage ? ` ${failure.statusMessage}` : ''}`;
}

export function keepReconnecting(socketModeClient: unknown, options: SocketModeReconnectOptions): SocketModeReconnect {
  const { logger, firstWaitMs, onAppTokenRefused, onNotSlacksAnswer, onStartWait } = options;
  const client = socketModeClient as SocketModeInternals;
  /**
   * The start's own try is over: the bot connected, or the client took the start into its own tries again (a WebSocket
   * that would not open), which the start waits for however long they take. Until then a failure fails the start.
   */
  let pastFirstTry = false;
  let lastingHandedOn = false;
  /** The failure the wrapper below ended its tries with: final, not for the client to try again with waits of its own. */
  let givenUp: unknown;
  let stopped = false;
  let endWait: (() => void) | undefined;
  let saidAt: number | undefined;
  /** The start's wait for Slack to hand out a first connection, while it lasts. */
  let startWait: SlackWait | undefined;
  client.on('connected', () => (pastFirstTry = true));

  /** True once `ms` have passed; false when the receiver stopped first. */
  const waited = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        endWait = undefined;
        resolve(true);
      }, ms);
      endWait = () => {
        clearTimeout(timer);
        endWait = undefined;
        resolve(false);
      };
    });

  const check = "check that this host can reach Slack (a firewall, a proxy, DNS) and Slack's status page";
  const say = (error: unknown, tries: number, waitMs: number) => {
    logger.debug({ err: error, tries, waitMs }, 'apps.connections.open failed: Socket Mode asks again');
    if (saidAt !== undefined && Date.now() - saidAt < sayEveryMs) return;
    saidAt = Date.now();
    logger.error(
      { tries },
      `Slack's Web API gives no Socket Mode connection (apps.connections.open): ${whyNot(error)}. The bot keeps trying again, next in ${Math.round(waitMs / 1000)} s ` +
        `(waits grow to ${longestWaitMs / 1000} s), and takes no command or click until it connects: ${check}. ` +
        'Said again at most once a minute while it lasts',
    );
  };

  /** The error the tries end with, noted as final. */
  const final = (error: unknown) => {
    givenUp = error;
    return error;
  };

  const { connections } = client.webClient.apps;
  const open = connections.open;
  const openUrl = () => `${(client.webClient as { slackApiUrl?: string }).slackApiUrl ?? ''}apps.connections.open`;
  connections.open = async (args) => {
    givenUp = undefined;
    for (let failed = 0; ; failed += 1) {
      try {
        const answer = await open(args);
        if (startWait) {
          saySlackAnswersAgain(logger, startWait);
          startWait = undefined;
          onStartWait?.(undefined);
        } else if (failed > 0) logger.info({ tries: failed + 1 }, `Slack's Web API gives Socket Mode connections again, after ${plural(failed, 'failed try', 'failed tries')}: connecting`);
        saidAt = undefined;
        return answer;
      } catch (error) {
        const code = slackCodeOf(error);
        if (refusesTheAppToken(code)) {
          if (pastFirstTry && !lastingHandedOn) {
            lastingHandedOn = true;
            onAppTokenRefused(code);
          }
          throw final(error);
        }
        const notSlack = notSlacksAnswer(error, openUrl());
        if (notSlack) {
          if (!pastFirstTry) {
            throw final(
              new NoSocketModeConnection(
                `Slack's Web API gives no Socket Mode connection (apps.connections.open): ${notSlack}, where Slack's Web API answers 200: check SLACK_API_URL and any proxy ` +
                  'between this host and Slack (not asked again: the same address gives the same answer)',
              ),
            );
          }
          if (!lastingHandedOn) {
            lastingHandedOn = true;
            onNotSlacksAnswer(notSlack);
          }
          throw final(error);
        }
        if (stopped) throw final(error);
        if (!pastFirstTry) {
          // Slack refusing what was asked for another reason than the token (forbidden_team, say): asking again changes nothing.
          if (!slackTrouble(error)) throw final(new NoSocketModeConnection(`Slack's Web API gives no Socket Mode connection (apps.connections.open): ${whyNot(error)}`));
          // An outage as the bot starts, the likeliest time for a restart: waited out as the start's check of the bot token is.
          startWait = nextSlackWait(startWait, `Slack could not be reached to open a Socket Mode connection: ${whyNot(error)} (asked ${openUrl()})`);
          onStartWait?.(startWait);
          const waitMs = waitAfterTry(startWait.tries);
          logger.debug({ err: error, tries: startWait.tries, waitMs }, 'apps.connections.open failed at the start: Socket Mode asks again');
          sayWaitingForSlack(logger, startWait.last, startWait, waitMs);
          if (!(await waited(waitMs))) throw final(error);
          continue;
        }
        const waitMs = Math.min(firstWaitMs * 2 ** failed, longestWaitMs);
        say(error, failed + 1, waitMs);
        if (!(await waited(waitMs))) throw final(error);
      }
    }
  };

  // A reconnect that a stop cuts short, or that Slack refuses the app token to (handed on above), rejects where nothing
  // listens (the client's delayReconnectAttempt chains only .then on it): an unhandled rejection, which ends the process.
  // Only a reconnect's start: a retried apps.connections.open still fails the start it belongs to (a token refused).
  // What the tries above gave up on is not tried again by the client (it would for a refusal it does not know, such as
  // token_revoked, every few seconds and without a word, and for a stop, never to end): it fails the start at once.
  const delayReconnectAttempt = client.delayReconnectAttempt.bind(client);
  const reconnect = client.start;
  const retrieveUrl = client.retrieveWSSURL;
  client.delayReconnectAttempt = (attempt) => {
    if (attempt === retrieveUrl && givenUp !== undefined) {
      const failure = givenUp;
      givenUp = undefined;
      return Promise.reject(failure);
    }
    return delayReconnectAttempt(
      attempt === reconnect
        ? function (this: unknown) {
            pastFirstTry = true;
            return attempt.apply(this).catch(() => undefined);
          }
        : attempt,
    );
  };

  return {
    started() {
      stopped = false;
    },
    stopped() {
      stopped = true;
      endWait?.();
    },
  };
}
