// The bot's Web API retry policy (webApiPolicy in src/slack/app.ts) on a real client against a loopback Slack: a post
// Slack may have carried out (no answer) is sent once, never again by the client; an update, a 5xx and a 429 are retried.
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webApiPolicy } from '../../src/slack/app.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const slack = new SlackStandIn();
beforeAll(async () => {
  await slack.start();
  // The first call starts the thread fetch runs on: started, a timeout counts from the request's going out.
  await client().auth.test();
});
afterAll(() => slack.stop());
afterEach(() => {
  slack.dropHeld();
  slack.calls.length = 0;
  slack.trouble = [];
});

/** The bot's own policy, its waits made short: the timeout and the pauses between retries. */
function client(): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient('xoxb-test', { ...webApiPolicy, slackApiUrl: slack.apiUrl, timeout: 1_000, retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 } });
}

const callsOf = (method: string) => slack.calls.filter((c) => c.method === method).length;

describe("the Web API client's retries", () => {
  it('sends a message Slack did not answer once: the client does not post it again', async () => {
    slack.trouble = ['silence', 'silence', 'silence', 'silence'];
    const failed = await client().chat.postMessage({ channel: 'C1', text: 'Incident dbx-1' }).catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('slack_webapi_request_error');
    expect(callsOf('chat.postMessage')).toBe(1);
  });

  it('sends it once when the connection breaks after the request went out', async () => {
    slack.trouble = ['silence', 'silence'];
    const posting = client().chat.postMessage({ channel: 'C1', text: 'Incident dbx-2' }).catch((error: unknown) => error);
    await expect.poll(() => callsOf('chat.postMessage')).toBe(1);
    slack.dropHeld();
    expect(((await posting) as { code?: string }).code).toBe('slack_webapi_request_error');
    expect(callsOf('chat.postMessage')).toBe(1);
  });

  it('asks again for an update Slack did not answer (one more update changes nothing), and for a post Slack answered 500 or 429', async () => {
    slack.trouble = ['silence'];
    expect((await client().chat.update({ channel: 'C1', ts: '1.1', text: 'updated' })).ok).toBe(true);
    expect(callsOf('chat.update')).toBe(2);

    slack.trouble = [{ status: 500 }, { status: 429, retryAfter: 0 }];
    expect((await client().chat.postMessage({ channel: 'C1', text: 'after trouble' })).ok).toBe(true);
    expect(callsOf('chat.postMessage')).toBe(3);
  });
});
