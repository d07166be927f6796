// Scenario 4's missed window reaching back to the marts' own last day built, where the marts end before the schedules' last success.
import { dayAfter, dayBefore } from '../engine/steps/iso-days.js';

export interface WindowFromMarts {
  window: { from: string; to: string };
  /** Why it starts before the schedules' own window (said in the verdict); empty when the schedules' start stands. */
  why: string;
}

/**
 * The schedules' window, started on the day after the marts' last day built when that is earlier: runs that "succeeded"
 * and wrote nothing, or marts rebuilt from older data, leave the days between unbuilt whatever the schedules say, and a
 * backfill from the schedules' start would leave them so. Never later than the schedules' start (a day already built
 * backfilled again is harmless: the runbook calls the backfill additive and idempotent).
 */
export function windowFromMarts(window: { from: string; to: string }, builtThrough: string, lastSuccess: string | null): WindowFromMarts {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(builtThrough)) return { window, why: '' };
  const from = dayAfter(builtThrough);
  if (from >= window.from) return { window, why: '' };
  const success = `the schedules' last success${lastSuccess ? ` (${lastSuccess.slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
  return {
    window: { from, to: window.to },
    why: `from the day after the marts' last day built (${builtThrough}), not from ${success}: not every mart has a day after it, so a backfill from ${window.from} would leave ${from} … ${dayBefore(window.from)} empty`,
  };
}

/**
 * With no window from the schedules (each one's last success today's), the days the marts lack all the same: from the
 * day after their last day built to `lastDay`, the last day over wherever the schedules run; null when they lack none
 * that is over. Ticks that succeeded and wrote nothing leave those days unbuilt: "no day missed" would backfill none.
 */
export function windowFromMartsAlone(builtThrough: string, lastDay: string, lastSuccess: string | null): WindowFromMarts | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(builtThrough)) return null;
  const from = dayAfter(builtThrough);
  if (from > lastDay) return null;
  const success = `the schedules' last success${lastSuccess ? ` (${lastSuccess.slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
  return {
    window: { from, to: lastDay },
    why: `from the day after the marts' last day built (${builtThrough}): ${success} is today's, but not every mart has a day after ${builtThrough}, so ${from} … ${lastDay} are missed whatever the ticks say`,
  };
}
