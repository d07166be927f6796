// The daemons' heartbeats judged: their ages by Dagster's own clock, which required ones are stopped and which only lag.
import { formatDuration } from '../format-duration.js';
import type { DaemonHealth } from './graphql-client.js';
import type { DaemonEvidence, DagsterClock } from './evidence.js';
import type { HeartbeatsSeen } from './heartbeats-seen.js';

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
 * header), so that the bot's clock ahead of or behind Dagster's neither ages every heartbeat nor hides a stopped one.
 * With none, Dagster's clock is at least its newest heartbeat, plus however long `seen` (a watcher's earlier looks) has
 * seen no newer one: ages are counted from that where it is ahead of the bot's clock, or where the bot's clock is a
 * minute or more past it and a heartbeat newer than at the look before says the daemons run (the bot's clock is
 * ahead); from the bot's clock otherwise, saying, when it is a minute or more past, that Dagster's clock is unknown.
 */
export function daemonsByDagsterClock(health: DaemonHealth, now: Date, seen?: HeartbeatsSeen): { daemons: DaemonEvidence[]; clock?: DagsterClock } {
  const botNow = now.getTime();
  const heartbeats = health.statuses.map((d) => d.lastHeartbeatTime).filter((t): t is number => t !== null);
  const newest = Math.max(...heartbeats);
  const look = health.answeredAt === undefined && heartbeats.length > 0 ? (seen?.look(newest, botNow) ?? { newestSeconds: newest, seenForMs: 0, newer: false }) : undefined;
  const atLeastMs = look ? look.newestSeconds * 1000 + look.seenForMs : -Infinity;
  const aheadSeconds = look ? Math.round((atLeastMs - botNow) / 1000) : 0;
  const botAhead = aheadSeconds <= -skewWorthSayingSeconds ? (look?.newer ? ('heartbeating' as const) : ('unknown' as const)) : undefined;
  const reference = health.answeredAt ?? (botAhead === 'heartbeating' ? atLeastMs : Math.max(botNow, atLeastMs));
  const daemons = health.statuses.map((d) => ({
    type: d.daemonType,
    required: d.required,
    healthy: d.healthy,
    heartbeatAgeSeconds: d.lastHeartbeatTime === null ? null : Math.max(0, Math.round(reference / 1000 - d.lastHeartbeatTime)),
    errors: d.lastHeartbeatErrors.map((e) => e.message.trim()),
  }));
  if (health.answeredAt !== undefined) {
    const headerAhead = Math.round((health.answeredAt - botNow) / 1000);
    return { daemons, ...(Math.abs(headerAhead) >= skewWorthSayingSeconds ? { clock: { aheadSeconds: headerAhead, atLeast: false } } : {}) };
  }
  if (botAhead) return { daemons, clock: { aheadSeconds, atLeast: false, botAhead, seenForSeconds: Math.round((look?.seenForMs ?? 0) / 1000) } };
  return { daemons, ...(aheadSeconds >= skewWorthSayingSeconds ? { clock: { aheadSeconds, atLeast: true } } : {}) };
}

/** The clocks' gap said, and what it does to the heartbeat ages. */
export function dagsterClockSaid(clock: DagsterClock): string {
  const gap = formatDuration(Math.abs(clock.aheadSeconds) * 1000);
  if (clock.botAhead === 'heartbeating') {
    return `the bot's clock is about ${gap} ahead of Dagster's: its webserver sent no Date header, and its newest heartbeat, ${gap} before the bot's clock, came since the bot's previous look, so the daemons heartbeat; heartbeat ages are counted from that heartbeat`;
  }
  if (clock.botAhead === 'unknown') {
    const seenFor = clock.seenForSeconds ? `, and the bot has seen no newer one for ${formatDuration(clock.seenForSeconds * 1000)}` : '';
    return `Dagster's clock is unknown: its webserver sent no Date header, and its newest heartbeat is ${gap} before the bot's clock${seenFor}; heartbeat ages are counted by the bot's clock, so a bot's clock ${gap} ahead of Dagster's would look the same as daemons that stopped`;
  }
  if (clock.atLeast) {
    return `Dagster's clock is at least ${gap} ahead of the bot's (a heartbeat is that far in the bot's future); its webserver sent no Date header, so heartbeat ages are counted from its newest heartbeat`;
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

/**
 * With Dagster's clock unknown (no Date header, the bot's clock a minute or more past the newest heartbeat): whether
 * the bot's clock calls daemons stopped or lagging that the lower bound of Dagster's clock (the newest heartbeat, plus
 * the time a watcher has seen no newer one) does not. Then either the bot's clock is ahead or the daemon process
 * stopped, and the answers so far cannot say which; otherwise they are stopped whatever the clocks (or the clock is known).
 */
export function stoppedOnlyByBotClock(daemons: readonly DaemonEvidence[], clock: DagsterClock | undefined, maxAgeSeconds: number): boolean {
  if (clock?.botAhead !== 'unknown') return false;
  const byBotClock = judgeHeartbeats(daemons, maxAgeSeconds);
  if (byBotClock.stopped.length === 0 && byBotClock.lagging.length === 0) return false;
  const byLowerBound = judgeHeartbeats(
    daemons.map((d) => ({ ...d, heartbeatAgeSeconds: d.heartbeatAgeSeconds === null ? null : Math.max(0, d.heartbeatAgeSeconds + clock.aheadSeconds) })),
    maxAgeSeconds,
  );
  return byLowerBound.stopped.length === 0 && byLowerBound.lagging.length === 0;
}
