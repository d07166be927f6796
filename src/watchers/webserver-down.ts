// The Dagster webserver giving nothing to judge by, as an outage once it lasts: the daemon watcher's, or the schedules watcher's with that one off.
import { formatDuration } from '../format-duration.js';
import type { Finding, LastingTally, WatcherId } from './finding.js';
import { answersInARowToEnd } from './answers-to-end.js';

/**
 * The webserver gave nothing to judge by (`silent`: no answer at all): an outage once that has lasted downAfterMs,
 * counted from the first check it did not answer (journaled by the service), while it fails at least half of the checks
 * over that span (`tally`, this one added): a webserver answering between failures is failing intermittently, not well,
 * also one failing exactly half of its checks (two answers, two failures, over and over).
 */
export function webserverDown(watcher: WatcherId, downAfterMs: number, now: Date, heldSince: Date | undefined, why: string, silent: boolean, tally?: LastingTally): Finding {
  const base = { watcher, scenario: 'schedule' as const };
  const silentMs = Math.max(0, now.getTime() - (heldSince ?? now).getTime());
  const failed = (tally?.failed ?? 0) + 1;
  const checks = (tally?.checks ?? 0) + 1;
  const mostly = failed * 2 >= checks;
  if (silentMs >= downAfterMs && mostly) {
    const problem = 'the webserver does not answer';
    if (failed < checks) {
      const what = silent ? 'did not answer' : 'gave no usable answer';
      const how = failed * 2 > checks ? 'most checks' : 'half of its checks';
      const summary = `The Dagster webserver ${what} at ${failed} of its last ${checks} checks (over ${formatDuration(downAfterMs)}): intermittent, failing ${how} for ${formatDuration(silentMs)}`;
      const between = `It answered ${checks - failed} of them: answers between failures do not end the outage; it ends once the webserver answers ${answersInARowToEnd} checks in a row.`;
      return { ...base, state: 'problem', summary, details: [why, between], lasting: true, problem };
    }
    // An HTML login page or an error payload is an answer, just not one to judge the daemons by: said as such.
    const what = silent ? 'has not answered' : 'has not given a usable answer';
    const summary = silentMs > 0 ? `The Dagster webserver ${what} for ${formatDuration(silentMs)}` : `The Dagster webserver ${silent ? 'does not answer' : 'gives no usable answer'}`;
    return { ...base, state: 'problem', summary, details: [why], lasting: true, problem };
  }
  const what = silent ? 'did not answer' : 'gave no usable answer';
  // Its first such check has no span to tell yet: "0 ms so far" would read as a measurement.
  const span = silentMs > 0 ? `${formatDuration(silentMs)} so far` : 'first time';
  const share = failed < checks ? `${failed} of its last ${checks} checks, ` : '';
  return { ...base, state: 'unknown', summary: `The Dagster webserver ${what} (${share}${span}): ${why}`, details: [why], lasting: true };
}
