// Days just outside a window whose rows repeat keys, next to a window's edge day that does: a load run twice ran on past the edge (UTC midnight).
import { diagnoseTakingIn, type DiagnoseAgain } from './diagnose-again.js';
import { dayAfter, dayBefore } from './iso-days.js';

/** A day outside the window, its rows and how many repeat a key of the day. */
export interface RepeatsOn {
  day: string;
  count: number;
  repeated: number;
}

/**
 * From each edge of the window whose day repeats keys, the days beyond it that repeat keys too, one after another,
 * within the days read (`readFrom` … `readTo`): a double load's rows run as far as its hours do, and a source working in
 * local time puts some of them past UTC midnight. Each day asked alone, so a window whose edges repeat nothing costs none.
 */
export async function repeatsAround(
  window: { from: string; to: string; readFrom: string; readTo: string },
  edgeRepeats: { first: boolean; last: boolean },
  repeatsOn: (day: string) => Promise<RepeatsOn>,
): Promise<RepeatsOn[]> {
  const found: RepeatsOn[] = [];
  const walk = async (start: string, next: (day: string) => string, within: (day: string) => boolean) => {
    for (let day = start; within(day); day = next(day)) {
      const on = await repeatsOn(day);
      if (on.repeated === 0) return;
      found.push(on);
    }
  };
  if (edgeRepeats.first) await walk(dayBefore(window.from), dayBefore, (day) => day >= window.readFrom);
  if (edgeRepeats.last) await walk(dayAfter(window.to), dayAfter, (day) => day <= window.readTo);
  return found.sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * "raw_ebird.observations also repeats keys on 2026-04-21 (125 of its 1125 rows repeat a key of the day), just after the
 * window: …; diagnose a window that takes them in: `…`". The window proposed stays the one typed: the operator widens it.
 */
export function repeatsAroundSaid(here: { table: string; from: string; to: string }, around: readonly RepeatsOn[], about: string, again?: DiagnoseAgain): string {
  if (around.length === 0) return '';
  const before = around.some((d) => d.day < here.from);
  const after = around.some((d) => d.day > here.to);
  const where = before && after ? 'just before and just after the window' : before ? 'just before the window' : 'just after the window';
  const days = around.map((d) => `${d.day} (${about}${d.repeated} of its ${d.count} rows ${d.repeated === 1 ? 'repeats' : 'repeat'} a key of the day)`).join(', ');
  const [first, last] = [around[0]!.day < here.from ? around[0]!.day : here.from, around.at(-1)!.day > here.to ? around.at(-1)!.day : here.to];
  return (
    `${here.table} also repeats keys on ${days}, ${where}: the load that ran twice ran on past the window's edge (UTC midnight), and a recovery of the window leaves those repeats; ` +
    diagnoseTakingIn(again, first, last, [around.map((d) => d.day)])
  );
}
