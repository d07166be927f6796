// The newest daemon heartbeat a watcher has seen, and since when: with no Date header, a lower bound of Dagster's clock.

/** What one look at the daemons says of Dagster's clock, with no Date header to read it off. */
export interface NewestHeartbeatLook {
  /** The newest heartbeat (epoch seconds, Dagster's clock). */
  newestSeconds: number;
  /** How long (ms, the bot's clock) the bot has seen no newer one: Dagster's clock is at least the newest plus this. */
  seenForMs: number;
  /** A newer heartbeat than at the look before: the daemons heartbeat, whatever the bot's clock says of its age. */
  newer: boolean;
}

/**
 * Kept across a watcher's checks. The bot's clock may be off, but it counts time as Dagster's does: a heartbeat no newer
 * after a span of it is at least that old, and one newer than at the previous look came since.
 */
export class HeartbeatsSeen {
  private newestSeconds?: number;
  private seenSinceMs = 0;

  look(newestSeconds: number, botNowMs: number): NewestHeartbeatLook {
    const before = this.newestSeconds;
    if (before === undefined || newestSeconds !== before) {
      this.newestSeconds = newestSeconds;
      this.seenSinceMs = botNowMs;
    }
    return { newestSeconds, seenForMs: Math.max(0, botNowMs - this.seenSinceMs), newer: before !== undefined && newestSeconds > before };
  }
}
