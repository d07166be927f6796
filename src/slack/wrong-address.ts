// The start's question to Slack (auth.test) answered by something that is not Slack's Web API: said at once, not retried.
import type { FetchFunction, RetryOptions } from '@slack/web-api';

/**
 * What answered auth.test, where Slack's Web API answers 200 with JSON (its errors too) and only 429 and 5xx otherwise:
 * a 404 (SLACK_API_URL without /api/, a proxy answering for the address), a 401 or 403 (a proxy refusing), a 200 page.
 * Asking again gets the same answer, so it is not asked again; a 429, a 5xx and a network error may pass, and are.
 */
export class NotSlacksAnswer extends Error {
  override readonly name = 'NotSlacksAnswer';
}

const authTest = /\/auth\.test$/;

/** Slack's own answers that may pass: busy (429, waited out by the client for its Retry-After) or failing for a moment (5xx). */
const mayPass = (status: number) => status === 429 || status >= 500;

/** fetch, failing auth.test at once with NotSlacksAnswer when what answered it is not Slack's Web API. */
export function refusingWrongAddress(fetch: FetchFunction): FetchFunction {
  return async (url, init) => {
    const response = await fetch(url, init);
    const asked = String(url).split('?')[0] as string;
    if (!authTest.test(asked) || mayPass(response.status)) return response;
    const type = response.headers.get('content-type') ?? 'no content type';
    const answer = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status !== 200) throw new NotSlacksAnswer(`${asked} answered ${answer} (${type}), where Slack's Web API answers 200`);
    if (!/^application\/json\b/i.test(type)) throw new NotSlacksAnswer(`${asked} answered ${answer} with ${type}, not the JSON Slack's Web API answers with`);
    return response;
  };
}

/** The NotSlacksAnswer the client's error wraps (as `original`), if that is what failed. */
export function notSlacksAnswer(error: unknown): NotSlacksAnswer | undefined {
  const original = (error as { original?: unknown } | null)?.original;
  return original instanceof NotSlacksAnswer ? original : undefined;
}

/** A retry policy that ends its retries at a NotSlacksAnswer; the policy's own onFailedAttempt, if any, is called after. */
export function withoutRetriesOfWrongAddress(policy: RetryOptions): RetryOptions {
  const after = (policy as { onFailedAttempt?: (error: unknown) => void }).onFailedAttempt;
  const onFailedAttempt = (error: unknown) => {
    if (notSlacksAnswer(error)) throw error;
    after?.(error);
  };
  return { ...policy, onFailedAttempt } as RetryOptions;
}
