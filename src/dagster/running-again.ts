// After a recovery, whether the cause is gone: every required daemon heartbeats, and each schedule it started runs.
import { formatDuration } from '../format-duration.js';
import { judgeHeartbeats, laggingSaid } from './daemon-heartbeats.js';
import { pausedLatelyMs } from './start-schedules.js';
import { schedulerMissing, scheduleWhere, type DagsterEvidence, type ScheduleEvidence } from './evidence.js';

export interface RunningAgain {
  /** running: all heartbeat and run; still-stopped: a daemon or a schedule does not; inconclusive: it cannot be told. */
  status: 'running' | 'still-stopped' | 'inconclusive';
  summary: string;
  /** The required daemons not heartbeating, by type. */
  daemonsStopped: string[];
  /** The schedules still STOPPED, each with where it is when two repositories list its name. */
  schedulesStopped: string[];
}

/** Whether a schedule, as the evidence lists it, ticked (or last succeeded) within `withinMs` of `now`. */
export function tickedLately(schedule: ScheduleEvidence, withinMs: number, now: Date): boolean {
  return [schedule.lastTickAt, schedule.lastSuccessAt].some((t) => t !== null && now.getTime() - Date.parse(t) <= withinMs);
}

/**
 * The copies of a schedule named that are still STOPPED: those that ticked in the last 31 days (paused lately, what the
 * recovery started, as start-schedules.ts picks them); with none, every STOPPED copy unless another copy runs (a copy off
 * for long beside a running one stays off on purpose).
 */
function stillStoppedCopies(copies: readonly ScheduleEvidence[], now: Date): ScheduleEvidence[] {
  const stopped = copies.filter((s) => s.status === 'STOPPED');
  const lately = stopped.filter((s) => tickedLately(s, pausedLatelyMs, now));
  if (lately.length > 0) return lately;
  return copies.some((s) => s.status === 'RUNNING') ? [] : stopped;
}

/**
 * Which schedules were checked and where that list came from (`from`, the validation's taken_from), said after every
 * outcome; with none, that the daemon alone was, and how to name schedules.
 */
function checkedSaid(names: readonly string[], from: string): string {
  const whence = from ? ` (${from})` : '';
  if (names.length > 0) return `. Schedules checked: ${names.join(', ')}${whence}`;
  return `. The daemon only was checked, no schedule${whence}: name the schedules to check with schedules=a,b`;
}

export function judgeRunningAgain(evidence: DagsterEvidence, names: readonly string[], heartbeatMaxAgeSeconds: number, now: Date, from = ''): RunningAgain {
  const judged = judgeDaemonsAndSchedules(evidence, names, heartbeatMaxAgeSeconds, now);
  return { ...judged, summary: `${judged.summary}${checkedSaid(names, from)}` };
}

function judgeDaemonsAndSchedules(evidence: DagsterEvidence, names: readonly string[], heartbeatMaxAgeSeconds: number, now: Date): RunningAgain {
  const unknown: string[] = [];
  const daemonsStopped: string[] = [];
  const daemonWords: string[] = [];
  let lagging = '';
  if (evidence.daemons) {
    const missing = schedulerMissing(evidence.daemons);
    if (missing) unknown.push(missing);
    const judged = judgeHeartbeats(evidence.daemons, heartbeatMaxAgeSeconds);
    // One thread lagging behind the others is a daemon process that runs: said, not counted as stopped.
    if (judged.lagging.length > 0) lagging = `; lagging: ${laggingSaid(judged)}`;
    for (const d of judged.stopped) {
      daemonsStopped.push(d.type);
      daemonWords.push(d.heartbeatAgeSeconds === null ? `daemon ${d.type} has never sent a heartbeat` : `daemon ${d.type}: last heartbeat ${formatDuration(d.heartbeatAgeSeconds * 1000)} ago`);
    }
  } else if (evidence.daemonLive === false) {
    daemonsStopped.push('dagster-daemon');
    daemonWords.push('dagster-daemon liveness-check: Daemon(s) not running');
  } else if (evidence.daemonLive === undefined) {
    unknown.push('the daemons could not be read');
  }
  const schedulesStopped: string[] = [];
  if (names.length > 0 && evidence.schedules === undefined) unknown.push(`the schedules could not be read, so whether ${names.join(', ')} run is unknown`);
  const listed = evidence.schedules ?? [];
  for (const name of evidence.schedules ? names : []) {
    const copies = listed.filter((s) => s.name === name);
    if (copies.length === 0) unknown.push(`Dagster lists no schedule ${name} (a code location that failed to load lists none)`);
    for (const s of stillStoppedCopies(copies, now)) schedulesStopped.push(`${s.name}${scheduleWhere(s, listed)}`);
  }
  unknown.push(...evidence.unparsed.map((u) => `could not parse the output of ${u.command}`), ...evidence.problems);
  if (unknown.length > 0 && evidence.webserverProblem) unknown.unshift(`the webserver: ${evidence.webserverProblem}`);
  const stoppedWords = [...daemonWords, ...(schedulesStopped.length > 0 ? [`schedule${schedulesStopped.length === 1 ? '' : 's'} still STOPPED: ${schedulesStopped.join(', ')}`] : [])];
  const checked = `${names.length > 0 ? `every required daemon heartbeats and ${names.join(', ')} ${names.length === 1 ? 'runs' : 'run'}` : 'every required daemon heartbeats'}${lagging}`;
  if (stoppedWords.length > 0) {
    const also = unknown.length > 0 ? `; besides, ${unknown.join('; ')}` : '';
    return { status: 'still-stopped', summary: `Dagster is not running again: ${stoppedWords.join('; ')}${also}`, daemonsStopped, schedulesStopped };
  }
  if (unknown.length > 0) return { status: 'inconclusive', summary: `whether Dagster runs again cannot be told: ${unknown.join('; ')}`, daemonsStopped, schedulesStopped };
  return { status: 'running', summary: `Dagster runs again: ${checked}`, daemonsStopped, schedulesStopped };
}
