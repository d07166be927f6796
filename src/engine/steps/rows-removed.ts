// Days a table has no rows on while the table built from it has some: the rows were there and were removed.
import { dayRanges } from './bad-days-compared.js';
import { plural, type DayCount } from './day-counts-step.js';

/**
 * The built table's counts on the days of `days` (this table's) it has rows on and this one has none. An empty day
 * judged as usual is not one (a quiet weekday, whatever the built table holds: a calendar of every day, say), nor is
 * today, still loading and never judged; an outage empties both tables. A day before this table's first row is one:
 * the built table's rows on it were built from rows this table had (rows deleted from the start of its history).
 */
export function removedDays(days: readonly DayCount[], built: readonly DayCount[]): DayCount[] {
  const emptyHere = new Set(days.filter((d) => d.verdict === 'zero' || d.verdict === 'before-first-row').map((d) => d.day));
  return built.filter((d) => emptyHere.has(d.day) && d.count > 0);
}

/**
 * The finding in words: for a window with no rows here at all, that window; else the days without rows, named among
 * the window's days that have some (days deleted from a load, not a window the source never had).
 */
export function removedSaid(here: { table: string; from: string; to: string; judgedDays: number; windowEmpty: boolean }, builtTable: string, removed: readonly DayCount[]): string {
  const rows = plural(removed.reduce((sum, d) => sum + d.count, 0), 'row', 'rows');
  const days = dayRanges(removed.map((d) => d.day));
  const wereRemoved = `the rows ${here.table} had on ${removed.length === 1 ? 'it' : 'them'} were removed`;
  if (here.windowEmpty) return `no rows in ${here.table} for ${here.from} … ${here.to}; yet ${builtTable}, built from it, has ${rows} on ${plural(removed.length, 'day', 'days')} of the window (${days}): ${wereRemoved}`;
  return `no rows in ${here.table} on ${removed.length} of the ${here.judgedDays} days of ${here.from} … ${here.to} (${days}), while other days of the window have rows; yet ${builtTable}, built from it, has ${rows} on ${removed.length === 1 ? 'that day' : 'those days'}: ${wereRemoved}`;
}
