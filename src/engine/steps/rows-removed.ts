// Days a table has no rows on while the table built from it has some: the rows were there and were removed.
import { dayRanges } from './bad-days-compared.js';
import { diagnoseTakingIn, type DiagnoseAgain } from './diagnose-again.js';
import { dayMs, dayMsOf, isoDay } from './iso-days.js';
import { plural } from '../../plural.js';
import type { DayCount } from './day-counts-step.js';

/** A day of the built table's, where this table has rows missing: `left` is how many this one has, on a day it has some. */
export type RemovedDay = DayCount & { left?: number; leftVerdict?: string };

/** A built day with its usual rows or more: built from rows this table had, whatever it holds now. */
const asUsual = (d: DayCount) => d.verdict === 'normal' || d.verdict === 'doubled' || d.verdict === 'spike';

/**
 * The built table's counts on the days of `days` (this table's) it has rows on and this one has none, or only part of
 * its usual rows (low or short) while the built one has its usual rows there: built from rows this table had, and has
 * lost since (a load that replaced the day with part of it). An empty day judged as usual is not one (a quiet weekday,
 * whatever the built table holds: a calendar of every day, say), nor is today, still loading and never judged; an
 * outage empties both tables, and a load that failed part-way leaves the built day short too once it is built. A day
 * before this table's first row is one: the built table's rows on it were built from rows this table had (rows
 * deleted from the start of its history).
 */
export function removedDays(days: readonly DayCount[], built: readonly DayCount[]): RemovedDay[] {
  const emptyHere = new Set(days.filter((d) => d.verdict === 'zero' || d.verdict === 'before-first-row').map((d) => d.day));
  const partHere = new Map(days.filter((d) => d.verdict === 'low' || d.verdict === 'short').map((d) => [d.day, d]));
  return built.flatMap((d): RemovedDay[] => {
    if (d.count > 0 && emptyHere.has(d.day)) return [d];
    const part = partHere.get(d.day);
    return part && asUsual(d) ? [{ ...d, left: part.count, leftVerdict: part.verdict }] : [];
  });
}

/**
 * The finding in words: for a window with no rows here at all, that window; else the days without rows, named among
 * the window's days that have some (days deleted from a load, not a window the source never had); and the days with
 * part of their rows only, where the built table has its usual rows.
 */
export function removedSaid(here: { table: string; from: string; to: string; judgedDays: number; windowEmpty: boolean }, builtTable: string, removed: readonly RemovedDay[]): string {
  const emptied = removed.filter((d) => d.left === undefined);
  const partly = removed.filter((d) => d.left !== undefined);
  // A built day at twice its rows or more (doubled, a spike) is no usual day: "or more" says it.
  const usualRows = partly.every((d) => d.verdict === 'normal') ? 'its usual rows' : 'its usual rows or more';
  const rows = plural(emptied.reduce((sum, d) => sum + d.count, 0), 'row', 'rows');
  const days = dayRanges(emptied.map((d) => d.day));
  const wereRemoved = `the rows ${here.table} had on ${emptied.length === 1 ? 'it' : 'them'} were removed`;
  const partSaid =
    partly.length > 0
      ? `${here.table} has only part of its usual rows on ${partly.map((d) => `${d.day} (${plural(d.left ?? 0, 'row', 'rows')}, ${d.leftVerdict})`).join(', ')}, while ${builtTable}, built from it, has ${usualRows} there (${partly.map((d) => `${d.day}: ${plural(d.count, 'row', 'rows')}`).join(', ')}): the rows ${here.table} lacks there were removed`
      : '';
  if (emptied.length === 0) return partSaid;
  const emptySaid = here.windowEmpty
    ? `no rows in ${here.table} for ${here.from} … ${here.to}; yet ${builtTable}, built from it, has ${rows} on ${plural(emptied.length, 'day', 'days')} of the window (${days}): ${wereRemoved}`
    : `no rows in ${here.table} on ${emptied.length} of the ${here.judgedDays} days of ${here.from} … ${here.to} (${days}), while other days of the window have rows; yet ${builtTable}, built from it, has ${rows} on ${emptied.length === 1 ? 'that day' : 'those days'}: ${wereRemoved}`;
  return partSaid ? `${emptySaid}; ${partSaid}` : emptySaid;
}

