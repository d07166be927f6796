// What holds the bot's Slack messages up, as /databox status and a slow incident's note say it: a 429's wait (from the
// Web API client's own rate_limited event) and a thread message Slack keeps failing, with how many wait behind it: at
// once when Slack failed a try the client is trying again, against the Slack stand-in.
import { Writable } from 'node:stream';
import { WebClient, WebClientEvent, type FetchFunction } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { webApiPolicy } from '../../src/slack/app.js';
import { SlackDeliveryWatch } from '../../src/slack/delivery-watch.js';
import { FailedTries } from '../../src/slack/failed-tries.js';
import { SlackOutbox } from '../../src/slack/outbox.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));
const at = Date.parse('2026-12-02T10:30:00.000Z');

describe('SlackDeliveryWatch', () => {
  it("says nothing while messages go as they come, and names Slack's wait while a 429's Retry-After lasts", () => {
    let now = at;
    const client = new WebClient('xoxb-test');
    const watch = new SlackDeliveryWatch(client, { backlog: () => ({ waiting: 2 }), uploadBacklog: () => ({ waiting: 0 }), rollbackOffersWaiting: () => [], rollbackOffersRefused: () => [] }, () => now);
    expect(watch.statusLine()).toBeUndefined();
    expect(watch.slowOpeningReason()).toBeUndefined();
    client.emit(WebClientEvent.RATE_LIMITED, 30, { url: 'chat.postMessage', body: {} });
    // A shorter wait asked for meanwhile does not end the longer one early.
    client.emit(WebClientEvent.RATE_LIMITED, 5, { url: 'chat.update', body: {} });
    expect(watch.statusLine()).toBe('*Slack:* Slack asked the bot to wait until 10:30:30 UTC before its next call (rate limited); 2 thread messages wait to go, in order. Steps run meanwhile, and the journal holds every one.');
    expect(watch.slowOpeningReason()).toBe('Slack asked the bot to wait until 10:30:30 UTC before its next call (rate limited)');
    now = at + 30_000;
    expect(watch.statusLine()).toBeUndefined();
    expect(watch.slowOpeningReason()).toBeUndefined();
  });

  it('names since when Slack has not taken a thread message, and how many wait behind it, until it takes it', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 20 });
    const watch = new SlackDeliveryWatch(new WebClient('xoxb-test'), outbox);
    let failing = true;
    const before = Date.now();
    const stuck = outbox.deliver('dbx-1', 'run', async () => {
      if (failing) throw Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), { code: 'slack_webapi_http_error' });
      return 'posted';
    });
    void outbox.deliver('dbx-1', 'verdict', async () => 'posted');
    void outbox.deliver('dbx-2', 'other run', async () => new Promise((resolve) => setTimeout(() => resolve('posted'), 5)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { waiting, failingSince } = outbox.backlog();
    expect(waiting).toBe(2);
    expect(failingSince).toBeGreaterThanOrEqual(before);
    const since = new Date(failingSince as number).toISOString().slice(11, 19);
    expect(watch.statusLine()).toBe(`*Slack:* Slack has not taken a thread message since ${since} UTC; the bot keeps trying; 2 thread messages wait to go, in order. Steps run meanwhile, and the journal holds every one.`);
    failing = false;
    expect(await stuck).toBe('posted');
    await outbox.idle();
    expect(outbox.backlog()).toEqual({ waiting: 0, failingSince: undefined });
    expect(watch.statusLine()).toBeUndefined();
  });

  it("names a thread message Slack failed as soon as the client tries it again, not once the client gives up, and not after Slack takes it", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    try {
      // The edit is answered 500, and the client's retry of it left unanswered: the client has not given up on it.
      slack.trouble = [{ status: 500 }, 'silence'];
      let firstAnswered!: () => void;
      const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
      const inner = webApiPolicy.fetch as FetchFunction;
      const seeingAnswers: FetchFunction = async (url, init) => {
        try {
          return await inner(url, init);
        } finally {
          firstAnswered();
        }
      };
      const failedTries = new FailedTries();
      const client = new WebClient('xoxb-test', { ...webApiPolicy, slackApiUrl: slack.apiUrl, fetch: failedTries.noting(seeingAnswers), retryConfig: { ...webApiPolicy.retryConfig, minTimeout: 10, maxTimeout: 20 } });
      const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 20, failedTrySince: () => failedTries.failingSince() });
      const watch = new SlackDeliveryWatch(client, outbox);
      const started = Date.now();
      const edited = outbox.deliver('dbx-1', 'run', () => client.chat.update({ channel: 'C1', ts: '1.1', text: 'step 2 of 3' }));
      await answered;
      // The 500 has gone through the noting fetch (a turn of the event loop after the answer came back).
      await new Promise((resolve) => setImmediate(resolve));
      // Before: nothing, for the 10 s an unanswered try is given, though Slack had already answered no.
      const line = watch.statusLine();
      expect(line).toMatch(/^\*Slack:\* Slack has not taken a thread message since (\d\d:\d\d:\d\d) UTC; the bot keeps trying; 1 thread message waits to go, in order\. Steps run meanwhile, and the journal holds every one\.$/);
      const { failingSince } = outbox.backlog();
      expect(failingSince, 'from the first try').toBeGreaterThanOrEqual(started);
      expect(line).toContain(`since ${new Date(failingSince as number).toISOString().slice(11, 19)} UTC`);
      // The silent retry's connection dropped, the client tries once more, and Slack takes it: the line goes.
      await expect.poll(() => slack.calls.filter((c) => c.method === 'chat.update').length).toBe(2);
      expect(watch.statusLine(), 'still failing while the retry waits on Slack').toBe(line);
      slack.dropHeld();
      expect(await edited).toMatchObject({ ok: true });
      expect(failedTries.failingSince()).toBeUndefined();
      expect(watch.statusLine()).toBeUndefined();
      expect(slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(3);
    } finally {
      await slack.stop();
    }
  });
});
