// Daemon heartbeat watcher: required Dagster daemons unhealthy or silent too long (or one lagging behind the others), or the webserver not answering too long.
import { formatDuration } from '../format-duration.js';
import { describeDagsterEvidence, schedulerMissing } from '../dagster/evidence.js';
import { dagsterClockSaid, judgeHeartbeats, laggingSaid } from '../dagster/daemon-heartbeats.js';
import type { Finding, LastingTally, Watcher } from './finding.js';
import { HeartbeatsSeen } from '../dagster/heartbeats-seen.js';
import { clockUndecided } from './clock-undecided.js';
import { askDagster, dagsterWatcherOff, type DagsterWatcherOptions } from './dagster-asked.js';
import { webserverDown } from './webserver-down.js';

export interface DaemonWatcherOptions extends DagsterWatcherOptions {
  heartbeatMaxAgeMs: number;
  downAfterMs: number;
}

export function daemonWatcher(options: DaemonWatcherOptions): Watcher {
  // Kept across its checks: with no Date header, a heartbeat no newer after a span of the bot's time is at least that
  // old, and one newer than at the check before says the daemons heartbeat, however far the clocks are apart.
  const heartbeatsSeen = new HeartbeatsSeen();
  return {
    id: 'daemon',
    title: 'Dagster daemon heartbeat',
    off: dagsterWatcherOff(options, 'DATABOX_WATCH_DAEMON'),
    lastingMs: options.downAfterMs,
    async check(now: Date, heldSince?: Date, tally?: LastingTally): Promise<Finding> {
      const evidence = await askDagster(options, now, heartbeatsSeen);
      const base = { watcher: 'daemon' as const, scenario: 'schedule' as const };
      if (evidence.daemons === undefined) {
        return webserverDown('daemon', options.downAfterMs, now, heldSince, evidence.webserverProblem ?? evidence.problems[0] ?? 'no answer', evidence.webserverSilent !== false, tally);
      }
      // Nothing to judge is not "0 daemons heartbeating, all well": the schedules depend on a SCHEDULER being required.
      const noScheduler = schedulerMissing(evidence.daemons);
      if (noScheduler) {
        return { ...base, state: 'problem', summary: noScheduler, details: [describeDagsterEvidence({ ...evidence, schedules: undefined })], problem: 'no scheduler daemon listed' };
      }
      const judged = judgeHeartbeats(evidence.daemons, options.heartbeatMaxAgeMs / 1000);
      const undecided = clockUndecided(evidence.daemons, evidence.dagsterClock, options.heartbeatMaxAgeMs);
      // Dagster's clock unknown is said where it is why the watcher cannot tell; daemons stopped whatever the clocks are stopped.
      const clockSaid = evidence.dagsterClock && (evidence.dagsterClock.botAhead !== 'unknown' || undecided) ? `; ${dagsterClockSaid(evidence.dagsterClock)}` : '';
      const details = [describeDagsterEvidence({ ...evidence, schedules: undefined })];
      if (judged.stopped.length === 0 && judged.lagging.length === 0) {
        return { ...base, state: 'healthy', summary: `${judged.fresh.length} required daemons heartbeating${clockSaid}`, details: [] };
      }
      if (undecided) return { ...base, state: 'unknown', summary: `${undecided}${clockSaid}`, details };
      if (judged.stopped.length === 0) {
        // A slow thread of a daemon process that runs: said apart from a stopped daemon, which becoming is news.
        return { ...base, state: 'problem', summary: `Dagster daemon lagging: ${laggingSaid(judged)}${clockSaid}`, details, problem: 'daemon lagging' };
      }
      const bad = judged.stopped;
      // The outage began when the first of them went quiet: its last heartbeat, where every one has had one.
      const oldestAge = bad.every((d) => d.heartbeatAgeSeconds !== null) ? Math.max(...bad.map((d) => d.heartbeatAgeSeconds as number)) : undefined;
      const began = oldestAge === undefined ? undefined : { at: new Date(now.getTime() - oldestAge * 1000).toISOString(), what: 'the last heartbeat before the alert' };
      const names = bad.map((d) => `${d.type} (${d.heartbeatAgeSeconds === null ? 'no heartbeat ever' : `last heartbeat ${formatDuration(d.heartbeatAgeSeconds * 1000)} ago`}${d.healthy === false ? ', unhealthy' : ''})`);
      const lagging = judged.lagging.length > 0 ? `; lagging besides: ${laggingSaid(judged)}` : '';
      return {
        ...base,
        state: 'problem',
        summary: `Dagster daemon not heartbeating: ${names.join(', ')}${lagging}${clockSaid}`,
        details,
        // Not which daemons: one more going quiet in the same outage is not news worth a post; the webserver coming back
        // to say the daemon is stopped is.
        problem: 'daemons not heartbeating',
        ...(began ? { began } : {}),
      };
    },
    // A webserver that takes the connection and never answers (DAGSTER_TIMEOUT at or over the check's time limit) is
    // one that does not answer: counted towards DATABOX_DAGSTER_DOWN_AFTER, never a check that merely failed.
    unanswered: (now, heldSince, why, tally) => webserverDown('daemon', options.downAfterMs, now, heldSince, why, true, tally),
  };
}
