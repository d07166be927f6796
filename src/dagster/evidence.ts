// Dagster's state as evidence an operator can read (daemons with heartbeat age, schedules with time since last tick) and the verdict on it.
import { formatDuration } from '../format-duration.js';
import { textTable } from '../text-table.js';
import { firstFew } from '../first-few.js';
import type { UnloadedLocation } from './graphql-client.js';
import { queuedTooLongSaid, type QueuedTooLong } from './queued-runs.js';
import { unreachableCode } from './code-failures.js';
import { ticksAtMostDaily } from './builds-days.js';
import { dayEndsAt, knownTimeZone, lastDayEndedEverywhere, zonedDay } from './zoned-days.js';
import { nextDailyTick } from './daily-ticks.js';
import { dayAfter, dayBefore } from '../engine/steps/iso-days.js';
import { dagsterClockSaid, judgeHeartbeats, laggingSaid, stoppedOnlyByBotClock } from './daemon-heartbeats.js';

export interface DaemonEvidence {
  type: string;
  required: boolean;
  /** Dagster's own verdict (null: none). */
  healthy: boolean | null;
  /** Seconds since the last heartbeat, by Dagster's clock where known; null when there never was one or the source does not say. */
  heartbeatAgeSeconds: number | null;
  errors: string[];
}

/** How far Dagster's clock is ahead of the bot's (negative: behind); `atLeast` where only a heartbeat in the bot's future says so. */
export interface DagsterClock {
  /** How far Dagster's clock is ahead of the bot's, in seconds; negative: behind. */
  aheadSeconds: number;
  /** With no Date header, read off the newest heartbeat: Dagster's clock is at least that far ahead. */
  atLeast: boolean;
  /**
   * With no Date header, the bot's clock a minute or more past the newest heartbeat (plus how long the bot has seen no
   * newer one, `seenForSeconds`): 'heartbeating' when one came since the watcher's previous look (the bot's clock is
   * ahead: ages are counted from the newest heartbeat), 'unknown' when nothing yet tells a bot's clock ahead from daemons
   * that stopped (ages are counted by the bot's clock).
   */
  botAhead?: 'heartbeating' | 'unknown';
  seenForSeconds?: number;
}

export interface ScheduleEvidence {
  name: string;
  status: 'RUNNING' | 'STOPPED';
  cron: string;
  /** ISO time of the last tick, and of the last successful one (null: none, or the source does not say). */
  lastTickAt: string | null;
  lastTickStatus: string | null;
  /** What the last tick's failure said, when it failed. */
  lastTickError: string | null;
  lastSuccessAt: string | null;
  /** Seconds since the last tick. */
  sinceLastTickSeconds: number | null;
  /** The repository the webserver lists it under (repository@code-location); the CLI does not say. */
  repository?: string;
  /** Its execution timezone (an IANA name): its ticks, and its daily partitions' keys, are local dates there; UTC when not said. */
  timezone?: string;
  /** The reason its description gives on a line `databox/paused: <reason>`: switched off on purpose, whatever its ticks say. */
  pausedOnPurpose?: string;
}

/** Where a schedule is, for one whose name more than one repository lists (" in main@databox.definitions"); empty otherwise. */
export function scheduleWhere(schedule: ScheduleEvidence, all: readonly ScheduleEvidence[]): string {
  return otherCopies(schedule, all).length > 0 && schedule.repository ? ` in ${schedule.repository}` : '';
}

/** Schedules of the same name that another repository lists. */
function otherCopies(schedule: ScheduleEvidence, all: readonly ScheduleEvidence[]): ScheduleEvidence[] {
  return all.filter((s) => s.name === schedule.name && s.repository !== schedule.repository && s.repository !== undefined);
}

/** Output no parser recognised: shown as is, never read as healthy. */
export interface Unparsed {
  command: string;
  raw: string;
}

export interface DagsterEvidence {
  /** Where the answer came from: the webserver's GraphQL API or the CLI fallback. */
  source: 'graphql' | 'cli';
  checkedAt: string;
  /** Undefined when that part could not be read at all. */
  daemons?: DaemonEvidence[];
  /** Dagster's clock a minute or more apart from the bot's, when the daemons' answer showed it; undefined otherwise. */
  dagsterClock?: DagsterClock;
  /** `dagster-daemon liveness-check`'s answer, when the CLI was asked. */
  daemonLive?: boolean;
  schedules?: ScheduleEvidence[];
  /** Why the webserver was not used, when the CLI answered instead. */
  webserverProblem?: string;
  /** For the watcher: the webserver did not answer at all (down, or slower than the timeout), rather than answered unusably. */
  webserverSilent?: boolean;
  unparsed: Unparsed[];
  /** Failures that left a part unread (a command that would not start, a PythonError …). */
  problems: string[];
  /** Code locations the webserver has not loaded; undefined when it was not asked or could not say. */
  unloadedLocations?: UnloadedLocation[];
  /** Why the webserver could not list its code locations (a PythonError's first line), when it was asked and could not. */
  locationsProblem?: string;
  /**
   * What the webserver's GraphQL schema lacks that the bot's query asks for (`field "ticks" on type "ScheduleState"`),
   * when it refused a query as not fitting its schema: it answered, but its Dagster version does not fit the bot.
   */
  schemaMismatch?: string;
  /** Repositories whose schedules Dagster answered an error for, while it read the others'; undefined when not asked. */
  unreadableRepositories?: UnreadableSchedules[];
  /**
   * The jobs of each repository the webserver listed (by repository@code-location), when it was asked for every one (no
   * DAGSTER_LOCATION): which of them holds the stack's jobs; undefined when not asked.
   */
  repositoryJobs?: Record<string, string[]>;
  /** Runs waiting QUEUED (or NOT_STARTED) for over an hour, or why they could not be read; undefined when not asked. */
  queuedTooLong?: QueuedTooLong;
}

/** A repository whose schedules the webserver could not read (its code server unreachable, say), the others' kept. */
export interface UnreadableSchedules {
  /** repository@code-location. */
  repository: string;
  /** The first line of Dagster's error. */
  error: string;
  /** In the configured location (DAGSTER_LOCATION), or any location when none is configured: maybe the stack's own. */
  ours: boolean;
}

export interface DagsterThresholds {
  /** A required daemon whose last heartbeat is older than this counts as stopped, whatever Dagster says. */
  heartbeatMaxAgeSeconds: number;
  /**
   * A STOPPED schedule with no tick for longer than this was switched off on purpose (a retired export, say): it is
   * named, but neither makes the verdict "paused" nor stretches the missed window back to its last tick.
   */
  switchedOffAfterSeconds: number;
  /**
   * The runbook says the stack runs on sensors, not schedules (the dagster-health step's runsOnSensors): Dagster listing
   * none of the stack's, every code location loaded, is then as expected. Otherwise it is a deploy that dropped or
   * renamed the schedule, and nothing launches the stack's runs: never healthy.
   */
  runsOnSensors?: boolean;
}

/**
 * daemon-stopped-no-day-missed: stopped, and every schedule's last success is today's, so there is nothing to backfill
 * yet; schedules-paused-no-day-missed: the same of the paused schedules, the daemon up.
 */
export type DagsterVerdictId =
  | 'daemon-stopped'
  | 'daemon-stopped-no-day-missed'
  | 'schedules-paused'
  | 'schedules-paused-no-day-missed'
  | 'schedules-behind'
  | 'run-queue-stuck'
  | 'no-schedule'
  | 'healthy'
  | 'inconclusive';

