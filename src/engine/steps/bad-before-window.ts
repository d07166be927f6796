// Days before a window that the window's own measure calls bad: a bad stretch begun before it, which a recovery of the window would leave.
import { dayRanges } from './bad-days-compared.js';
import { dayBefore, dayMs, dayMsOf, isoDay } from './iso-days.js';

/** A day before the window, by the measure its days are judged by: `quiet` has no rows as usual (a weekday off). */
export type BeforeVerdict = 'zero' | 'low' | 'spike' | 'normal' | 'quiet';

export interface DayBefore {
  day: string;
  count: number;
  verdict: 'zero' | 'low' | 'spike';
}

export interface BadBefore {
  /** The days before the window that look wrong, oldest first. */
  days: DayBefore[];
  /** They run up to the window's first day, itself bad: one bad stretch, begun before the window. */
  intoWindow: boolean;
  /** They run back past the first day read: the stretch may begin earlier still. */
  earlier: boolean;
}

export interface DaysRead {
  /** The first day read (the older days' first), the baseline's first day, the window's first day. */
  readFrom: string;
  baselineFrom: string;
  windowFrom: string;
  /** The table's first day ('' for none): nothing before it to run back into. */
  firstDay: string;
  /** The window's first day is bad (zero, low, spike, loaded twice). */
  windowStartsBad: boolean;
  count: (day: string) => number;
  /** A day's verdict by the window's measure; undefined for a day not judged (before the table's rows, or said apart). */
  judge: (day: string) => BeforeVerdict | undefined;
}

const isBad = (verdict: BeforeVerdict | undefined): verdict is DayBefore['verdict'] => verdict === 'zero' || verdict === 'low' || verdict === 'spike';

/**
 * Every bad day of the baseline (empty, low or spiking, as a day of the window would be called), and a bad stretch
 * running into the window's first day, or into the baseline's first day, followed back through the older days read.
 * Quiet days (no rows as usual) neither end a stretch nor count in it.
 */
export function badBeforeWindow(read: DaysRead): BadBefore {
  const found = new Map<string, DayBefore>();
  const add = (day: string, verdict: DayBefore['verdict']) => found.set(day, { day, count: read.count(day), verdict });
  for (let ms = dayMsOf(read.baselineFrom); ms < dayMsOf(read.windowFrom); ms += dayMs) {
    const verdict = read.judge(isoDay(ms));
    if (isBad(verdict)) add(isoDay(ms), verdict);
  }
  /** Back from `day` while each day is bad; true when it ran past the first day read. */
  const walkBack = (day: string): boolean => {
    let ran = false;
    for (let ms = dayMsOf(day); ms >= dayMsOf(read.readFrom); ms -= dayMs) {
      const verdict = read.judge(isoDay(ms));
      if (verdict === 'quiet') continue;
      if (!isBad(verdict)) return false;
      add(isoDay(ms), verdict);
      ran = true;
    }
    return ran && read.firstDay !== '' && read.firstDay < read.readFrom;
  };
  const intoWindow = read.windowStartsBad && isBad(read.judge(dayBefore(read.windowFrom)));
  const earlier = intoWindow ? walkBack(dayBefore(read.windowFrom)) : found.has(read.baselineFrom) && walkBack(dayBefore(read.baselineFrom));
  const days = [...found.values()].sort((a, b) => a.day.localeCompare(b.day));
  return { days, intoWindow, earlier };
}

/** "low: 200, 200, 200 rows"; over four days, "zero and low: 0 to 200 rows a day"; "zero: no rows". */
function countsSaid(days: readonly DayBefore[]): string {
  const kinds = [...new Set(days.map((d) => d.verdict))].join(', ').replace(/, (\w+)$/, ' and $1');
  const counts = days.map((d) => d.count);
  const [least, most] = [Math.min(...counts), Math.max(...counts)];
  if (most === 0) return `${kinds}: no rows`;
  if (days.length <= 4) return `${kinds}: ${counts.join(', ')} ${most === 1 && days.length === 1 ? 'row' : 'rows'}`;
  return `${kinds}: ${least === most ? least : `${least} to ${most}`} ${most === 1 ? 'row' : 'rows'} a day`;
}

/**
 * One table's in words, '' when it has none: "2026-10-31 … 2026-11-02, before the window, look wrong in
 * raw_ebird.observations too, judged as its days are (low: 200, 200, 200 rows against a median of 1944/day): running
 * into the window's first day, the bad stretch began before the window".
 */
export function badBeforeSaid(table: string, bad: BadBefore, median: number): string {
  if (bad.days.length === 0) return '';
  const first = bad.days[0]?.day as string;
  const look = bad.days.length === 1 ? 'looks' : 'look';
  const stretch = bad.intoWindow ? `: running into the window's first day, the bad stretch began before the window, on ${first}${bad.earlier ? ' or earlier (the first day read)' : ''}` : bad.earlier ? `: they run back to ${first}, the first day read, and may begin earlier` : '';
  return `${dayRanges(bad.days.map((d) => d.day))}, before the window, ${look} wrong in ${table} too, judged as its days are (${countsSaid(bad.days)} against a median of ${median}/day)${stretch}`;
}