/**
 * The days read around the window (the baseline before it, the days after it) that this table has no rows on and the
 * built table has: rows removed there too, which a recovery of the window typed would leave. Not a quiet weekday (no
 * rows as usual), nor today (still loading); an outage empties both tables.
 */
export function removedAround(builtOutside: Readonly<Record<string, number>>, countHere: (day: string) => number, usual: (day: string) => boolean, today: string): string[] {
  return Object.entries(builtOutside)
    .filter(([day, count]) => count > 0 && countHere(day) === 0 && !usual(day) && day < today)
    .map(([day]) => day)
    .sort();
}

/** Where days around the window are ("just before the window", …) and what to type to diagnose a window taking them in. */
function aroundWindow(here: { from: string; to: string }, days: readonly string[], again?: DiagnoseAgain): { where: string; diagnose: string } {
  const before = days.filter((day) => day < here.from);
  const after = days.filter((day) => day > here.to);
  const justBefore = before.at(-1) === isoDay(dayMsOf(here.from) - dayMs);
  const justAfter = after[0] === isoDay(dayMsOf(here.to) + dayMs);
  const where =
    before.length > 0 && after.length > 0 ? 'before and after the window' : before.length > 0 ? `${justBefore ? 'just ' : ''}before the window` : `${justAfter ? 'just ' : ''}after the window`;
  const [from, to] = [before[0] ?? here.from, after.at(-1) ?? here.to];
  return { where, diagnose: diagnoseTakingIn(again, from, to, [before, after]) };
}

/**
 * Those days in words, with what to type to diagnose them: a window taking them in with the window diagnosed (which
 * is not widened by itself: the operator typed it), or, over the longest window allowed, each side on its own.
 */
export function removedAroundSaid(here: { table: string; from: string; to: string }, builtTable: string, days: readonly string[], again?: DiagnoseAgain): string {
  const { where, diagnose } = aroundWindow(here, days, again);
  return `${here.table} also has no rows on ${dayRanges(days)}, ${where}, which ${builtTable} has: the rows were removed there too; ${diagnose}`;
}

/** A day read around the window with only part of this table's usual rows, where the built table has its usual rows. */
export interface PartlyRemovedDay {
  day: string;
  left: number;
  leftVerdict: 'low' | 'short';
  built: number;
}

/**
 * The days read around the window (the baseline before it, the days after it) on which this table has only part of its
 * usual rows (`partOnly` judges it: low or short) while the built table has its usual rows (`builtUsual`): rows removed
 * there, as removedDays finds them inside the window. Not today (still loading).
 */
export function partlyRemovedAround(
  builtOutside: Readonly<Record<string, number>>,
  builtUsual: (count: number) => boolean,
  partOnly: (day: string) => { count: number; verdict: 'low' | 'short' } | undefined,
  today: string,
): PartlyRemovedDay[] {
  return Object.entries(builtOutside)
    .flatMap(([day, built]): PartlyRemovedDay[] => {
      const part = day < today && builtUsual(built) ? partOnly(day) : undefined;
      return part ? [{ day, left: part.count, leftVerdict: part.verdict, built }] : [];
    })
    .sort((a, b) => a.day.localeCompare(b.day));
}

/** Those days in words, as removedSaid says them inside the window, with what to type to diagnose them. */
export function partlyRemovedAroundSaid(here: { table: string; from: string; to: string }, builtTable: string, days: readonly PartlyRemovedDay[], again?: DiagnoseAgain): string {
  const { where, diagnose } = aroundWindow(
    here,
    days.map((d) => d.day),
    again,
  );
  return (
    `${here.table} has only part of its usual rows on ${days.map((d) => `${d.day} (${plural(d.left, 'row', 'rows')}, ${d.leftVerdict})`).join(', ')}, ${where}, ` +
    `while ${builtTable}, built from it, has its usual rows there (${days.map((d) => `${d.day}: ${plural(d.built, 'row', 'rows')}`).join(', ')}): the rows were removed there too, and a recovery of the window leaves them so; ${diagnose}`
  );
}
