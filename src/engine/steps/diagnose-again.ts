// What to type to diagnose days a window left out: a window that takes them in, or windows of their own over the longest allowed.
import { dayMs, dayMsOf, isoDay } from './iso-days.js';

/** How to diagnose a window again: the command, `from=… to=…` appended, and the most days a window may have. */
export interface DiagnoseAgain {
  command: string;
  maxDays: number;
}

const spanDays = (from: string, to: string) => (dayMsOf(to) - dayMsOf(from)) / dayMs + 1;

/** from … to as windows of at most maxDays each, in order. */
function windowsOf(from: string, to: string, maxDays: number): [string, string][] {
  const windows: [string, string][] = [];
  for (let start = dayMsOf(from); start <= dayMsOf(to); start += maxDays * dayMs) windows.push([isoDay(start), isoDay(Math.min(start + (maxDays - 1) * dayMs, dayMsOf(to)))]);
  return windows;
}

/**
 * "diagnose a window that takes them in: `… from=… to=…`" for the window from … to; over the longest window allowed,
 * each group of days (a side of the window, say) diagnosed on its own instead, in windows of at most that many days.
 */
export function diagnoseTakingIn(again: DiagnoseAgain | undefined, from: string, to: string, groups: readonly (readonly string[])[]): string {
  const typed = (first: string, last: string) => (again ? `\`${again.command} from=${first} to=${last}\`` : `from=${first} to=${last}`);
  if (!again || spanDays(from, to) <= again.maxDays) return `diagnose a window that takes them in: ${typed(from, to)}`;
  const each = groups
    .filter((days) => days.length > 0)
    .flatMap((days) => windowsOf(days[0] as string, days.at(-1) as string, again.maxDays))
    .map(([first, last]) => typed(first, last))
    .join(', then ');
  return `a window that takes them in (${from} … ${to}) is over ${again.maxDays} days: diagnose them on their own, ${each}`;
}
