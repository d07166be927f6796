// One watcher's outage state and the rule that makes one alert per outage, reminders, and one recovery message.
export interface AlertRef {
  channel: string;
  ts: string;
}

export interface OutageState {
  /** When the outage began (the first check that found the problem). */
  since: string;
  summary: string;
  /** When the alert, or the latest reminder, was posted. */
  lastPostedAt: string;
  /** The alert message, so reminders and the recovery go into its thread; undefined when no channel was set. */
  ref?: AlertRef;
  /** What was wrong when it was last posted (Finding.problem). */
  problem?: string;
  /** When its thread last said what is wrong changed: at most once per reminder interval, so a flapping cause is no flood. */
  changedAt?: string;
}

export type AlertAction =
  | { kind: 'alert' }
  | { kind: 'reminder'; outage: OutageState }
  | { kind: 'changed'; outage: OutageState }
  | { kind: 'recovered'; outage: OutageState; durationMs: number }
  | { kind: 'none' };

/** Decides what to post for a finding, given the outage in progress (if any): never once per poll. */
export function decideAlert(
  outage: OutageState | undefined,
  state: 'healthy' | 'problem' | 'unknown',
  now: Date,
  reminderMs: number,
  problem?: string,
): AlertAction {
  if (state === 'unknown') return { kind: 'none' };
  if (state === 'problem') {
    if (!outage) return { kind: 'alert' };
    const due = (at: string) => now.getTime() - Date.parse(at) >= reminderMs;
    // The same outage, but something else is wrong now (the webserver answers again and says the daemon is stopped):
    // said once, then no more often than the reminders, whatever it flips between meanwhile.
    if (problem !== undefined && outage.problem !== undefined && problem !== outage.problem && (!outage.changedAt || due(outage.changedAt))) return { kind: 'changed', outage };
    return due(outage.lastPostedAt) ? { kind: 'reminder', outage } : { kind: 'none' };
  }
  return outage ? { kind: 'recovered', outage, durationMs: Math.max(0, now.getTime() - Date.parse(outage.since)) } : { kind: 'none' };
}
