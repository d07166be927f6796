// Paused schedules watcher: a stack schedule STOPPED that scenario 4's diagnosis would call paused, noticed before any mart passes its SLA.
import { ticksAtMostDaily } from '../dagster/builds-days.js';
import { assessDagster, scheduleWhere, type ScheduleEvidence } from '../dagster/evidence.js';
import { stackSchedules } from '../dagster/stack-schedules.js';
import { firstFew } from '../first-few.js';
import { orList } from '../or-list.js';
import { minuteUtc } from '../timestamps.js';
import type { Finding, LastingTally, LeftOff, Watcher } from './finding.js';
import type { ScheduleRules } from './schedule-rules.js';
import { HeartbeatsSeen } from '../dagster/heartbeats-seen.js';
import { askDagster, dagsterWatcherOff, type DagsterWatcherOptions } from './dagster-asked.js';
import { webserverDown } from './webserver-down.js';
import { noScheduleListed } from './no-schedule-listed.js';

export interface SchedulesWatcherOptions extends DagsterWatcherOptions {
  heartbeatMaxAgeMs: number;
  rules: ScheduleRules;
  /**
   * With the daemon watcher off (DATABOX_WATCH_DAEMON=false): how long a webserver giving nothing to judge by is an
   * outage this watcher alerts on, as that one would (0: at once, `cli watch`). Undefined: that one's outage, here unknown.
   */
  downAfterMs?: number;
}

/** How many schedules the summary names before "… and N more": the details list every one. */
const shownNames = 5;

const base = { watcher: 'schedules' as const, scenario: 'schedule' as const };

/** One paused schedule as the alert names it: where (when another repository lists the same name) and its last tick. */
function pausedSaid(schedule: ScheduleEvidence, all: readonly ScheduleEvidence[]): string {
  const last = schedule.lastTickAt ?? schedule.lastSuccessAt;
  // Only the diagnosis' never-ticked rule counts one with no tick: no other daily schedule RUNNING, paused or behind.
  const tick = last ? `last tick ${minuteUtc(last)}` : 'never ticked, and no other daily schedule is running, paused or behind';
  return `${schedule.name}${scheduleWhere(schedule, all)} (${tick})`;
}

/**
 * What the diagnosis may still say of a schedule that builds days STOPPED for longer than switchedOffAfter: paused, when
 * the marts' last day built is the day its last tick built. The watcher does not read the marts (a second reader of the
 * database each check, beside the marts watcher's): those marts are then weeks past their SLA, which the marts watcher
 * alerts on, for scenario 4 too, so the healthy line says this rather than claim to match the diagnosis.
 */
function switchedOffLongAgo(every: readonly ScheduleEvidence[], switchedOffAfterMs: number, now: Date): string[] {
  const days = Math.round(switchedOffAfterMs / 86_400_000);
  return every
    .filter((s) => {
      const last = s.lastTickAt ?? s.lastSuccessAt;
      return s.status === 'STOPPED' && !s.pausedOnPurpose && ticksAtMostDaily(s.cron) && last !== null && now.getTime() - Date.parse(last) > switchedOffAfterMs;
    })
    .map(
      (s) =>
        `${s.name}${scheduleWhere(s, every)} last ticked over ${days} days ago: the diagnosis still counts it as paused when the marts' last day built is the day its last tick built (the marts stopped with it); ` +
        'this watcher does not read the marts, whose watcher alerts on them then (scenario 4 too)',
    );
}

/** How the outage's `problem` names a schedule: its name, and where when another repository lists the same name. */
function scheduleKey(schedule: ScheduleEvidence, all: readonly ScheduleEvidence[]): string {
  return `${schedule.name}${scheduleWhere(schedule, all)}`;
}

/**
 * The stack's schedules still STOPPED but no longer alerted on because they are taken as switched off on purpose (marked
 * databox/paused:, or STOPPED longer than switchedOffAfter), said as what they are: nothing was mended, so an alert
 * ending this way, and the status, must not read "back to healthy". Called with none alerted on: every STOPPED one
 * that is marked, or has not ticked for switchedOffAfter, is then one the verdict left off.
 */
function switchedOffOnPurpose(every: readonly ScheduleEvidence[], jobs: readonly string[], switchedOffAfterMs: number, now: Date): LeftOff[] {
  const days = Math.round(switchedOffAfterMs / 86_400_000);
  const running = every.some((s) => s.status === 'RUNNING');
  // Which job a schedule launches Dagster does not say here: with none of the stack's schedules RUNNING, none launches its jobs.
  const consequence = running ? 'its ticks launch no run' : `nothing runs ${jobs.length > 0 ? orList(jobs.map((job) => `job ${job}`)) : "the stack's jobs"} on a schedule`;
  return every.flatMap((s) => {
    if (s.status !== 'STOPPED') return [];
    const last = s.lastTickAt ?? s.lastSuccessAt;
    const agedOut = last !== null && now.getTime() - Date.parse(last) > switchedOffAfterMs;
    if (!s.pausedOnPurpose && !agedOut) return [];
    const reason = s.pausedOnPurpose ? `databox/paused: ${s.pausedOnPurpose}` : `STOPPED over ${days} d, last ticked at ${minuteUtc(last as string)}`;
    return [{ key: scheduleKey(s, every), said: `${scheduleKey(s, every)} is treated as switched off on purpose (${reason}) — it is still STOPPED; ${consequence}` }];
  });
}

