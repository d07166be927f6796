// The Web API client's own retries, minus the blind ones: a post Slack may have carried out (it did not answer, or the
// connection broke after the request went out) is not sent again by the client, which cannot tell a lost answer from
// a lost request. The outbox and the incident's first post decide what to do then, knowing what a second copy means.
import type { RetryOptions } from '@slack/web-api';
import { failedCallsOf } from './failed-calls.js';
import { mayHaveBeenCarriedOut } from './slack-trouble.js';

/**
 * Calls that leave something new in a channel each time they are carried out: a message, an upload shared. Not an
 * ephemeral note: a second copy is seen by one person for a moment, and a lost one (a refusal of their click) matters more.
 */
const postingCalls = failedCallsOf(/\/(chat\.postMessage|files\.completeUploadExternal)$/);

/** fetch, noting which of its failures were of a posting call. */
export const notingFailedPosts = postingCalls.noting;

/**
 * The client's onFailedAttempt: throwing ends its retries with this error. A posting call that failed in a way Slack
 * may have carried out ends here; a 429, a 5xx and a refused connection, none of which Slack took, are retried.
 */
function stopBlindReposts(error: unknown): void {
  if (notSentAgain(error)) throw error;
}

/** Whether a failed call was a post this policy does not send again: one Slack may have carried out. */
export function notSentAgain(error: unknown): boolean {
  return postingCalls.has(error) && mayHaveBeenCarriedOut(error);
}

/**
 * A retry policy that never re-sends a post blindly; the policy's own onFailedAttempt, if any, is called after. The
 * client hands its retryConfig to p-retry as it is, which calls onFailedAttempt after each failed attempt, though the
 * client's type (the retry package's options) does not list it: blind-reposts.test.ts holds the client to it.
 */
export function withoutBlindReposts(policy: RetryOptions): RetryOptions {
  const after = (policy as { onFailedAttempt?: (error: unknown) => void }).onFailedAttempt;
  const onFailedAttempt = (error: unknown) => {
    stopBlindReposts(error);
    after?.(error);
  };
  return { ...policy, onFailedAttempt } as RetryOptions;
}
