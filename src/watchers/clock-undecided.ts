// With Dagster's clock unknown (no Date header): what the daemon watcher says while only the bot's clock calls daemons stopped.
import { stoppedOnlyByBotClock } from '../dagster/daemon-heartbeats.js';
import type { DaemonEvidence, DagsterClock } from '../dagster/evidence.js';
import { formatDuration } from '../format-duration.js';

/**
 * Why the daemon watcher cannot tell yet (stoppedOnlyByBotClock), and what will tell: a newer heartbeat, or none for
 * the rest of DATABOX_HEARTBEAT_MAX_AGE counted from when the watcher first saw the newest. Undefined otherwise.
 */
export function clockUndecided(daemons: readonly DaemonEvidence[], clock: DagsterClock | undefined, heartbeatMaxAgeMs: number): string | undefined {
  if (!clock || !stoppedOnlyByBotClock(daemons, clock, heartbeatMaxAgeMs / 1000)) return undefined;
  const left = formatDuration(Math.max(0, heartbeatMaxAgeMs - (clock.seenForSeconds ?? 0) * 1000));
  return `the daemons' heartbeats by Dagster's clock, yet (none is called stopped on the bot's clock alone): a heartbeat newer than the newest seen says they run; none for ${left} more of watching says they stopped`;
}
