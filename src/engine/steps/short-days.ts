// Days short of part of their rows (a load that hit API errors part-way): under a share of the level they are judged by.
import { dayMs, dayMsOf, isoDay } from './iso-days.js';
import { median as medianOfCounts } from './median.js';
import { weekdaysSaid } from './weekdays-said.js';

export interface ShortOf {
  /** The rows a day of this weekday usually has: the median, or its weekday's own where that is lower. */
  usual: number;
  /** Set when `usual` is the weekday's own median: "Saturdays". */
  weekdays?: string;
}

/**
 * What each weekday usually has, over the days `from` … before `to` that the median was taken of: a source loading
 * less at weekends has weekend days well under its median, which are as usual, not short. A weekday's own median is
 * used only when it is clearly lower (under 90% of the median: the day-to-day wobble of every weekday is not a habit),
 * and only from two of its days with rows (one odd day is not a habit either).
 * `countOf` is undefined for a day before the table's first row.
 */
export function usualPerWeekday(from: string, to: string, median: number, countOf: (day: string) => number | undefined): (day: string) => ShortOf {
  const seen = new Map<number, number[]>();
  for (let ms = dayMsOf(from); ms < dayMsOf(to); ms += dayMs) {
    const count = countOf(isoDay(ms));
    if (count === undefined || count === 0) continue;
    const weekday = new Date(ms).getUTCDay();
    seen.set(weekday, [...(seen.get(weekday) ?? []), count]);
  }
  return (day) => {
    const counts = seen.get(new Date(dayMsOf(day)).getUTCDay()) ?? [];
    const own = counts.length >= 2 ? medianOfCounts(counts) : median;
    return own < median * 0.9 ? { usual: own, weekdays: weekdaysSaid([day]) } : { usual: median };
  };
}

/** "40% of the median of 500/day", or "… of 250/day, as usual on Saturdays": what a short day is short of. */
export function shortSaid(count: number, of: ShortOf): string {
  const percent = Math.round((count / of.usual) * 100);
  return of.weekdays ? `${percent}% of the ${of.usual}/day usual on ${of.weekdays}` : `${percent}% of the median of ${of.usual}/day`;
}
