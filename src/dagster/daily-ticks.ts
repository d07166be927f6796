// When a schedule that ticks every day at one time ("0 6 * * *", @daily) ticks next, in its execution timezone.
import { dayAfter } from '../engine/steps/iso-days.js';
import { zonedDay } from './zoned-days.js';

const dayMs = 24 * 60 * 60 * 1000;

/** One formatter per timezone giving the wall-clock time there (building one is slow). */
const clocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(wallClock(timeZone).formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day as number, parts.hour as number, parts.minute as number, parts.second as number);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The moment Dagster ticks at `hour`:`minute` of `day` (YYYY-MM-DD) in `timeZone`, as its docs on daylight saving say:
 * a time the clocks skip that day (spring forward; a midnight change such as America/Santiago's) runs at the next time
 * that exists, the moment the clocks jump; a time the clocks pass twice (fall back) runs at its second passing.
 */
function wallTimeOn(day: string, hour: number, minute: number, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const asIfUtc = Date.UTC(year, month - 1, date, hour, minute);
  // The offsets a day either side: a change of offset near the wall time lies between them (none changes twice a day).
  const before = offsetAt(asIfUtc - dayMs, timeZone);
  const after = offsetAt(asIfUtc + dayMs, timeZone);
  const passings = [asIfUtc - before, asIfUtc - after].filter((at) => asIfUtc - offsetAt(at, timeZone) === at);
  if (passings.length > 0) return Math.max(...passings);
  return momentClocksJump(asIfUtc - after, asIfUtc - before, after, timeZone);
}

/** The first second in [from, to] where `timeZone`'s offset is `offset` (the clocks jump to it in that span). */
function momentClocksJump(from: number, to: number, offset: number, timeZone: string): number {
  let [low, high] = [Math.floor(from / 1000), Math.ceil(to / 1000)];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timeZone) === offset) high = middle;
    else low = middle + 1;
  }
  return low * 1000;
}

/**
 * The hour and minute of a cron that ticks once every day at one time ("M H * * *", @daily, @midnight); undefined for
 * any other (weekly, monthly, several times a day, unreadable), whose next tick is not worked out here.
 */
export function dailyTickTime(cron: string): { hour: number; minute: number } | undefined {
  const text = cron.trim();
  if (text === '@daily' || text === '@midnight') return { hour: 0, minute: 0 };
  const fields = text.split(/\s+/);
  if (fields.length !== 5 || fields.slice(2).some((field) => field !== '*')) return undefined;
  const [minute, hour] = fields.map((field) => (/^\d+$/.test(field) ? Number(field) : NaN)) as [number, number];
  return minute < 60 && hour < 24 ? { hour, minute } : undefined;
}

/** The first tick after `afterMs` (epoch ms) of a daily cron in `timeZone`; undefined when the cron is not one (dailyTickTime). */
export function nextDailyTick(cron: string, timeZone: string, afterMs: number): number | undefined {
  const time = dailyTickTime(cron);
  if (!time) return undefined;
  let day = zonedDay(afterMs, timeZone);
  // Today's tick while still ahead, else tomorrow's (every day has one: a time the clocks skip runs when they jump).
  for (let i = 0; i < 2; i++, day = dayAfter(day)) {
    const at = wallTimeOn(day, time.hour, time.minute, timeZone);
    if (at > afterMs) return at;
  }
  return undefined;
}
