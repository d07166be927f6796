// The Dagster webserver giving nothing to judge by, as an outage once it lasts: the daemon watcher's, or the schedules watcher's with that one off.
import { formatDuration } from '../format-duration.js';
import type { Finding, WatcherId } from './finding.js';

/**
 * The webserver gave nothing to judge by (`silent`: no answer at all): an outage only once that lasts downAfterMs,
 * counted from the first check it did not answer (journaled by the service).
 */
export function webserverDown(watcher: WatcherId, downAfterMs: number, now: Date, heldSince: Date | undefined, why: string, silent: boolean): Finding {
  const base = { watcher, scenario: 'schedule' as const };
  const silentMs = Math.max(0, now.getTime() - (heldSince ?? now).getTime());
  if (silentMs >= downAfterMs) {
    // An HTML login page or an error payload is an answer, just not one to judge the daemons by: said as such.
    const what = silent ? 'has not answered' : 'has not given a usable answer';
    const summary = silentMs > 0 ? `The Dagster webserver ${what} for ${formatDuration(silentMs)}` : `The Dagster webserver ${silent ? 'does not answer' : 'gives no usable answer'}`;
    return { ...base, state: 'problem', summary, details: [why], lasting: true, problem: 'the webserver does not answer' };
  }
  const what = silent ? 'did not answer' : 'gave no usable answer';
  // Its first such check has no span to tell yet: "0 ms so far" would read as a measurement.
  const span = silentMs > 0 ? `${formatDuration(silentMs)} so far` : 'first time';
  return { ...base, state: 'unknown', summary: `The Dagster webserver ${what} (${span}): ${why}`, details: [why], lasting: true };
}
