// One watcher's outage state and the rule that makes one alert per outage, reminders, one recovery message, and one alert for a condition that flaps.
import type { Began } from './finding.js';

export interface AlertRef {
  channel: string;
  ts: string;
}

export interface OutageState {
  /** When the outage began (the first check that found the problem); for one that flapped, its first time: the whole span. */
  since: string;
  /** When the condition itself began, as the check told at the alert (journaled with it); undefined when it cannot tell. */
  began?: Began;
  summary: string;
  /** When the alert, or the latest message in its thread that counts as a reminder (a reminder, a change, a return said), was posted. */
  lastPostedAt: string;
  /** The alert message, so reminders and the recovery go into its thread; undefined while it was never posted (whyNotPosted). */
  ref?: AlertRef;
  /** What was wrong when it was last posted (Finding.problem). */
  problem?: string;
  /** The worst severity (Finding.severity) its alert or its thread has said. */
  worst?: number;
  /** Its alert or its thread has said it at the top level (Finding.critical): crossing into it again is not sent to the channel again. */
  critical?: boolean;
  /** When its thread last said what is wrong changed: at most once per reminder interval, so a flapping cause is no flood. */
  changedAt?: string;
  /** How often it came back within the flap window after a recovery: 0 (or absent) for one that has not flapped. */
  returns?: number;
  /**
   * Its thread's latest word says it is wrong (a return said, or a reminder or a change since): its next end is said in
   * the thread too, so a flapping outage's thread never ends on "Back again". False once an end or a quiet return follows.
   */
  lastSaidWrong?: boolean;
  /** When it last came back: its flapping is "bad 3 times in" the time from `since` to this. */
  returnedAt?: string;
  /** Set while it is healthy again: when it recovered. Kept for the flap window, so that a return reopens the same alert. */
  endedAt?: string;
  /** That recovery was not said in the thread (it had flapped): it is said once it has held for the flap window. */
  endUnsaid?: boolean;
  /** That recovery was what was wrong being left off on purpose (a schedule marked databox/paused:), in its words: said as that once it has held. */
  endLeftOff?: string[];
  /** Why its latest message (a reminder, a change, its end) could not be posted, Slack refusing it for good (its channel archived): not sent again. */
  undelivered?: string;
  /**
   * What is wrong is a lasting condition (the webserver not answering; journaled with its alert, change or return): an
   * answer among failures does not end it, only the condition's count ending (watch.cleared) does.
   */
  lasting?: boolean;
  /** Someone said it is so on purpose (a schedule paused for a migration): no reminder until `until`. */
  silenced?: Silence;
}

/** Who silenced an outage's reminders, why, and until when (ISO times). */
export interface Silence {
  by: string;
  reason: string;
  until: string;
  at: string;
}

/** Its reminders silenced at `now`: someone said it is on purpose, until a time not yet come. */
export function silencedAt(outage: OutageState, now: Date): Silence | undefined {
  return outage.silenced && Date.parse(outage.silenced.until) > now.getTime() ? outage.silenced : undefined;
}

/** Why an outage's alert was not posted when the bot has nowhere to post it. */
export const noAlertChannel = 'DATABOX_ALERT_CHANNEL is not set';

/**
 * Why the outage's alert was never posted, read from its missing message: a sink gives no message only when no alert
 * channel is set (it throws on anything else, and the next check tries again). Undefined once posted. Such an outage is
 * posted at the first check with a channel set.
 */
export function whyNotPosted(outage: OutageState): string | undefined {
  return outage.ref ? undefined : noAlertChannel;
}

export interface AlertTiming {
  reminderMs: number;
  flapWindowMs: number;
}

