// The Web API client's retries of the questions a click or a command waits on (who someone is, which user groups have
// them): one Slack left unanswered for the client's whole timeout is not asked again, so the person is told in one
// timeout, not four. Quick failures (a 5xx, a refused connection, a 429) are retried as any call is.
import type { RetryOptions } from '@slack/web-api';
import { failedCallsOf } from './failed-calls.js';
import { unansweredInTime } from './slack-trouble.js';

/** The calls a person's click or command waits on before anything is decided (access.ts). */
const whoIsCalls = failedCallsOf(/\/(users\.info|usergroups\.users\.list)$/);

/** fetch, noting which of its failures were of a question of who someone is. */
export const notingFailedWhoIs = whoIsCalls.noting;

/**
 * The client's onFailedAttempt (see blind-reposts.ts, which calls it after its own): throwing ends the retries. After
 * the client's whole timeout without an answer, a second wait as long would come past the click's own limit
 * (DATABOX_APPROVAL_CLICK_MAX_AGE, 60 s by default), when the click is refused as late anyway.
 */
function stopAskingUnanswered(error: unknown): void {
  if (whoIsCalls.has(error) && unansweredInTime(error)) throw error;
}

/** A retry policy that does not ask again who someone is after Slack left the question unanswered. */
export function withoutSecondWaits(policy: RetryOptions): RetryOptions {
  return { ...policy, onFailedAttempt: stopAskingUnanswered } as RetryOptions;
}
