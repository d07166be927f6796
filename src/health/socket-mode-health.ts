// Whether the Socket Mode connection is up, for /healthz: down is said only once it has lasted past a grace, since Slack
// drops every Socket Mode connection every few hours (a `disconnect` event) and the bot is connected again within seconds.
import { formatDuration } from '../format-duration.js';

/**
 * Two minutes: Slack's routine disconnects are back within seconds, and a reconnect through trouble on Slack's side
 * tries again after waits of up to 30 s (socket-mode-reconnect.ts), so a few of those still pass. Under Docker's
 * HEALTHCHECK (every 30 s, 3 failures) the container is unhealthy about three and a half minutes into an outage.
 */
export const socketDownGraceMs = 2 * 60_000;

/** The parts of @slack/socket-mode's client whose events say the connection's state. */
interface SocketModeEvents {
  on(event: 'connected' | 'close' | 'reconnecting' | 'disconnected', listener: () => void): unknown;
  websocket?: { isActive(): boolean };
}

export class SocketModeHealth {
  /** Since when the bot has had no connection; undefined while it has one. Down from its start until it first connects. */
  private downSince: number | undefined;

  constructor(
    private readonly graceMs: number = socketDownGraceMs,
    private readonly now: () => number = Date.now,
  ) {
    this.downSince = now();
  }

  /** Follows the client's connection: a `close` of a WebSocket already replaced by an open one (a refresh) is no loss. */
  follow(socketModeClient: unknown): void {
    const client = socketModeClient as SocketModeEvents;
    client.on('connected', () => (this.downSince = undefined));
    const lost = () => {
      if (!client.websocket?.isActive()) this.downSince ??= this.now();
    };
    client.on('close', lost);
    client.on('reconnecting', lost);
    client.on('disconnected', lost);
  }

  /** Why the bot is not healthy, in one line, once the connection has been down longer than the grace; else undefined. */
  problem(): string | undefined {
    if (this.downSince === undefined) return undefined;
    const down = this.now() - this.downSince;
    if (down <= this.graceMs) return undefined;
    return `no Socket Mode connection to Slack for ${formatDuration(down)} (longer than the ${formatDuration(this.graceMs)} allowed for reconnecting): the bot takes no command or click; its log says why`;
  }
}
