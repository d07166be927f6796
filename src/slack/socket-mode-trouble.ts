// Why Slack's Socket Mode WebSocket cannot be opened, said once a minute at most: Bolt logs only "WebSocket error
// occurred: " (undici drops the connection's own error), so the host is taken from the URL Slack handed out and the
// connection's error from undici's diagnostics channels, listened to from the receiver's start to its stop.
import diagnostics from 'node:diagnostics_channel';
import type { Logger } from '../logger.js';

/** How often the trouble is said again while it lasts: Bolt tries again every few seconds. */
const sayEveryMs = 60_000;

/** Bolt's bare WebSocket error lines, both logged for each failed connection. */
export const websocketErrorLine = /^WebSocket error( occurred:|!)/;

export interface SocketModeTrouble {
  /** The URL apps.connections.open handed out, about to be connected to: only its host is kept (the rest is a ticket). */
  connectingTo(url: string | undefined): void;
  /** The connection to it is open: a failure after this is a connection lost, not one that could not be opened. */
  opened(): void;
  /** One of Bolt's bare WebSocket error lines. */
  failed(boltText: string): void;
  /** Listens on undici's channels, which every connection of the process is published on: from the bot's start… */
  listen(): void;
  /** …to its stop, so that bots started and stopped in one process (tests, a restart in place) leave no listener behind. */
  stopListening(): void;
}

/** The error's words and code, and its causes' after it ("connect ECONNREFUSED 127.0.0.1:39999"). */
export function underlying(error: unknown): string {
  const said: string[] = [];
  let current = error as { message?: unknown; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth += 1, current = current.cause as typeof current) {
    const message = typeof current.message === 'string' ? current.message.trim() : '';
    const code = typeof current.code === 'string' && !message.includes(current.code) ? current.code : '';
    const words = [message, code && `(${code})`].filter(Boolean).join(' ');
    if (words && !said.includes(words)) said.push(words);
  }
  return said.join(': ') || 'no reason given';
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

export function socketModeTrouble(logger: Logger, now: () => number = Date.now): SocketModeTrouble {
  let host: string | undefined;
  // What became of the connection to `host` since it was handed out.
  let attempted = false;
  let reached = false;
  let connectError: unknown;
  let open = false;
  const about = (message: unknown) => (message as { connectParams?: { host?: string } }).connectParams?.host === host;
  const listeners: [string, (message: unknown) => void][] = [
    ['undici:client:beforeConnect', (message) => (attempted ||= about(message))],
    ['undici:client:connected', (message) => (reached ||= about(message))],
    [
      'undici:client:connectError',
      (message) => {
        if (about(message)) connectError = (message as { error?: unknown }).error;
      },
    ],
  ];
  let listening = false;
  let saidAt: number | undefined;
  return {
    listen() {
      if (listening) return;
      listening = true;
      for (const [channel, listener] of listeners) diagnostics.subscribe(channel, listener);
    },
    stopListening() {
      if (!listening) return;
      listening = false;
      for (const [channel, listener] of listeners) diagnostics.unsubscribe(channel, listener);
    },
    connectingTo(url) {
      host = hostOf(url);
      attempted = reached = open = false;
      connectError = undefined;
    },
    opened() {
      open = true;
    },
    failed(boltText) {
      if (saidAt !== undefined && now() - saidAt < sayEveryMs) return;
      saidAt = now();
      const where = host ?? 'the address Slack gave';
      const retrying = 'The bot keeps trying again every few seconds, and takes no command or click until it connects';
      if (open) {
        const boltSaid = boltText.replace(websocketErrorLine, '').trim();
        logger.error(`Slack's Socket Mode WebSocket to ${where} was lost${boltSaid && boltSaid !== 'SMWebsocketError' ? `: ${boltSaid}` : ''}. ${retrying}. Said again at most once a minute while it lasts`);
        return;
      }
      const why =
        connectError !== undefined
          ? underlying(connectError)
          : reached
            ? 'it was reached, but did not take the WebSocket (a proxy or firewall in between?)'
            : attempted
              ? 'the connection failed without saying why'
              : 'no connection to it was even tried (WebSocket clients refuse some ports as unsafe, 1 among them, and URLs of other schemes)';
      logger.error(
        `Slack's Socket Mode WebSocket to ${where} cannot be opened: ${why}. ${retrying}: check that this host can reach that address (a firewall, a proxy). ` +
          'Said again at most once a minute while it lasts',
      );
    },
  };
}
