// Which bad days two day-counts steps share and which only one has: a raw table's against the mart built from it.
import { rowsSaid } from '../../plural.js';
import { dayMs, dayMsOf } from './iso-days.js';
import { weekdaysSaid } from './weekdays-said.js';


/** Days as runs of consecutive ones, first and last day each. */
function dayRuns(days: readonly string[]): [string, string][] {
  const runs: [string, string][] = [];
  for (const day of [...new Set(days)].sort()) {
    const last = runs.at(-1);
    if (last && dayMsOf(day) - dayMsOf(last[1]) === dayMs) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

/** Days as runs of consecutive ones: 2026-04-18 … 2026-04-20, 2026-04-23. */
export function dayRanges(days: readonly string[]): string {
  return dayRuns(days)
    .map(([from, to]) => (from === to ? from : `${from} … ${to}`))
    .join(', ');
}

export interface BadDaysCompared {
  /** One sentence: the days bad in both tables, in the built one only, in this one only; '' when neither has any. */
  comparison: string;
  /** The first and last bad day of either table: the window that covers them all. */
  unionFrom: string;
  unionTo: string;
  /**
   * ' ' and a sentence when that window also holds days normal in both tables, between runs of bad ones: a window
   * replaced whole deletes and reloads them too, which one window per run would not; and days between them with no
   * rows as usual for the source (quiet weekdays), reloaded too with nothing to keep. '' otherwise.
   */
  normalBetween: string;
}

/**
 * A day with at least this many times its median is not "normal", though under the spike threshold: a day loaded twice
 * doubles its rows, and its own variation takes a little off. Said by a diagnosis; a validation does not pass on it.
 */
export const doubledFrom = 1.9;

/**
 * `here` is the table the step counted (the raw one), `there` the table built from it (the mart) that an earlier step
 * counted, with its counts per day and the median they were judged by. A day bad in both was wrong before the build; a
 * day bad only in `there` was spoiled by the build.
 */
export function compareBadDays(
  here: { table: string; badDays: readonly string[]; quietDays?: readonly string[]; doubledDays?: readonly string[] },
  there: { table: string; badDays: readonly string[]; days?: readonly { day: string; count: number }[]; median?: number },
): BadDaysCompared {
  const inThere = new Set(there.badDays);
  const inHere = new Set(here.badDays);
  const both = here.badDays.filter((d) => inThere.has(d));
  const thereOnly = there.badDays.filter((d) => !inHere.has(d));
  const hereOnly = here.badDays.filter((d) => !inThere.has(d));
  const all = [...here.badDays, ...there.badDays].sort();
  const parts: string[] = [];
  if (thereOnly.length === 0 && hereOnly.length === 0 && both.length > 0) {
    parts.push(`${here.table} shows the same bad days as ${there.table} (${dayRanges(both)})`);
  } else {
    if (both.length > 0) parts.push(`bad in ${here.table} and so in ${there.table}: ${dayRanges(both)}`);
    if (thereOnly.length > 0) parts.push(`bad in ${there.table} only, their rows in ${here.table} look normal: ${dayRanges(thereOnly)}`);
    // A day loaded twice in the raw table doubles the mart's count too, which its spike threshold lets pass: not normal.
    const median = there.median ?? 0;
    const count = new Map((there.days ?? []).map((d) => [d.day, d.count]));
    const doubled = hereOnly.filter((d) => median > 0 && (count.get(d) ?? 0) >= median * doubledFrom);
    const normal = hereOnly.filter((d) => !doubled.includes(d));
    if (normal.length > 0) parts.push(`bad in ${here.table} only, ${there.table} looks normal there: ${dayRanges(normal)}`);
    if (doubled.length > 0) {
      const said = doubled.map((d) => `${d} (${rowsSaid(count.get(d) ?? 0)})`).join(', ');
      parts.push(`bad in ${here.table}, and ${there.table} has about twice its usual rows there or more (a median of ${median}/day), which its count alone does not call bad: ${said}`);
    }
  }
  return { comparison: parts.join('; '), unionFrom: all[0] ?? '', unionTo: all.at(-1) ?? '', normalBetween: normalBetween(all, here.quietDays, here.doubledDays) };
}

/**
 * BadDaysCompared.normalBetween for these bad days (one table's, or both tables' together), the days of the window
 * with no rows as usual for the source (quiet weekdays): no rows to keep, so not normal days to leave as they are; and
 * its days at about twice their usual rows (doubled), no bad days by their count alone but no normal ones either.
 */
export function normalBetween(badDays: readonly string[], quietDays: readonly string[] = [], doubledDays: readonly string[] = []): string {
  const runs = dayRuns(badDays);
  if (runs.length < 2) return '';
  const [from, to] = [runs[0]?.[0] as string, runs.at(-1)?.[1] as string];
  const bad = new Set(badDays);
  const between = (days: readonly string[]) => [...new Set(days)].filter((day) => day > from && day < to && !bad.has(day)).sort();
  const quiet = between(quietDays);
  const doubled = between(doubledDays).filter((day) => !quiet.includes(day));
  const normal = (dayMsOf(to) - dayMsOf(from)) / dayMs + 1 - bad.size - quiet.length - doubled.length;
  const held = [
    ...(normal > 0 ? [`${normal} normal day${normal === 1 ? '' : 's'} between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first)`] : []),
    ...(quiet.length > 0 ? [`${quiet.length} day${quiet.length === 1 ? '' : 's'} with no rows, as usual for this source (${weekdaysSaid(quiet)}): reloaded too, nothing to keep`] : []),
    ...(doubled.length > 0 ? [`${doubled.length} day${doubled.length === 1 ? '' : 's'} with about twice ${doubled.length === 1 ? 'its' : 'their'} usual rows (doubled: ${doubled.join(', ')}): replaced whole too, ${doubled.length === 1 ? 'its' : 'their'} rows kept first`] : []),
  ];
  const each = runs.map(([first, last]) => `from=${first} to=${last}`).join(', then ');
  const apart = normal > 0 ? ` To leave them as they are, recover each run of bad days on its own, diagnosing again after each (a plan is made on a diagnosis of the database as it is): ${each}.` : '';
  return ` The window ${from} … ${to} also holds ${held.join('; and ')}.${apart}`;
}
