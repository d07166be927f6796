// The Web API client's retries of the questions a click or a command waits on (who someone is, which user groups have
// them): one Slack left unanswered for the client's whole timeout is not asked again, so the person is told in one
// timeout, not four. Quick failures (a 5xx, a refused connection, a 429) are retried as any call is.
import type { FetchFunction, RetryOptions } from '@slack/web-api';
import { unansweredInTime } from './slack-trouble.js';

/** The calls a person's click or command waits on before anything is decided (access.ts). */
const whoIsMethod = /\/(users\.info|usergroups\.users\.list)$/;

/** The errors fetch threw for such a call (the client wraps them, keeping each as the wrapper's `original`). */
const failedWhoIs = new WeakSet<object>();

/** fetch, noting which of its failures were of a question of who someone is. */
export function notingFailedWhoIs(fetch: FetchFunction): FetchFunction {
  return async (url, init) => {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (whoIsMethod.test(String(url).split('?')[0] as string) && typeof error === 'object' && error !== null) failedWhoIs.add(error);
      throw error;
    }
  };
}

/**
 * The client's onFailedAttempt (see blind-reposts.ts, which calls it after its own): throwing ends the retries. After
 * the client's whole timeout without an answer, a second wait as long would come past the click's own limit
 * (DATABOX_APPROVAL_CLICK_MAX_AGE, 60 s by default), when the click is refused as late anyway.
 */
function stopAskingUnanswered(error: unknown): void {
  const original = (error as { original?: unknown }).original;
  if (typeof original === 'object' && original !== null && failedWhoIs.has(original) && unansweredInTime(error)) throw error;
}

/** A retry policy that does not ask again who someone is after Slack left the question unanswered. */
export function withoutSecondWaits(policy: RetryOptions): RetryOptions {
  return { ...policy, onFailedAttempt: stopAskingUnanswered } as RetryOptions;
}
