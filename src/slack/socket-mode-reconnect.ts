// Socket Mode's way back to Slack: @slack/socket-mode gives up for good when apps.connections.open is not answered, fails
// with an HTTP error or is rate limited (the process then ran out of work and ended, exit 0), so each is waited out here,
// with growing waits, said once a minute at most; the app token refused once connected is handed on, for the bot to stop.
import type { Logger } from '../logger.js';
import { plural } from '../plural.js';
import { refusesTheAppToken } from './app-token-refusals.js';
import { rateLimitedPastRetries, slackCodeOf, slackTrouble } from './slack-trouble.js';
import { underlying } from './socket-mode-trouble.js';

/** The longest wait between two tries: Slack back after an outage is found within this. */
const longestWaitMs = 30_000;
/** How often the trouble is said again while it lasts. */
const sayEveryMs = 60_000;

type ConnectionsOpen = (options?: Record<string, unknown>) => Promise<{ url?: string }>;

/** The parts of @slack/socket-mode's client (private there) that its reconnects go through. */
interface SocketModeInternals {
  start(): Promise<unknown>;
  delayReconnectAttempt(attempt: () => Promise<unknown>): Promise<unknown>;
  webClient: { apps: { connections: { open: ConnectionsOpen } } };
  on(event: 'connected', listener: () => void): unknown;
}

export interface SocketModeReconnectOptions {
  logger: Logger;
  /** The wait after the first failed try, doubled after each one after it, up to 30 s. */
  firstWaitMs: number;
  /**
   * Slack refused the app token after a connection had been open (revoked, the app deleted): its code, handed on once.
   * Refused before, the start stops on it itself.
   */
  onAppTokenRefused(code: string): void;
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

export function keepReconnecting(socketModeClient: unknown, options: SocketModeReconnectOptions): SocketModeReconnect {
  const { logger, firstWaitMs, onAppTokenRefused } = options;
  const client = socketModeClient as SocketModeInternals;
  let connectedOnce = false;
  let refusalHandedOn = false;
  let stopped = false;
  let endWait: (() => void) | undefined;
  let saidAt: number | undefined;
  client.on('connected', () => (connectedOnce = true));

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

  const say = (error: unknown, tries: number, waitMs: number) => {
    logger.debug({ err: error, tries, waitMs }, 'apps.connections.open failed: Socket Mode asks again');
    if (saidAt !== undefined && Date.now() - saidAt < sayEveryMs) return;
    saidAt = Date.now();
    logger.error(
      { tries },
      `Slack's Web API gives no Socket Mode connection (apps.connections.open): ${whyNot(error)}. The bot keeps trying again, next in ${Math.round(waitMs / 1000)} s ` +
        `(waits grow to ${longestWaitMs / 1000} s), and takes no command or click until it connects: check that this host can reach Slack (a firewall, a proxy, DNS) and Slack's status page. ` +
        'Said again at most once a minute while it lasts',
    );
  };

  const { connections } = client.webClient.apps;
  const open = connections.open;
  connections.open = async (args) => {
    for (let failed = 0; ; failed += 1) {
      try {
        const answer = await open(args);
        if (failed > 0) logger.info({ tries: failed + 1 }, `Slack's Web API gives Socket Mode connections again, after ${plural(failed, 'failed try', 'failed tries')}: connecting`);
        saidAt = undefined;
        return answer;
      } catch (error) {
        const code = slackCodeOf(error);
        if (refusesTheAppToken(code)) {
          if (connectedOnce && !refusalHandedOn) {
            refusalHandedOn = true;
            onAppTokenRefused(code);
          }
          throw error;
        }
        if (stopped) throw error;
        const waitMs = Math.min(firstWaitMs * 2 ** failed, longestWaitMs);
        say(error, failed + 1, waitMs);
        if (!(await waited(waitMs))) throw error;
      }
    }
  };

  // A reconnect that a stop cuts short, or that Slack refuses the app token to (handed on above), rejects where nothing
  // listens (the client's delayReconnectAttempt chains only .then on it): an unhandled rejection, which ends the process.
  // Only a reconnect's start: a retried apps.connections.open still fails the start it belongs to (a token refused).
  const delayReconnectAttempt = client.delayReconnectAttempt.bind(client);
  const reconnect = client.start;
  client.delayReconnectAttempt = (attempt) =>
    delayReconnectAttempt(
      attempt === reconnect
        ? function (this: unknown) {
            return attempt.apply(this).catch(() => undefined);
          }
        : attempt,
    );

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
