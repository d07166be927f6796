// The calendar day a moment falls on in a schedule's execution timezone: a daily partition's key is that local date.
import { dayBefore, isoDay } from '../engine/steps/iso-days.js';

/** One formatter per timezone: building one is slow, and a diagnosis asks for each schedule's days. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    try {
      formatters.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
    } catch {
      // A name this Node's time-zone data does not know: null, and the caller says so.
      formatters.set(timeZone, null);
    }
  }
  return formatters.get(timeZone) ?? null;
}

/** Whether `timeZone` is a timezone this Node can compute days in (an IANA name such as Pacific/Auckland). */
export function knownTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== null;
}

/** The day (YYYY-MM-DD) `ms` falls on in `timeZone`; in UTC when the timezone is UTC or unknown. */
export function zonedDay(ms: number, timeZone: string): string {
  const formatter = timeZone === 'UTC' ? null : formatterFor(timeZone);
  if (!formatter) return isoDay(ms);
  const part = (type: string) => formatter.formatToParts(ms).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The last day over in UTC and in every one of `timeZones` (the westernmost's yesterday, or UTC's), and the timezone
 * that sets it: a daily partition keyed by that day exists wherever the schedules run. A timezone this Node does not
 * know counts as UTC, as its days are counted.
 */
export function lastDayEndedEverywhere(timeZones: readonly string[], now: Date): { day: string; timeZone: string } {
  let last = { day: dayBefore(zonedDay(now.getTime(), 'UTC')), timeZone: 'UTC' };
  for (const timeZone of timeZones) {
    const day = dayBefore(zonedDay(now.getTime(), timeZone));
    if (day < last.day) last = { day, timeZone };
  }
  return last;
}

/**
 * The first moment, from `now` on, at which `day` has ended in `timeZone` (its next day begins there), to the quarter
 * hour, as "YYYY-MM-DD HH:MM UTC": when a diagnosis can name that day in a backfill.
 */
export function dayEndsAt(day: string, timeZone: string, now: Date): string {
  const quarter = 15 * 60_000;
  let at = Math.ceil(now.getTime() / quarter) * quarter;
  // Two days of quarters bound the search: no timezone is more than 14 hours from UTC.
  for (let i = 0; i < 192 && zonedDay(at, timeZone) <= day; i++) at += quarter;
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
