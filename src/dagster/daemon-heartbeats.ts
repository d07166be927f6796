// The daemons' heartbeats judged: their ages by Dagster's own clock, which required ones are stopped and which only lag.
import { formatDuration } from '../format-duration.js';
import type { DaemonHealth } from './graphql-client.js';
import type { DaemonEvidence, DagsterClock } from './evidence.js';

/** A gap between the two clocks under this is the Date header's rounding and the answer's way over: not said. */
const skewWorthSayingSeconds = 60;

/** Dagster's own tolerance (DEFAULT_DAEMON_HEARTBEAT_TOLERANCE_SECONDS plus the 30 s heartbeat interval). */
export const dagsterToleranceSeconds = 1_830;

/**
 * Dagster's daemons each heartbeat every 30 s (DAEMON_HEARTBEAT_INTERVAL_SECONDS), so when their process dies their last
 * beats are up to that far apart: a daemon lags only behind one that heartbeated at least two intervals after it.
 */
const laggingGapSeconds = 2 * 30;

/**
 * The daemons with their heartbeat ages, counted from the webserver's clock when it answered where it said (its Date
 * header), so that the bot's clock ahead of or behind Dagster's neither ages every heartbeat nor hides a stopped one;
 * from the bot's `now` otherwise. With the clocks apart by a minute or more, how far: read off the Date header, or, with
 * none, at least as far as the newest heartbeat is ahead of the bot's clock.
 */
export function daemonsByDagsterClock(health: DaemonHealth, now: Date): { daemons: DaemonEvidence[]; clock?: DagsterClock } {
  const reference = health.answeredAt ?? now.getTime();
  const daemons = health.statuses.map((d) => ({
    type: d.daemonType,
    required: d.required,
    healthy: d.healthy,
    heartbeatAgeSeconds: d.lastHeartbeatTime === null ? null : Math.max(0, Math.round(reference / 1000 - d.lastHeartbeatTime)),
    errors: d.lastHeartbeatErrors.map((e) => e.message.trim()),
  }));
  if (health.answeredAt !== undefined) {
    const aheadSeconds = Math.round((health.answeredAt - now.getTime()) / 1000);
    return { daemons, ...(Math.abs(aheadSeconds) >= skewWorthSayingSeconds ? { clock: { aheadSeconds, atLeast: false } } : {}) };
  }
  const newest = Math.max(...health.statuses.map((d) => d.lastHeartbeatTime ?? -Infinity));
  const aheadSeconds = Math.round(newest - now.getTime() / 1000);
  return { daemons, ...(aheadSeconds >= skewWorthSayingSeconds ? { clock: { aheadSeconds, atLeast: true } } : {}) };
}

/** The clocks' gap said, and what it does to the heartbeat ages. */
export function dagsterClockSaid(clock: DagsterClock): string {
  const gap = formatDuration(Math.abs(clock.aheadSeconds) * 1000);
  if (clock.atLeast) {
    return `Dagster's clock is at least ${gap} ahead of the bot's (a heartbeat is that far in the bot's future); its webserver sent no Date header, so heartbeat ages are counted by the bot's clock and read up to ${gap} too young: a stopped daemon is seen that much later`;
  }
  return `Dagster's clock is ${gap} ${clock.aheadSeconds > 0 ? 'ahead of' : 'behind'} the bot's (read off its webserver's Date header): heartbeat ages are counted by Dagster's clock`;
}

export interface HeartbeatJudgement {
  /** Required daemons Dagster calls unhealthy, that never heartbeated, or silent past the threshold with no other to say the process runs. */
  stopped: DaemonEvidence[];
  /**
   * Required daemons silent past the threshold while another required one heartbeated within it, and at least two
   * heartbeat intervals after them, and Dagster still calls them healthy: a thread of a daemon process that runs (Dagster stops the whole process when a thread dies) is slow or
   * stuck. Not a stopped daemon: starting one would add a second beside it.
   */
  lagging: DaemonEvidence[];
  /** Required daemons that heartbeated within the threshold, Dagster not calling them unhealthy. */
  fresh: DaemonEvidence[];
}

export function judgeHeartbeats(daemons: readonly DaemonEvidence[], maxAgeSeconds: number): HeartbeatJudgement {
  const required = daemons.filter((d) => d.required);
  const fresh = required.filter((d) => d.healthy !== false && d.heartbeatAgeSeconds !== null && d.heartbeatAgeSeconds <= maxAgeSeconds);
  const silent = required.filter((d) => !fresh.includes(d));
  // With none fresh this is Infinity, and none lags: nothing says the process runs.
  const freshestAge = Math.min(...fresh.map((d) => d.heartbeatAgeSeconds as number));
  const lagging = silent.filter((d) => d.healthy === true && d.heartbeatAgeSeconds !== null && d.heartbeatAgeSeconds - freshestAge >= laggingGapSeconds);
  return { stopped: silent.filter((d) => !lagging.includes(d)), lagging, fresh };
}

/** "SENSOR (last heartbeat 4 min ago, while SCHEDULER 5 s ago, …; Dagster calls it healthy, tolerating up to 30 min)". */
export function laggingSaid(judged: HeartbeatJudgement): string {
  const others = judged.fresh.map((d) => `${d.type} ${formatDuration((d.heartbeatAgeSeconds as number) * 1000)} ago`).join(', ');
  const each = judged.lagging.map((d) => `${d.type} (last heartbeat ${formatDuration((d.heartbeatAgeSeconds as number) * 1000)} ago)`);
  return `${each.join(', ')}, while the other required daemons heartbeat (${others}), so the daemon process runs; Dagster still calls ${judged.lagging.length === 1 ? 'it' : 'them'} healthy (it tolerates up to ${formatDuration(dagsterToleranceSeconds * 1000)})`;
}