export interface DagsterVerdict {
  id: DagsterVerdictId;
  title: string;
  /** Since when (ISO), for a stopped daemon or paused schedules: the last heartbeat or the last successful tick. */
  since: string | null;
  /** The days to backfill: from the day of the last successful tick to the last complete day. */
  window: { from: string; to: string } | null;
  reasons: string[];
  /** What was left out of the verdict, and why (schedules switched off on purpose); never a reason for doubt. */
  notes: string[];
  /** The schedules the verdict counts as paused (STOPPED, and not switched off on purpose). */
  pausedSchedules: string[];
  /** The last successful tick the window counts from; null when none is known. */
  lastSuccess: string | null;
  /**
   * No window because none is missed yet, as known: every schedule the verdict counts has a successful tick on record,
   * the oldest today's. False where there is a window, or where one cannot be told (a schedule with no success on
   * record, the CLI's schedules without tick times), which "no window" alone would not tell apart.
   */
  noDayMissed: boolean;
  /**
   * With no window: a day a schedule ahead of UTC missed that is over there but still today in UTC (YYYY-MM-DD), which
   * no window may name before UTC midnight; null otherwise. Not "no day missed": that verdict's plan backfills nothing.
   */
  missedStillTodayInUtc: string | null;
  /**
   * With no window: the earliest day missed that is over in UTC but still under way in the westernmost timezone the
   * schedules run in (Dagster has no partition of it there yet), that timezone, and when the day ends there; null otherwise.
   */
  missedNotOverWest: { day: string; timeZone: string; endsAt: string } | null;
  /** The execution timezones of the schedules that build days: a window may end no later than the last day over in all. */
  timeZones: string[];
  /**
   * The oldest last success among the RUNNING daily schedules (a tick every day), with the day it built (its day where the
   * schedule runs, less one) and whether it is of today there; null when none has one. Before today's tick, the day
   * after that is still to be built by the schedule itself. A weekly or monthly schedule's success says nothing of it.
   */
  lastDailyTick: LastDailyTick | null;
  /**
   * With the daemon stopped or schedules paused: the first tick still ahead of a daily schedule that is not ticking (a
   * paused one, or any with the daemon stopped), which the recovery must come before, or the day it builds is missed;
   * null otherwise.
   */
  dueTick: DueTick | null;
  /**
   * The daily schedules STOPPED and never ticked that a stopped daemon or paused schedules verdict takes as the cause
   * (no other daily one running, paused or behind): no tick says where their missed days start; empty otherwise.
   */
  neverTicked: string[];
}

export interface DueTick {
  /** ISO time of the tick. */
  at: string;
  schedule: string;
  /** The day it builds: the day before its own, where the schedule runs. */
  builds: string;
  /**
   * The schedule's last success, where it is RUNNING but behind: that tick comes by itself, but may fail as the ones since
   * did, so the day it builds is left to it only until then. Undefined for a paused schedule (or any, the daemon stopped).
   */
  behindSince?: string;
}

export interface LastDailyTick {
  /** ISO time of the successful tick. */
  at: string;
  /** The last day that tick built: the day before its own, in the schedule's execution timezone. */
  built: string;
  /** Whether the tick is of today where the schedule runs. */
  today: boolean;
}

const day = 86_400_000;

/** How many schedules a verdict's line names before "… and N more": the evidence's table lists every one. */
const shownNames = 10;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A schedule's execution timezone where this Node knows it, else UTC (its days are then counted in UTC). */
function zoneOf(schedule: Pick<ScheduleEvidence, 'timezone'>): string {
  return schedule.timezone && knownTimeZone(schedule.timezone) ? schedule.timezone : 'UTC';
}

/** What the missed days of a schedule are worked out from: its last success, its cron and its execution timezone. */
type Ticking = Pick<ScheduleEvidence, 'lastSuccessAt' | 'cron' | 'timezone'>;

/**
 * The days no tick built, as days of the schedule's execution timezone, whose local dates its daily partitions are
 * keyed by: from the day of the last successful tick up to the day its last tick due built (today is still arriving).
 * The day of that tick is included: a daily partitioned schedule's tick on day D builds D − 1, so D itself was never
 * built; where the tick built its own day, backfilling it again is harmless (the runbook: additive and idempotent). A
 * daily schedule whose tick of today is still ahead (00:00 to its cron's time there) has missed nothing of yesterday:
 * that tick builds it, once the schedule ticks again by then (Dagster runs every tick due after a schedule is started,
 * never one due while it was stopped), so a backfill of yesterday would race it.
 */
function locallyMissed(schedule: Ticking, now: Date): { from: string; to: string } | null {
  if (!schedule.lastSuccessAt) return null;
  const timeZone = zoneOf(schedule);
  const from = zonedDay(Date.parse(schedule.lastSuccessAt), timeZone);
  const today = zonedDay(now.getTime(), timeZone);
  const next = nextDailyTick(schedule.cron, timeZone, now.getTime());
  const lastTickDue = next !== undefined && zonedDay(next, timeZone) === today ? dayBefore(today) : today;
  const to = dayBefore(lastTickDue);
  return from <= to ? { from, to } : null;
}

/**
 * The days missed (locallyMissed) that a window may name: never past yesterday in UTC, as a backfill naming today (UTC)
 * is refused (a timezone ahead of UTC has ended a day that is still today in UTC).
 */
export function missedWindow(schedule: Ticking, now: Date): { from: string; to: string } | null {
  const missed = locallyMissed(schedule, now);
  const utcYesterday = isoDay(now.getTime() - day);
  if (!missed || missed.from > utcYesterday) return null;
  return { from: missed.from, to: missed.to < utcYesterday ? missed.to : utcYesterday };
}

/**
 * The days any of these schedules missed, each counted in its own timezone: from the earliest to the latest, but never
 * past the last day over in every timezone of `zones` (the schedules that build days): a day still under way west of
 * UTC has no partition there yet, and a backfill naming it would fail.
 */
function windowOf(schedules: readonly ScheduleEvidence[], now: Date, zones: readonly string[]): { from: string; to: string } | null {
  const windows = schedules.map((s) => missedWindow(s, now)).filter((w) => w !== null);
  if (windows.length === 0) return null;
  const from = windows.map((w) => w.from).sort()[0] as string;
  const latest = windows.map((w) => w.to).sort().at(-1) as string;
  const ended = lastDayEndedEverywhere(zones, now).day;
  const to = latest < ended ? latest : ended;
  return from <= to ? { from, to } : null;
}

/** The execution timezones of these schedules that this Node knows, each once, sorted (UTC where none is given). */
export function timeZonesOf(schedules: readonly ScheduleEvidence[]): string[] {
  return [...new Set(schedules.map((s) => s.timezone ?? 'UTC').filter((z) => knownTimeZone(z)))].sort();
}

/**
 * Whether these schedules have missed no day yet, as known: each has a successful tick on record, of today where it
 * runs. Judged against each one's own yesterday, not the window's (capped at UTC's): a schedule ahead of UTC that missed
 * the day just over there has missed a day, though no window can name it before UTC midnight; called "no day missed",
 * its plan would start it with no backfill, and that day would never be built.
 */
function noDayMissedBy(schedules: readonly ScheduleEvidence[], now: Date): boolean {
  if (schedules.length === 0 || schedules.some((s) => s.lastSuccessAt === null)) return false;
  return schedules.every((s) => locallyMissed(s, now) === null);
}

/**
 * The earliest day these schedules missed that no window can name yet: over where one runs, ahead of UTC, but still
 * today in UTC; null when there is none.
 */