export function schedulesWatcher(options: SchedulesWatcherOptions): Watcher {
  // Kept across its checks: with no Date header, the heartbeats' ages are counted by what the earlier ones saw.
  const heartbeatsSeen = new HeartbeatsSeen();
  return {
    id: 'schedules',
    title: 'Dagster schedules',
    off: dagsterWatcherOff(options, 'DATABOX_WATCH_SCHEDULES'),
    lastingMs: options.downAfterMs,
    async check(now: Date, heldSince?: Date, tally?: LastingTally): Promise<Finding> {
      const probed = await askDagster(options, now, heartbeatsSeen);
      if (probed.schedules === undefined) {
        const why = probed.webserverProblem ?? probed.problems[0] ?? 'no answer';
        // A webserver that gave nothing (not even the daemons' health) is the daemon watcher's outage when that one is on;
        // otherwise this one's, or an outage would be no more than "cannot tell" (and `cli watch` would not exit 1).
        if (probed.daemons === undefined && options.downAfterMs !== undefined) {
          return webserverDown('schedules', options.downAfterMs, now, heldSince, why, probed.webserverSilent !== false, tally);
        }
        return { ...base, state: 'unknown', summary: `The schedules could not be read: ${why}`, details: [] };
      }
      // The diagnosis' own rules: the stack's schedules only, and of those, the ones its verdict would call paused (not
      // marked databox/paused:, not STOPPED for longer than switchedOffAfter, not never ticked beside a daily one RUNNING).
      const { evidence, notes: othersLeftOff } = stackSchedules(probed, options.rules.jobs);
      const thresholds = { heartbeatMaxAgeSeconds: options.heartbeatMaxAgeMs / 1000, switchedOffAfterSeconds: options.rules.switchedOffAfterMs / 1000, runsOnSensors: options.rules.runsOnSensors };
      const verdict = assessDagster(evidence, thresholds, now);
      const every = evidence.schedules ?? [];
      const paused = every.filter((s) => s.status === 'STOPPED' && verdict.pausedSchedules.includes(s.name));
      // Why each STOPPED one not alerted on was left off, as the diagnosis' notes say it.
      const leftOff = [...verdict.notes.filter((n) => / is STOPPED\b/.test(n)), ...othersLeftOff];
      if (paused.length === 0) {
        const unread = (evidence.unreadableRepositories ?? []).filter((u) => u.ours);
        if (unread.length > 0) {
          return { ...base, state: 'unknown', summary: `The schedules of ${unread.map((u) => u.repository).join(', ')} could not be read: ${unread[0]?.error}`, details: leftOff };
        }
        // None listed is no "0 of 0 RUNNING, healthy": nothing launches the stack's runs, as the daemon watcher says of no daemon.
        const none = every.length === 0 ? await noScheduleListed(probed, options.client, options.rules.jobs, options.rules.runsOnSensors, leftOff) : undefined;
        if (none) return none;
        const running = every.filter((s) => s.status === 'RUNNING').length;
        const stopped = every.length - running;
        const summary =
          every.length === 0
            ? "Dagster lists no schedule for the stack, which runs on sensors (runsOnSensors in schedule.yml)"
            : `${running} of the stack's schedules RUNNING${stopped > 0 ? `, ${stopped} STOPPED not alerted on (why in the details)` : ''}`;
        const onPurpose = switchedOffOnPurpose(every, options.rules.jobs, options.rules.switchedOffAfterMs, now);
        return { ...base, state: 'healthy', summary, details: [...leftOff, ...switchedOffLongAgo(every, options.rules.switchedOffAfterMs, now)], ...(onPurpose.length > 0 ? { leftOff: onPurpose } : {}) };
      }
      const names = paused.map((s) => pausedSaid(s, every));
      return {
        ...base,
        state: 'problem',
        summary: `Dagster schedule${paused.length === 1 ? '' : 's'} STOPPED: ${firstFew(names, shownNames).join(', ')}`,
        details: [
          ...(names.length > shownNames ? names : []),
          'Dagster launches no run of a STOPPED schedule, whatever the daemon does, and does not catch up its missed ticks once started again: scenario 4 proposes to start it and backfill the days missed. If one was switched off on purpose, add a line `databox/paused: <reason>` to its description in Dagster: it is then left off, here and in the diagnosis.',
          ...leftOff,
        ],
        // Which schedules, not their ticks: another one pausing within the same outage updates the alert, once.
        problem: `STOPPED: ${[...new Set(paused.map((s) => scheduleKey(s, every)))].sort().join(', ')}`,
      };
    },
    // A check cut off by its time limit: the webserver did not answer, which the daemon watcher counts when it is on.
    unanswered: (now, heldSince, why, tally) =>
      options.downAfterMs !== undefined ? webserverDown('schedules', options.downAfterMs, now, heldSince, why, true, tally) : { ...base, state: 'unknown', summary: `The schedules could not be read: ${why}`, details: [] },
  };
}
