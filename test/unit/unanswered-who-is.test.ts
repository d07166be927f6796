// The bot's Web API retry policy (webApiPolicy in src/slack/app.ts) on a real client against a loopback Slack: a
// question of who someone is that Slack left unanswered for the whole timeout is asked once; quick failures of it are
// retried, and other calls Slack did not answer are retried as before.
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
  slack.troubled = /^(chat|files)\./;
});

/** The bot's own policy, its waits made short: the timeout and the pauses between retries. */
function client(): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient('xoxb-test', { ...webApiPolicy, slackApiUrl: slack.apiUrl, timeout: 1_000, retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 } });
}

const callsOf = (method: string) => slack.calls.filter((c) => c.method === method).length;

describe('the Web API client asking who someone is', () => {
  it.each([
    ['users.info', (c: InstanceType<typeof webApi.WebClient>) => c.users.info({ user: 'U1' })],
    ['usergroups.users.list', (c: InstanceType<typeof webApi.WebClient>) => c.usergroups.users.list({ usergroup: 'S1' })],
  ])('asks %s once when Slack leaves it unanswered for the whole timeout', async (method, ask) => {
    slack.troubled = new RegExp(`^${method.replace('.', '\\.')}$`);
    slack.trouble = ['silence', 'silence', 'silence', 'silence'];
    const failed = await ask(client()).catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('slack_webapi_request_error');
    expect((failed as { original?: { name?: string } }).original?.name).toBe('TimeoutError');
    expect(callsOf(method)).toBe(1);
  });

  it('asks users.info again after a 500 or a connection broken at once, as any call', async () => {
    slack.troubled = /^users\.info$/;
    slack.trouble = [{ status: 500 }, 'silence'];
    const asking = client().users.info({ user: 'U1' });
    await expect.poll(() => callsOf('users.info')).toBe(2);
    slack.dropHeld();
    expect((await asking).ok).toBe(true);
    expect(callsOf('users.info')).toBe(3);
  });

  it('still asks again for an update Slack did not answer', async () => {
    slack.trouble = ['silence'];
    expect((await client().chat.update({ channel: 'C1', ts: '1.1', text: 'updated' })).ok).toBe(true);
    expect(callsOf('chat.update')).toBe(2);
  });
});