function missedStillTodayInUtc(schedules: readonly ScheduleEvidence[], now: Date): string | null {
  const days = schedules.filter((s) => missedWindow(s, now) === null).map((s) => locallyMissed(s, now)?.from);
  return days.filter((d) => d !== undefined).sort()[0] ?? null;
}

/**
 * The earliest day these schedules missed that no window can name yet because it is still under way in the westernmost
 * of `zones`, though over in UTC; null when there is none.
 */
function missedNotOverWest(schedules: readonly ScheduleEvidence[], now: Date, zones: readonly string[]): DagsterVerdict['missedNotOverWest'] {
  const ended = lastDayEndedEverywhere(zones, now);
  const days = schedules.map((s) => missedWindow(s, now)?.from).filter((d): d is string => d !== undefined && d > ended.day);
  const first = days.sort()[0];
  if (!first) return null;
  // The zone where it ends last: several west of UTC often share a yesterday (Chicago and Los Angeles), not its end.
  const ends = zones.map((timeZone) => ({ timeZone, endsAt: dayEndsAt(first, timeZone, now) })).sort((a, b) => a.endsAt.localeCompare(b.endsAt));
  const last = ends.at(-1) ?? { timeZone: ended.timeZone, endsAt: dayEndsAt(first, ended.timeZone, now) };
  return { day: first, ...last };
}

/**
 * What the timezones of the schedules that build days leave out of a window, said beside it: a timezone this Node does
 * not know (its days counted in UTC), a day a schedule ahead of UTC missed that is still today in UTC (left to a
 * diagnosis after UTC midnight), and the days after the window's end where a timezone west of UTC has not ended the
 * next one yet. The second is said with no window too: that day is then the only one missed.
 */
function timezoneNotes(schedules: readonly ScheduleEvidence[], now: Date, window: { from: string; to: string } | null): string[] {
  const utcYesterday = isoDay(now.getTime() - day);
  const tomorrow = isoDay(now.getTime() + day);
  return schedules.flatMap((s) => {
    if (!s.timezone || s.timezone === 'UTC') return [];
    if (!knownTimeZone(s.timezone)) return window ? [`schedule ${s.name}'s execution timezone ${s.timezone} is not one this host knows: its days are counted in UTC`] : [];
    const missed = locallyMissed(s, now);
    const ended = lastDayEndedEverywhere([s.timezone], now).day;
    // Said where another schedule missed a later day, which the window leaves out until that day is over here too.
    const cut = schedules.some((o) => (missedWindow(o, now)?.to ?? '') > ended);
    if (window && window.to === ended && cut) {
      return [`schedule ${s.name} runs in ${s.timezone}, where ${dayAfter(ended)} is not over yet: the window ends ${ended}, the last day over in every timezone the schedules run in (Dagster has no partition of ${dayAfter(ended)} there yet); diagnose again once it has ended there to backfill the days after it`];
    }
    if (!missed || missed.to <= utcYesterday) return [];
    return window
      ? [`schedule ${s.name} runs in ${s.timezone}, where ${missed.to} is over but in UTC it is still today: the window ends ${utcYesterday}; diagnose again after ${tomorrow} 00:00 UTC to backfill ${missed.to}`]
      : [`schedule ${s.name} runs in ${s.timezone}, where ${missed.to} is over and was missed, but in UTC it is still today: no backfill can name it before it has ended in UTC too; diagnose again after ${tomorrow} 00:00 UTC, whose plan backfills it`];
  });
}

function oldest(times: (string | null)[]): string | null {
  const known = times.filter((t): t is string => t !== null).sort();
  return known[0] ?? null;
}

function newest(times: (string | null)[]): string | null {
  return times.filter((t): t is string => t !== null).sort().at(-1) ?? null;
}

/**
 * How long a cron schedule may go between ticks. Every day (day of month, month and day of week all "*"): a day. Some
 * days of the week: the longest gap between them (Friday to Monday: 3 days). A day of the month: a month. Anything
 * else, or a cron that cannot be read: a day, so an unknown schedule is never called healthy for longer than a daily one.
 */