export type AlertAction =
  | { kind: 'alert' }
  | { kind: 'reminder'; outage: OutageState }
  /** `worse`: worse than the outage has been said to be; `crossed`: into its watcher's top level (Finding.critical) for the first time this outage. */
  | { kind: 'changed'; outage: OutageState; worse: boolean; crossed: boolean }
  /** `said`: its thread says so now; otherwise (it flapped, and its thread last said it ended) only the alert says it ended, until the end has held. */
  | { kind: 'recovered'; outage: OutageState; durationMs: number; said: boolean }
  /** Back within the flap window: the same alert reopened; `said`: its thread says so too. */
  | { kind: 'returned'; outage: OutageState; said: boolean }
  /** A flapping outage's recovery, not said yet, has held for the flap window: said now, and the outage is over. */
  | { kind: 'settled'; outage: OutageState; heldMs: number }
  | { kind: 'none' };

/**
 * How long after a recovery a return is the same outage flapping: a span of time, not a count of checks, so a daemon
 * down 5 min every 30 min is one flapping alert rather than an alert each time: the reminder interval (a return later
 * than a reminder would have come is news again, and a flapping outage's end, said once it has held this long, is never
 * later than a reminder would have been), and at least an hour. Its returns are said in the channel too (no more often
 * than the reminders), so a slow flap reopening the alert is never news nobody sees.
 */
export function flapWindowMs(reminderMs: number): number {
  return Math.max(reminderMs, 60 * 60_000);
}

/** Decides what to post for a finding, given the outage in progress or just ended (if any): never once per poll. */
export function decideAlert(
  outage: OutageState | undefined,
  state: 'healthy' | 'problem' | 'unknown',
  now: Date,
  timing: AlertTiming,
  problem?: string,
  severity?: number,
  critical?: boolean,
): AlertAction {
  if (state === 'unknown') return { kind: 'none' };
  const due = (at: string) => now.getTime() - Date.parse(at) >= timing.reminderMs;
  if (outage?.endedAt) {
    // Its end was refused for good (the channel archived): reopening its alert there would be refused too, and nobody
    // told, so whatever comes back is a new outage with its own start.
    if (outage.undelivered) return state === 'problem' ? { kind: 'alert' } : { kind: 'none' };
    const heldMs = now.getTime() - Date.parse(outage.endedAt);
    if (heldMs < timing.flapWindowMs) {
      // Back within the window: its first return is said (the thread's last word was "back to healthy"), later ones no
      // more often than the reminders; the alert itself shows each.
      return state === 'problem' ? { kind: 'returned', outage, said: !outage.returns || due(outage.lastPostedAt) } : { kind: 'none' };
    }
    if (state === 'healthy') return outage.endUnsaid ? { kind: 'settled', outage, heldMs } : { kind: 'none' };
    // Back after the window: a new outage, with its own alert.
    return { kind: 'alert' };
  }
  if (state === 'problem') {
    if (!outage) return { kind: 'alert' };
    // The same outage, but something else is wrong now (the webserver answers again and says the daemon is stopped):
    // said once, then no more often than the reminders, whatever it flips between meanwhile; but worse than it has
    // been said to be (a disk from nearly full to out of space) at once. Crossing into the top level is judged on its
    // own: severity adds up the volumes, so two full volumes (2+2) outrank one out of space (3), which is still news.
    const crossed = critical === true && !outage.critical;
    const worse = crossed || (severity !== undefined && severity > (outage.worst ?? 0));
    if (problem !== undefined && outage.problem !== undefined && problem !== outage.problem && (worse || !outage.changedAt || due(outage.changedAt))) return { kind: 'changed', outage, worse, crossed };
    // Silenced on purpose until a time (a schedule paused for a migration): no reminder till then; after it, one at once.
    if (silencedAt(outage, now)) return { kind: 'none' };
    return due(outage.lastPostedAt) ? { kind: 'reminder', outage } : { kind: 'none' };
  }
  // An outage that flapped ends quietly (its alert says so), said once it has held, so a flap is not a message each time;
  // but not after its thread last said it is wrong ("Back again", a reminder): that end is said, as often as those are.
  return outage ? { kind: 'recovered', outage, durationMs: Math.max(0, now.getTime() - Date.parse(outage.since)), said: !outage.returns || outage.lastSaidWrong === true } : { kind: 'none' };
}
