// A window of days cut for a command that takes at most so many days at a time: its first part, the oldest days first, and the rest.
import { dayMs, dayMsOf, isoDay } from './iso-days.js';

export interface FirstPart {
  /** The first part: the window's first maxDays days, or the whole window when it is no longer. */
  from: string;
  to: string;
  /** How many days the whole window has. */
  days: number;
  /** The days after the first part; undefined when the first part is the whole window. */
  rest?: { from: string; to: string };
}

/**
 * from … to (YYYY-MM-DD, inclusive) cut after its first maxDays days: oldest first, as a backfill is done, so each part
 * starts where the one before ended and the marts' newest day moves forwards. Cut again, the rest gives the next part.
 */
export function firstPart(from: string, to: string, maxDays: number): FirstPart {
  const days = Math.round((dayMsOf(to) - dayMsOf(from)) / dayMs) + 1;
  if (days <= maxDays) return { from, to, days };
  const firstEnd = isoDay(dayMsOf(from) + (maxDays - 1) * dayMs);
  return { from, to: firstEnd, days, rest: { from: isoDay(dayMsOf(firstEnd) + dayMs), to } };
}