function cronIntervalMs(cron: string): number {
  const macro: Record<string, number> = { '@hourly': day, '@daily': day, '@midnight': day, '@weekly': 7 * day, '@monthly': 31 * day };
  const text = cron.trim();
  if (macro[text] !== undefined) return macro[text];
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return day;
  const [, , dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (month !== '*') return day;
  if (dayOfMonth !== '*') return dayOfWeek === '*' ? 31 * day : day;
  if (dayOfWeek === '*') return day;
  const days = weekdays(dayOfWeek);
  if (!days || days.length === 0) return day;
  const gaps = days.map((d, i) => ((days[(i + 1) % days.length] as number) - d + 7) % 7 || 7);
  return Math.max(...gaps) * day;
}

/** The days of a cron's day-of-week field (0–6, Sunday 0 or 7), sorted; undefined when it is not a plain list or range. */
function weekdays(field: string): number[] | undefined {
  const found = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\d)(?:-(\d))?$/.exec(part);
    if (!range) return undefined;
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (from > 7 || to > 7 || to < from) return undefined;
    for (let d = from; d <= to; d += 1) found.add(d % 7);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Whether a cron ticks once every day ("0 6 * * *"): it builds each day's partition the day after, where a weekly or
 * monthly one (which builds days too, ticksAtMostDaily) leaves days between its ticks, and a sub-daily one builds none.
 */
function ticksDaily(cron: string): boolean {
  return ticksAtMostDaily(cron) && cronIntervalMs(cron) === day;
}

/**
 * The oldest last success of these schedules that are RUNNING daily ones, each day counted where it runs, or STOPPED
 * daily ones whose next tick after it is still ahead (paused before it: the plan that starts them holds only until then);
 * null when none.
 */
function lastDailyTickOf(schedules: readonly ScheduleEvidence[], now: Date): LastDailyTick | null {
  const ticks = schedules
    .filter((s) => ticksDaily(s.cron) && s.lastSuccessAt !== null && (s.status === 'RUNNING' || (nextDailyTick(s.cron, zoneOf(s), Date.parse(s.lastSuccessAt)) ?? 0) > now.getTime()))
    .map((s) => {
      const zone = zoneOf(s);
      const at = s.lastSuccessAt as string;
      const tickDay = zonedDay(Date.parse(at), zone);
      return { at, built: dayBefore(tickDay), today: tickDay === zonedDay(now.getTime(), zone) };
    });
  return ticks.sort((a, b) => a.built.localeCompare(b.built) || a.at.localeCompare(b.at))[0] ?? null;
}

/**
 * The first tick still ahead of these daily schedules (a cron of one time every day): what a plan that starts them, or
 * the daemon that ticks them, must run before, or the day it builds is missed (Dagster never runs a tick due while a
 * schedule was stopped, nor later than its catch-up allows); null when none of them has such a cron, or through the
 * CLI, which gives no execution timezone (a tick worked out in UTC could be hours off).
 */
function dueTickOf(schedules: readonly ScheduleEvidence[], now: Date, source: DagsterEvidence['source'], window: Window, behind: readonly ScheduleEvidence[] = []): DueTick | null {
  if (source === 'cli') return null;
  const ticks = [...schedules, ...behind].flatMap((s) => {
    const tick = nextTickOf(s, now);
    // A day the window has (another schedule missed it) is backfilled whatever this tick does: it holds nothing.
    if (!tick || (window && tick.builds >= window.from && tick.builds <= window.to)) return [];
    return [behind.includes(s) && s.lastSuccessAt ? { ...tick, behindSince: s.lastSuccessAt } : tick];
  });
  return ticks.sort((a, b) => a.at.localeCompare(b.at))[0] ?? null;
}

type Window = { from: string; to: string } | null;

/** A daily schedule's next tick and the day it builds, where it runs; undefined for any other cron. */
function nextTickOf(s: ScheduleEvidence, now: Date): DueTick | undefined {
  const at = nextDailyTick(s.cron, zoneOf(s), now.getTime());
  return at === undefined ? undefined : { at: new Date(at).toISOString(), schedule: s.name, builds: dayBefore(zonedDay(at, zoneOf(s))) };
}

/**
 * Which schedule's missed day is which, where the window has a day one of these schedules missed (its tick building it
 * went by) that another's next tick still builds, its own missed days ending before: the window has it for the first,
 * and the second's tick builds it a second time beside the backfill, which is harmless; said, as the window alone reads
 * as both having missed it, and the plan holds until no such tick.
 */
function sharedDayNotes(missing: readonly ScheduleEvidence[], now: Date, window: Window): string[] {
  if (!window) return [];
  return missing.flatMap((s) => {
    const tick = nextTickOf(s, now);
    if (!tick || tick.builds < window.from || tick.builds > window.to || (missedWindow(s, now)?.to ?? '') >= tick.builds) return [];
    const others = missing.filter((o) => (missedWindow(o, now)?.to ?? '') >= tick.builds).map((o) => o.name);
    if (others.length === 0) return [];
    return [
      `${tick.builds} is in the window as schedule ${others.join(', ')} missed it, not schedule ${s.name}, whose own missed days end before it: ${s.name}'s next tick, at ${tick.at.slice(0, 16).replace('T', ' ')} UTC, builds ${tick.builds} if it ticks by then, ` +
        `a second build of that day beside the backfill's (harmless: a backfill is additive); the plan does not hold until that tick, as the window has that day whatever the tick does`,
    ];
  });
}

/**
 * What the daemon does on its start that the backfill does too: Dagster's scheduler runs the latest tick each RUNNING
 * schedule missed while it was down, and only that one (a schedule with no partition set, as every current Dagster's
 * is, "not trying to catch up": dagster/_scheduler/scheduler.py); that tick builds a day the window has, so two runs
 * build it at once. The window keeps the day, as that run may fail as any tick can; the note says which run to end.
 */
function catchUpNotes(schedules: readonly ScheduleEvidence[], now: Date, window: Window): string[] {
  if (!window) return [];
  return schedules.flatMap((s) => {
    if (s.status !== 'RUNNING' || !s.lastTickAt) return [];
    const missed = lastTickDue(s, now);
    if (missed === undefined || missed <= Date.parse(s.lastTickAt)) return [];
    const builds = dayBefore(zonedDay(missed, zoneOf(s)));
    if (builds < window.from || builds > window.to) return [];
    const at = minuteOf(missed);
    return [
      `on its start the daemon runs schedule ${s.name}'s last missed tick, of ${at} (Dagster's scheduler runs the latest tick a RUNNING schedule missed while it was down, not the earlier ones), which builds ${builds}, a day the backfill builds too: ` +
        `to build it once, terminate that run once the daemon is up (Dagster UI → Runs, tag dagster/schedule_name=${s.name}, scheduled at ${at}); the window keeps ${builds}, as that run may fail as a tick can`,
    ];
  });
}

/** The latest tick of a daily schedule at or before now, where it runs; undefined for any other cron. */
function lastTickDue(s: ScheduleEvidence, now: Date): number | undefined {
  let tick = nextDailyTick(s.cron, zoneOf(s), now.getTime() - 2 * day);
  let last: number | undefined;
  while (tick !== undefined && tick <= now.getTime()) {
    last = tick;
    tick = nextDailyTick(s.cron, zoneOf(s), tick);
  }
  return last;
}

function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * Why a STOPPED schedule is left out of the verdict: its last tick (successful or not) is older than the threshold, or
 * the webserver lists no tick of it at all (never switched on). One whose ticks are not known (the CLI does not say)
 * counts as paused.
 */
function whyLeftOff(schedule: ScheduleEvidence, all: readonly ScheduleEvidence[], thresholds: DagsterThresholds, now: Date, ticksKnown: boolean, martsBuiltThrough?: string): string | undefined {
  if (schedule.status !== 'STOPPED') return undefined;
  const named = `schedule ${schedule.name}${scheduleWhere(schedule, all)}`;
  if (schedule.pausedOnPurpose) return `${named} is STOPPED and its description marks it paused on purpose (databox/paused: ${schedule.pausedOnPurpose}): left off`;
  const last = newest([schedule.lastTickAt, schedule.lastSuccessAt]);
  if (last === null) return ticksKnown ? `${named} is STOPPED and has never ticked: taken as never switched on` : undefined;
  if (now.getTime() - Date.parse(last) <= thresholds.switchedOffAfterSeconds * 1000) return undefined;
  if (stoppedWithTheMarts(schedule, last, martsBuiltThrough)) return undefined;
  return `${named} is STOPPED, last tick ${last.slice(0, 10)}: taken as switched off on purpose`;
}

/**
 * A schedule that builds days whose last tick built the marts' last day (its day D builds D − 1; or D itself): the
 * marts stopped when it did, so it is the likely cause, however long ago, not a retired one.
 */
function stoppedWithTheMarts(schedule: ScheduleEvidence, last: string, martsBuiltThrough: string | undefined): boolean {
  if (!martsBuiltThrough || !ticksAtMostDaily(schedule.cron)) return false;
  const tickDay = zonedDay(Date.parse(last), schedule.timezone && knownTimeZone(schedule.timezone) ? schedule.timezone : 'UTC');
  return martsBuiltThrough === tickDay || martsBuiltThrough === dayBefore(tickDay);
}


/**
 * `martsBuiltThrough`: the marts' last day built, when the diagnosis read it: a STOPPED schedule whose last tick built it
 * is counted as paused, however long ago, with a doubt said (see stoppedWithTheMarts).
 */
/** Verdicts with the daemon up, which a run queue that starts nothing overrides: schedules started or a backfill would only queue more runs. */
const queueOverrides = new Set<DagsterVerdictId>(['schedules-paused', 'schedules-paused-no-day-missed', 'schedules-behind', 'healthy']);

/**
 * The verdict on the daemons and the schedules, unless runs have waited QUEUED for over an hour with the daemon up and
 * none started within it: then the run coordinator starts nothing, and starting schedules or backfilling (the plans of those verdicts)
 * would add runs behind them; the verdict says so with the runs, and what it would have said besides. With the daemon
 * stopped, the queue waits on it: a note, as starting it is what dequeues them.
 */
export function assessDagster(evidence: DagsterEvidence, thresholds: DagsterThresholds, now: Date, martsBuiltThrough?: string): DagsterVerdict {
  const found = assessDaemonAndSchedules(evidence, thresholds, now, martsBuiltThrough);
  const listed = evidence.queuedTooLong;
  if (!listed || 'failed' in listed || listed.runs.length === 0) return found;
  // NOT_STARTED runs were never handed to the coordinator (their launcher died first): they wait on nothing, so they say
  // nothing of the queue, however old.
  const notStarted = listed.runs.filter((run) => run.status !== 'QUEUED');
  const notes = notStarted.length === 0 ? found.notes : [...found.notes, `${queuedTooLongSaid({ runs: notStarted, atLeast: false }, now)}: never handed to the run coordinator, so they hold nothing up; delete them in the Dagster UI (Runs) if they are not wanted`];
  const queued = { runs: listed.runs.filter((run) => run.status === 'QUEUED'), atLeast: listed.atLeast };
  if (queued.runs.length === 0) return { ...found, notes };
  const said = queuedTooLongSaid(queued, now);
  if (!queueOverrides.has(found.id)) return { ...found, notes: [...notes, `${said}: they wait for the daemon's run coordinator (QUEUED_RUN_COORDINATOR)`] };
  const started = listed.startedLately;
  if (started) {
    const at = new Date(started.updatedAt * 1000).toISOString().slice(0, 16).replace('T', ' ');
    return { ...found, notes: [...notes, `${said}, but run ${started.runId} of job ${started.jobName} started at ${at} UTC: the queue moves, held back on purpose (run concurrency limits, a backfill throttled), so it is not called stuck`] };
  }
  return {
    ...found,
    notes,
    id: 'run-queue-stuck',
    title: `Run queue stuck: ${said}`,
    since: new Date(Math.min(...queued.runs.map((run) => run.createdAt)) * 1000).toISOString(),
    window: null,
    pausedSchedules: [],
    reasons: [`besides, without the queue: ${found.title}`, ...found.reasons],
    noDayMissed: false,
    missedStillTodayInUtc: null,
    missedNotOverWest: null,
    dueTick: null,
    neverTicked: [],
  };
}

function assessDaemonAndSchedules(evidence: DagsterEvidence, thresholds: DagsterThresholds, now: Date, martsBuiltThrough?: string): DagsterVerdict {
  const reasons: string[] = [];
  const heartbeats = judgeHeartbeats(evidence.daemons ?? [], thresholds.heartbeatMaxAgeSeconds);
  const stale = heartbeats.stopped;
  for (const d of stale) {
    reasons.push(
      d.heartbeatAgeSeconds === null
        ? `daemon ${d.type} has never sent a heartbeat`
        : `daemon ${d.type}: last heartbeat ${formatDuration(d.heartbeatAgeSeconds * 1000)} ago${d.healthy === false ? ', Dagster calls it unhealthy' : ''}`,
    );
  }
  if (evidence.daemonLive === false) reasons.push('dagster-daemon liveness-check: Daemon(s) not running');
  const every = evidence.schedules ?? [];
  const leftOffAny = every.map((s) => ({ schedule: s, why: whyLeftOff(s, every, thresholds, now, evidence.source === 'graphql', martsBuiltThrough) })).filter((o) => o.why !== undefined);
  // With no daily schedule RUNNING, one STOPPED that never ticked is no schedule never switched on beside the one that
  // builds the days: it is the one (a fresh deploy, a renamed schedule: Dagster's default is STOPPED), the likely cause.
  // Unless another daily one is paused or behind: that one is the cause, and the never-ticked one stays a note. A weekly
  // or monthly one RUNNING builds no day between its ticks, so it does not stand for a daily one.
  const neverTicked = leftOffAny.filter((o) => !o.schedule.pausedOnPurpose && ticksDaily(o.schedule.cron) && newest([o.schedule.lastTickAt, o.schedule.lastSuccessAt]) === null).map((o) => o.schedule);
  const counted = every.filter((s) => !leftOffAny.some((o) => o.schedule === s));
  const dailyRunning = every.some((s) => s.status === 'RUNNING' && ticksDaily(s.cron));
  const dailyPausedOrBehind = counted.some((s) => ticksDaily(s.cron) && (s.status === 'STOPPED' || isBehind(s, now)));
  const neverOnButNeeded = dailyRunning || dailyPausedOrBehind ? [] : neverTicked;
  const leftOff = leftOffAny.filter((o) => !neverOnButNeeded.includes(o.schedule));
  for (const s of neverOnButNeeded) {
    reasons.push(
      `no daily schedule is RUNNING: schedule ${s.name}${scheduleWhere(s, every)} is STOPPED and has never ticked (Dagster's default for a schedule a deploy adds or renames), which alone would be taken as never switched on; ` +
        'with no other daily schedule running, paused or behind, its being off is the likely cause, and it is proposed to start. ' +
        'If it was switched off on purpose, add a line `databox/paused:` with the reason to its description and diagnose again',
    );
  }
  // Old enough to be taken as switched off on purpose, but the marts stopped with it: said, with how to tell otherwise.
  const days = Math.round(thresholds.switchedOffAfterSeconds / 86_400);
  for (const s of every.filter((s) => s.status === 'STOPPED' && !leftOff.some((o) => o.schedule === s))) {
    const last = newest([s.lastTickAt, s.lastSuccessAt]);
    if (!last || now.getTime() - Date.parse(last) <= thresholds.switchedOffAfterSeconds * 1000) continue;
    reasons.push(
      `schedule ${s.name}${scheduleWhere(s, every)}'s last tick (${last.slice(0, 10)}) is over ${days} days old, which alone would be taken as switched off on purpose; ` +
        `but the marts' last day built (${martsBuiltThrough}) is the day that tick built, so its pause is the likely cause, and it is proposed to start. ` +
        `If it was switched off on purpose, add a line \`databox/paused:\` with the reason to its description and diagnose again`,
    );
  }
  const notes = leftOff.map((o) => o.why as string);
  // One thread of a running daemon process slow is not a stopped daemon: said, and the schedules judged as with it up.
  if (heartbeats.lagging.length > 0) notes.push(`daemon lagging, not stopped: ${laggingSaid(heartbeats)}; look at the daemon's log for what holds ${heartbeats.lagging.map((d) => d.type).join(', ')} up`);
  // Dagster's clock unknown is said where only the bot's clock calls the daemons stopped: the verdict may rest on a clock ahead.
  const clock = evidence.dagsterClock;
  if (clock && clock.botAhead !== 'unknown') notes.push(dagsterClockSaid(clock));
  if (clock && stoppedOnlyByBotClock(evidence.daemons ?? [], clock, thresholds.heartbeatMaxAgeSeconds)) {
    notes.push(`${dagsterClockSaid(clock)}; a second look 35 s later tells (a newer heartbeat says they run), and path A's daemon start takes it before it starts one`);
  }
  if (evidence.source === 'cli' && every.some((s) => s.status === 'STOPPED')) {
    notes.push('the CLI gives no tick times, so a STOPPED schedule switched off on purpose cannot be told from a paused one: each is counted as paused, and none is proposed to start (name those to start with schedules=)');
  }
  const schedules = every.filter((s) => !leftOff.some((o) => o.schedule === s));
  const pausedSchedules = [...new Set(schedules.filter((s) => s.status === 'STOPPED').map((s) => s.name))];
  // Only a schedule ticking at most daily builds the daily partitions: a sub-daily one (the hourly freshness check)
  // stopped is started like any other, but its missed ticks leave no day unbuilt, so it sizes no window.
  const buildingDays = schedules.filter((s) => ticksAtMostDaily(s.cron));
  for (const s of schedules.filter((s) => s.status === 'STOPPED' && !ticksAtMostDaily(s.cron))) {
    notes.push(`schedule ${s.name}${scheduleWhere(s, every)} (${s.cron}) ticks more than once a day: it builds no daily partition, so its missed ticks leave no day to backfill`);
  }
  const lastSuccess = oldest(buildingDays.filter((s) => s.status === 'RUNNING' || s.lastSuccessAt).map((s) => s.lastSuccessAt));
  const zones = timeZonesOf(buildingDays);
  const window = windowOf(buildingDays.filter((s) => s.status === 'RUNNING' || s.lastSuccessAt), now, zones);
  const noDayMissed = noDayMissedBy(buildingDays, now);
  const verdict = (v: Omit<DagsterVerdict, 'reasons' | 'notes' | 'pausedSchedules' | 'noDayMissed' | 'missedStillTodayInUtc' | 'missedNotOverWest' | 'timeZones' | 'lastDailyTick' | 'dueTick' | 'neverTicked'> & { reasons?: string[]; noDayMissed?: boolean; dueTick?: DueTick | null; neverTicked?: string[]; windowNotes?: string[] }): DagsterVerdict => {
    const { windowNotes = [], ...found } = v;
    return {
      reasons,
      dueTick: null,
      neverTicked: [],
      timeZones: zones,
      lastDailyTick: lastDailyTickOf(schedules, now),
      // Healthy: a running schedule's next tick builds the day, and there is nothing to say of it.
      notes: v.id === 'healthy' ? notes : [...notes, ...windowNotes, ...timezoneNotes(buildingDays, now, v.window)],
      pausedSchedules,
      noDayMissed,
      missedStillTodayInUtc: v.window || v.id === 'healthy' ? null : missedStillTodayInUtc(buildingDays, now),
      missedNotOverWest: v.window || v.id === 'healthy' ? null : missedNotOverWest(buildingDays, now, zones),
      ...found,
    };
  };
  // No SCHEDULER listed: nothing says a schedule would tick once started, or the daemon once restarted, so neither a
  // stopped daemon nor paused schedules is the whole story: not conclusive (below), whatever the schedules say.
  const noScheduler = evidence.daemons && schedulerMissing(evidence.daemons);
  // The daemon's own liveness check saying it is not running is the whole story whatever the list says: start it.
  if ((!noScheduler && stale.length > 0) || evidence.daemonLive === false) {
    // Starting the daemon alone would leave these off: the verdict names them, and its path starts them too.
    // The one never ticked is said above, as the likely cause.
    const stoppedToo = schedules.filter((s) => s.status === 'STOPPED' && !neverOnButNeeded.includes(s)).map((s) => `${s.name}${scheduleWhere(s, every)}`);
    reasons.push(...unknownLocations(evidence));
    if (stoppedToo.length > 0) reasons.push(`schedules also STOPPED: ${firstFew(stoppedToo, shownNames).join(', ')}`);
    const lastHeartbeats = stale.map((d) => (d.heartbeatAgeSeconds === null ? null : new Date(now.getTime() - d.heartbeatAgeSeconds * 1000).toISOString()));
    const since = oldest(lastHeartbeats) ?? lastSuccess;
    // Caught before its next tick was due: starting it is the whole recovery, with no window to backfill.
    const id = noDayMissed ? 'daemon-stopped-no-day-missed' : 'daemon-stopped';
    // No schedule ticks until the daemon is started: the first tick due of any is what its plan must come before.
    const dueTick = dueTickOf(buildingDays, now, evidence.source, window);
    return verdict({ id, title: `Dagster daemon stopped${since ? ` since ${since.slice(0, 16).replace('T', ' ')} UTC` : ''}`, since, window, lastSuccess, dueTick, neverTicked: neverOnButNeeded.map((s) => s.name), windowNotes: [...sharedDayNotes(buildingDays, now, window), ...catchUpNotes(buildingDays, now, window)] });
  }
  const stopped = schedules.filter((s) => s.status === 'STOPPED');
  // The daemon's state unread (its liveness check's output not understood, the webserver's daemon health unusable):
  // starting the schedules alone (path B) would leave a stopped daemon stopped, so they are not called paused.
  const daemonUnread = evidence.daemons === undefined && evidence.daemonLive === undefined;
  if (daemonUnread && stopped.length > 0) {
    const one = stopped.length === 1;
    reasons.push(
      `${one ? 'schedule' : 'schedules'} ${firstFew(stopped.map((s) => s.name), shownNames).join(', ')} ${one ? 'is' : 'are'} STOPPED, but with the daemon's state unknown ${one ? 'it is' : 'they are'} not called paused: starting schedules alone would leave a stopped daemon stopped`,
    );
  }
  if (!noScheduler && !daemonUnread && stopped.length > 0) {
    // One never ticked with no daily schedule running was said above, as the likely cause.
    for (const s of stopped.filter((s) => !neverOnButNeeded.includes(s))) {
      // A copy of the same name running in another code location is said too: the two look alike in the table.
      const running = otherCopies(s, every).filter((r) => r.status === 'RUNNING');
      const besides = running.length > 0 ? ` (its copy in ${running.map((r) => r.repository).join(', ')} is RUNNING)` : '';
      reasons.push(`schedule ${s.name}${scheduleWhere(s, every)} is STOPPED${s.lastTickAt ? `, last tick ${s.lastTickAt.slice(0, 16).replace('T', ' ')} UTC` : ''}${besides}`);
    }
    // A running schedule behind (its runs failing, say) missed days too: the window starts at its last success when
    // that is older, or starting the paused ones and backfilling their days would leave its days unbuilt for good.
    const behindToo = schedules.filter((s) => isBehind(s, now));
    for (const s of behindToo) reasons.push(`schedule ${s.name}${scheduleWhere(s, every)} is RUNNING but behind: no successful tick since ${(s.lastSuccessAt as string).slice(0, 16).replace('T', ' ')} UTC`);
    reasons.push(...unknownLocations(evidence));
    const since = oldest(stopped.map((s) => s.lastSuccessAt ?? s.lastTickAt));
    const missingDays = [...stopped, ...behindToo].filter((s) => ticksAtMostDaily(s.cron));
    const stoppedSuccess = oldest(missingDays.map((s) => s.lastSuccessAt));
    const stoppedWindow = windowOf(missingDays, now, zones);
    // Paused today, after their successful tick of the day, and the running ones with theirs: starting the paused ones is
    // the whole recovery, nothing to backfill. A running schedule behind (failing, or with no success on record) is not.
    // Only sub-daily ones paused: no day is missing by them, and the running daily ones build theirs.
    const pausedNoDayMissed = missingDays.length > 0 ? noDayMissedBy(buildingDays, now) : buildingDays.every((s) => s.lastSuccessAt !== null);
    return verdict({
      id: pausedNoDayMissed ? 'schedules-paused-no-day-missed' : 'schedules-paused',
      title: `Schedules paused${pausedTitleTick(stopped)}: ${firstFew(stopped.map((s) => s.name), shownNames).join(', ')}`,
      since,
      window: stoppedWindow,
      lastSuccess: missingDays.length > 0 ? stoppedSuccess : lastSuccess,
      noDayMissed: pausedNoDayMissed,
      // The running ones tick by themselves: the paused ones' first tick due is what the plan that starts them must come
      // before; a running one behind ticks, but may fail again, and the window leaves the day that tick builds to it.
      dueTick: dueTickOf(stopped, now, evidence.source, stoppedWindow, behindToo.filter((s) => ticksAtMostDaily(s.cron))),
      neverTicked: neverOnButNeeded.map((s) => s.name),
      windowNotes: sharedDayNotes(missingDays, now, stoppedWindow),
    });
  }
  if (evidence.daemons === undefined && evidence.daemonLive === undefined) reasons.push('the daemons could not be read');
  if (noScheduler) reasons.push(noScheduler);
  if (evidence.schedules === undefined) reasons.push('the schedules could not be read');
  // databox runs on schedules: none listed is a code location that did not load, or the wrong one, never "all tick".
  // But the webserver's own answer that every code location loaded says none is missing: a stack run by sensors,
  // with nothing scenario 4 could start.
  else if (evidence.schedules.length === 0 && !everyLocationLoaded(evidence)) reasons.push(`Dagster lists no schedule (${evidence.source === 'graphql' ? 'a code location that failed to load lists none' : 'dagster schedule list printed none'})`);
  else if (evidence.schedules.length === 0 && !thresholds.runsOnSensors) reasons.push(noStackSchedule);
  // Ticking and failing, with no success on record: behind since when cannot be told, so no window is guessed.
  for (const s of schedules.filter((s) => s.status === 'RUNNING' && s.lastTickStatus === 'FAILURE' && !s.lastSuccessAt)) {
    reasons.push(`schedule ${s.name}'s last tick failed and none has succeeded on record${s.lastTickError ? `: ${s.lastTickError}` : ''}`);
  }
  for (const location of evidence.unloadedLocations ?? []) {
    const what = `code location ${location.name} ${location.error === 'still loading' ? 'is still loading' : `failed to load: ${location.error}`}`;
    // Its schedules and jobs are in no other answer: "healthy" or a backfill would be read off the locations that loaded.
    const then = location.error === 'still loading' ? 'diagnose again once it has loaded' : 'fix it, then reload it in the Dagster UI or restart its code server';
    if (location.ours) reasons.push(`${what}; its schedules and jobs are missing from what Dagster lists (${then})`);
    else notes.push(what);
  }
  for (const unreadable of evidence.unreadableRepositories ?? []) {
    const what = `the schedules of ${unreadable.repository} could not be read (${unreadable.error})`;
    // Maybe the stack's own (no DAGSTER_LOCATION to say otherwise): "healthy" would be read off the other repositories.
    if (unreadable.ours) reasons.push(`${what}: whether they tick is unknown (make its code server answer, or set DAGSTER_LOCATION to the stack's own location, then diagnose again)`);
    else notes.push(what);
  }
  // A tick that could not reach the code: a backfill would not reach it either.
  for (const s of schedules.filter((s) => s.status === 'RUNNING' && s.lastTickStatus === 'FAILURE' && s.lastSuccessAt && s.lastTickError && unreachableCode.test(s.lastTickError))) {
    reasons.push(`schedule ${s.name}'s last tick could not reach its code (${s.lastTickError}): a backfill would not reach it either; start the code server or fix the code location first`);
  }
  for (const u of evidence.unparsed) reasons.push(`could not parse the output of ${u.command}`);
  reasons.push(...evidence.problems);
  // Why the CLI was asked at all (the webserver's 500, its timeout) comes first: it is usually the cause of the rest.
  if (reasons.length > 0 && evidence.webserverProblem) reasons.unshift(`the webserver: ${evidence.webserverProblem}`);
  // Dagster answered in full, and that answer is the finding: not "could not be read", whose advice is to make it answer.
  if (reasons.length === 1 && reasons[0] === noStackSchedule) return verdict({ id: 'no-schedule', title: noStackScheduleTitle, reasons: [noStackScheduleWhy], since: null, window: null, lastSuccess });
  if (reasons.length > 0) return verdict({ id: 'inconclusive', title: 'Dagster could not be read in full', since: null, window, lastSuccess });
  // Behind: a running schedule whose last success is older than its cron's interval, an hour's grace beside it.
  const behind = schedules.filter((s) => isBehind(s, now));
  for (const s of schedules.filter((s) => s.status === 'RUNNING' && s.lastTickStatus === 'FAILURE' && s.lastSuccessAt && !unreachableCode.test(s.lastTickError ?? ''))) {
    notes.push(`schedule ${s.name}'s last tick failed${s.lastTickError ? `: ${s.lastTickError}` : ''}`);
  }
  // Dagster does not say since when a schedule runs: no tick yet is a schedule switched on within its interval, or one
  // the scheduler does not evaluate. Not a reason for doubt (a schedule the recovery just started reads the same).
  if (evidence.source === 'graphql') {
    for (const s of schedules.filter((s) => s.status === 'RUNNING' && !s.lastTickAt && !s.lastSuccessAt)) {
      notes.push(`schedule ${s.name} is RUNNING but has no tick on record: healthy only if it was switched on within its interval (${s.cron}); look again after its next tick is due`);
    }
  }
  // A sub-daily one behind (the hourly check failing) misses no daily partition: named, but it sizes no window.
  const behindBuildingDays = behind.filter((s) => ticksAtMostDaily(s.cron));
  const subDailyBehind = behind.filter((s) => !ticksAtMostDaily(s.cron));
  for (const s of subDailyBehind) {
    notes.push(`schedule ${s.name}${scheduleWhere(s, every)} (${s.cron}) is RUNNING but has no successful tick since ${(s.lastSuccessAt as string).slice(0, 16).replace('T', ' ')} UTC: it ticks more than once a day and builds no daily partition, so no day is left to backfill by it; look at its ticks in Dagster`);
  }
  const behindSince = oldest(behindBuildingDays.map((s) => s.lastSuccessAt));
  const behindWindow = windowOf(behindBuildingDays, now, zones);
  if (behindSince && behindWindow) {
    return verdict({
      id: 'schedules-behind',
      title: `Schedules running but no successful tick since ${behindSince.slice(0, 16).replace('T', ' ')} UTC: ${behind.map((s) => s.name).join(', ')}`,
      since: behindSince,
      window: behindWindow,
      reasons: [`the days ${behindWindow.from} to ${behindWindow.to} have no successful tick`],
      lastSuccess: behindSince,
      // Before today's tick the window leaves yesterday to it, as for a paused schedule: but this one's ticks have been
      // failing, so the plan holds only until that tick, after which whether it built the day is to be read again.
      dueTick: dueTickOf([], now, evidence.source, behindWindow, behindBuildingDays),
      windowNotes: sharedDayNotes(behindBuildingDays, now, behindWindow),
    });
  }
  const title = every.length === 0
    ? 'Dagster daemon healthy; Dagster lists no schedule for the stack, which runs on sensors (runsOnSensors in the runbook): scenario 4 has no schedule to start'
    : subDailyBehind.length > 0
    ? `Dagster daemon and the schedules that build the daily partitions healthy; running but behind, building no day: ${subDailyBehind.map((s) => s.name).join(', ')}`
    : 'Dagster daemon and schedules healthy';
  return verdict({ id: 'healthy', title, since: null, window: null, reasons: [], lastSuccess });
}

/** Dagster answered in full and lists none of the stack's schedules, with the runbook not saying it runs on sensors. */
const noStackScheduleTitle = 'Dagster lists no schedule for the stack though every code location loaded';
const noStackScheduleWhy =
  'a deploy may have dropped or renamed it, and then nothing launches its runs; if the stack runs on sensors, set `runsOnSensors: true` on the dagster-health step of runbooks/schedule.yml';
export const noStackSchedule = `${noStackScheduleTitle}: ${noStackScheduleWhy}`;

/**
 * ", last ticked at 2026-04-18 13:00 UTC": Dagster does not record when a schedule was paused, only its ticks, so the
 * title says the last tick, never "paused since"; of several, the longest-stopped one's.
 */
function pausedTitleTick(stopped: readonly ScheduleEvidence[]): string {
  const lastTicks = stopped.map((s) => newest([s.lastTickAt, s.lastSuccessAt]));
  const earliest = oldest(lastTicks);
  if (!earliest) return '';
  const which = lastTicks.filter((t) => t !== null).length > 1 ? 'the longest-stopped last ticked' : 'last ticked';
  return `, ${which} at ${earliest.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The webserver was asked for its code locations and every one loaded: its list of schedules is the whole list. */
function everyLocationLoaded(evidence: DagsterEvidence): boolean {
  return evidence.source === 'graphql' && evidence.unloadedLocations !== undefined && evidence.unloadedLocations.length === 0;
}

/** A running schedule whose last success is older than its cron's interval, an hour's grace beside it. */
function isBehind(s: ScheduleEvidence, now: Date): boolean {
  return s.status === 'RUNNING' && s.lastSuccessAt !== null && now.getTime() - Date.parse(s.lastSuccessAt) > cronIntervalMs(s.cron) + 3_600_000;
}

/**
 * The stack's code locations not loaded, said beside a stopped daemon or paused schedules: what Dagster lists leaves
 * their schedules out, so whether they are paused is unknown, and the plan made from this verdict does not start them.
 */
function unknownLocations(evidence: DagsterEvidence): string[] {
  const unloaded = (evidence.unloadedLocations ?? [])
    .filter((l) => l.ours)
    .map((l) => `code location ${l.name} ${l.error === 'still loading' ? 'is still loading' : `failed to load: ${l.error}`}: its schedules are unknown (Dagster lists none of them) and are not started by this plan; fix it, then diagnose again`);
  const unreadable = (evidence.unreadableRepositories ?? [])
    .filter((u) => u.ours)
    .map((u) => `the schedules of ${u.repository} could not be read (${u.error}): they are unknown and not started by this plan; once Dagster reads them, diagnose again`);
  return [...unloaded, ...unreadable];
}

/**
 * Why the daemon list cannot say whether schedules tick: it lists no SCHEDULER daemon that Dagster requires (an
 * instance whose scheduler is not the daemon's, or an answer that is not the whole list). Undefined when it does.
 */
export function schedulerMissing(daemons: readonly DaemonEvidence[]): string | undefined {
  if (daemons.some((d) => d.type === 'SCHEDULER' && d.required)) return undefined;
  return daemons.length === 0 ? "Dagster's daemon health lists no daemon at all" : "Dagster's daemon health lists no required SCHEDULER daemon, so whether schedules tick cannot be told";
}

function age(seconds: number | null): string {
  return seconds === null ? 'never' : `${formatDuration(seconds * 1000)} ago`;
}

/** STOPPED schedules first, then those whose last tick failed, then the rest, each in the order Dagster listed them. */
function decidingFirst(schedules: readonly ScheduleEvidence[]): ScheduleEvidence[] {
  const rank = (s: ScheduleEvidence) => (s.status === 'STOPPED' ? 0 : s.lastTickStatus === 'FAILURE' ? 1 : 2);
  return [...schedules].sort((a, b) => rank(a) - rank(b));
}

/** The evidence as plain-text tables for the thread or the terminal. */
export function describeDagsterEvidence(evidence: DagsterEvidence): string {
  const parts: string[] = [`Source: ${evidence.source === 'graphql' ? 'Dagster webserver (GraphQL)' : 'Dagster CLI'}${evidence.webserverProblem ? ` (webserver: ${evidence.webserverProblem})` : ''}`];
  // What the verdict turns on first, where a cut of a long evidence keeps it (its head): the daemons' table when one
  // Dagster calls unhealthy, else the schedules, those STOPPED or whose last tick failed at their top, before a daemons'
  // table of heartbeats alike.
  const daemonsFirst = (evidence.daemons ?? []).some((d) => d.required && d.healthy === false) || evidence.daemonLive === false;
  const daemonParts: string[] = [];
  if (evidence.daemons) {
    daemonParts.push(
      textTable(
        ['daemon', 'required', 'healthy', 'last heartbeat', 'errors'],
        evidence.daemons.map((d) => [d.type, d.required ? 'yes' : 'no', d.healthy === null ? '?' : d.healthy ? 'yes' : 'no', age(d.heartbeatAgeSeconds), d.errors[0]?.slice(0, 80) ?? '']),
      ),
    );
  }
  // Dagster's clock unknown is for the verdict to say, where it matters (stoppedOnlyByBotClock).
  if (evidence.dagsterClock && evidence.dagsterClock.botAhead !== 'unknown') daemonParts.push(dagsterClockSaid(evidence.dagsterClock));
  if (evidence.daemonLive !== undefined) daemonParts.push(`dagster-daemon liveness-check: ${evidence.daemonLive ? 'Daemon live' : 'Daemon(s) not running'}`);
  if (daemonsFirst) parts.push(...daemonParts);
  if (evidence.schedules) {
    // Two code locations with a schedule of the same name: which row is which. A cron in another timezone than UTC says
    // which: its ticks, and the days of its partitions, are local times there.
    const twice = evidence.schedules.some((s) => scheduleWhere(s, evidence.schedules ?? []) !== '');
    parts.push(
      textTable(
        ['schedule', 'status', 'cron', 'last tick', 'since last tick', 'last success', ...(twice ? ['repository'] : [])],
        decidingFirst(evidence.schedules).map((s) => [s.name, s.status, s.timezone && s.timezone !== 'UTC' ? `${s.cron} (${s.timezone})` : s.cron, s.lastTickAt ? `${s.lastTickAt.slice(0, 16).replace('T', ' ')} ${s.lastTickStatus ?? ''}`.trim() : 'unknown', s.sinceLastTickSeconds === null ? 'unknown' : formatDuration(s.sinceLastTickSeconds * 1000), s.lastSuccessAt?.slice(0, 16).replace('T', ' ') ?? 'unknown', ...(twice ? [s.repository ?? ''] : [])]),
      ),
    );
    for (const s of evidence.schedules.filter((s) => s.lastTickError)) parts.push(`Last tick of ${s.name} failed: ${s.lastTickError}`);
  }
  if (!daemonsFirst) parts.push(...daemonParts);
  const queued = evidence.queuedTooLong;
  if (queued && 'failed' in queued) parts.push(`Queued runs: could not be read, so whether the run queue moves is unknown (${queued.failed})`);
  else if (queued && queued.runs.length > 0) {
    const shown = [...queued.runs].sort((a, b) => a.createdAt - b.createdAt).slice(0, shownNames);
    const rows = shown.map((run) => [run.runId, run.jobName, run.status, `${new Date(run.createdAt * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
    const more = queued.runs.length > shown.length ? `\n… and ${queued.runs.length - shown.length}${queued.atLeast ? ' or more' : ''} more` : '';
    parts.push(`Runs waiting in the queue for over an hour, oldest first:\n${textTable(['run', 'job', 'status', 'created'], rows)}${more}`);
  }
  if (evidence.locationsProblem) parts.push(`Code locations: could not be listed, so whether each loaded is unknown (${evidence.locationsProblem})`);
  for (const l of evidence.unloadedLocations ?? []) parts.push(`Code location ${l.name}: ${l.error === 'still loading' ? 'still loading' : `failed to load: ${l.error}`}`);
  for (const u of evidence.unreadableRepositories ?? []) parts.push(`Schedules of ${u.repository}: could not be read: ${u.error}`);
  for (const u of evidence.unparsed) parts.push(`Could not parse the output of \`${u.command}\`; it said:\n${u.raw.trim() || '(nothing)'}`);
  for (const p of evidence.problems) parts.push(`Problem: ${p}`);
  return parts.join('\n\n');
}
