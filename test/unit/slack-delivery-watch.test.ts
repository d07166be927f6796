// What holds the bot's Slack messages up, as /databox status and a slow incident's note say it: a 429's wait (from the
// Web API client's own rate_limited event) and a thread message Slack keeps failing, with how many wait behind it.
import { Writable } from 'node:stream';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackDeliveryWatch } from '../../src/slack/delivery-watch.js';
import { SlackOutbox } from '../../src/slack/outbox.js';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));
const at = Date.parse('2026-12-02T10:30:00.000Z');

describe('SlackDeliveryWatch', () => {
  it("says nothing while messages go as they come, and names Slack's wait while a 429's Retry-After lasts", () => {
    let now = at;
    const client = new WebClient('xoxb-test');
    const watch = new SlackDeliveryWatch(client, { backlog: () => ({ waiting: 2 }) }, () => now);
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
});
