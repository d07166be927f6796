// The harness's count of Web API calls on their way: a call is counted from the moment it is made, not from its fetch.
import { LogLevel, WebClient, type FetchFunction } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { CallsInFlight } from '../helpers/calls-in-flight.js';

describe('CallsInFlight', () => {
  it('waits for a call that is waiting out a rate limit between its fetches, not only for one whose fetch is on its way', async () => {
    const calls = new CallsInFlight();
    // Slack says "too many", try again at once: WebClient pauses its queue and waits before the call ends.
    const rateLimited: FetchFunction = async () => new Response('{"ok":false,"error":"ratelimited"}', { status: 429, headers: { 'retry-after': '0' } });
    const client = new WebClient('xoxb-1-2-abc', { fetch: rateLimited, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    calls.watch(client);
    let settled = false;
    void client.chat.postMessage({ channel: 'C0TEAM', text: 'hello' }).then(
      () => (settled = true),
      () => (settled = true),
    );
    await calls.idle();
    expect(settled).toBe(true);
  });
});
