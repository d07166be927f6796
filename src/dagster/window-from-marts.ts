// Scenario 4's missed window reaching back to the marts' own last day built, where the marts end before the schedules' last success.
import { dayAfter, dayBefore } from '../engine/steps/iso-days.js';
import type { DueTick, LastDailyTick } from './evidence.js';

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
 * With no window from the schedules (none paused or behind has missed a day), the days the marts lack all the same:
 * from the day after their last day built to the last day due, null when they lack none. The last day due is the last
 * day over wherever the schedules run (`lastDayEnded`), but no later than the day the RUNNING daily schedules' oldest
 * last success built (`lastDailyTick`, its day where it runs, less one): a daily tick on day D builds D − 1, so before
 * today's tick (midnight to the cron's time there), yesterday is still to be built by it, and a mart ending the day
 * before is as it should be; a backfill of yesterday would race that tick. A weekly or monthly schedule's success, days
 * old, would end the window early: it is not counted. Ticks that succeeded and wrote nothing leave the days due unbuilt:
 * "no day missed" would backfill none.
 */
export function windowFromMartsAlone(builtThrough: string, lastDayEnded: string, lastDailyTick: LastDailyTick | null): WindowFromMarts | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(builtThrough)) return null;
  const lastDay = lastDailyTick && lastDailyTick.built < lastDayEnded ? lastDailyTick.built : lastDayEnded;
  const from = dayAfter(builtThrough);
  if (from > lastDay) return null;
  if (!lastDailyTick) return { window: { from, to: lastDay }, why: `from the day after the marts' last day built (${builtThrough}): not every mart has a day after it, so ${from} … ${lastDay} are missed whatever the ticks say` };
  const success = `the daily schedules' last success (${lastDailyTick.at.slice(0, 16).replace('T', ' ')} UTC)`;
  // Said as it is: today's, or an earlier day's whose tick built the day before it, the next tick building the rest.
  const when = lastDailyTick.today ? 'is today\'s' : `built ${lastDay}, its next tick building ${dayAfter(lastDay)}`;
  return {
    window: { from, to: lastDay },
    why: `from the day after the marts' last day built (${builtThrough}): ${success} ${when}, but not every mart has a day after ${builtThrough}, so ${from} … ${lastDay} are missed whatever the ticks say`,
  };
}

/**
 * With a daily schedule never ticked taken as the cause (`neverTicked`, its names), no tick says where the missed days
 * start: the marts do, from the day after their last day built (`builtThrough`, read-only by the diagnosis) to the last
 * day over wherever the schedules run, less the day the first tick due builds (`dueTick`: before today's, yesterday,
 * which that tick builds once the schedule is started by then; the plan holds until it); null when the marts' last
 * day is not known, or they lack no such day. Said as the marts' proposal, which from= and to= typed override.
 */
export function windowForNeverTicked(builtThrough: string, lastDayEnded: string, neverTicked: readonly string[], dueTick: DueTick | null): WindowFromMarts | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(builtThrough) || neverTicked.length === 0) return null;
  const from = dayAfter(builtThrough);
  const to = lastDayDue(lastDayEnded, dueTick);
  if (from > to) return null;
  const which = neverTickedSaid(neverTicked);
  const leftToTick = dueTick && to < lastDayEnded ? ` (${dueTick.builds} is left to schedule ${dueTick.schedule}'s next tick, which builds it)` : '';
  return {
    window: { from, to },
    why: `proposed from the marts: the day after their last day built (${builtThrough}) to ${to}${leftToTick}, as ${which} never ticked, so no tick says where the missed days start; give from= and to= to backfill another window`,
  };
}

/** The last day a never-ticked schedule's missed days may reach: the last day over, less the day the first tick due builds. */
function lastDayDue(lastDayEnded: string, dueTick: DueTick | null): string {
  return dueTick && dueTick.builds <= lastDayEnded ? dayBefore(dueTick.builds) : lastDayEnded;
}

function neverTickedSaid(neverTicked: readonly string[]): string {
  return neverTicked.length === 1 ? `schedule ${neverTicked[0]} has` : `schedules ${neverTicked.join(', ')} have`;
}

/**
 * With a daily schedule never ticked taken as the cause, the marts lacking no day due (their last day built is the last
 * day windowForNeverTicked would end at, or later): nothing to backfill, said with why, rather than an unknown window
 * that asks for from= and to=; null where the marts' last day is not known, or a day is missing.
 */
export function nothingMissedByNeverTicked(builtThrough: string, lastDayEnded: string, neverTicked: readonly string[], dueTick: DueTick | null): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(builtThrough) || neverTicked.length === 0) return null;
  const to = lastDayDue(lastDayEnded, dueTick);
  if (dayAfter(builtThrough) <= to) return null;
  const leftToTick = dueTick && to < lastDayEnded && builtThrough < dueTick.builds ? `, ${dueTick.builds} being left to schedule ${dueTick.schedule}'s next tick, which builds it` : '';
  return `no missed day yet (${neverTickedSaid(neverTicked)} never ticked, but the marts lack no day over: their last day built is ${builtThrough}${leftToTick})`;
}
