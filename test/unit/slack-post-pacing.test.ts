// New thread messages (chat.postMessage) are paced per channel after a short burst, in order, as Slack asks (about one a
// second per channel); updates (chat.update) are not held back by it. On a fake clock, as the outbox's other pacing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { SlackOutbox } from '../../src/slack/outbox.js';
import { PostPacer } from '../../src/slack/post-pacer.js';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));

afterEach(() => {
  vi.useRealTimers();
});

/** An outbox on a fake clock whose incidents dbx-1 and dbx-2 share channel C1, dbx-3 in C2: every call with its time. */
function outboxOnFakeClock() {
  vi.useFakeTimers();
  const start = Date.now();
  const channels: Record<string, string> = { 'dbx-1': 'C1', 'dbx-2': 'C1', 'dbx-3': 'C2' };
  const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, updateIntervalMs: 1_000, postPacer: new PostPacer({ intervalMs: 1_000, burst: 3 }), channelOf: (incident) => channels[incident] });
  const calls: { what: string; at: number }[] = [];
  const post = (incident: string, what: string) => outbox.deliver(incident, what, async () => calls.push({ what, at: Date.now() - start }));
  const update = (incident: string, what: string) => outbox.deliver(incident, what, async () => calls.push({ what, at: Date.now() - start }), `update:${what}`);
  return { outbox, calls, post, update };
}

describe('pacing of new thread messages', () => {
  it('after a burst of three, sends one new message a second per channel, in order; another channel and updates are not held back', async () => {
    const { outbox, calls, post, update } = outboxOnFakeClock();
    // Twelve messages held by an outage, queued at once when Slack answers again.
    for (let n = 1; n <= 12; n += 1) void post('dbx-1', `post ${n}`);
    void update('dbx-2', 'root of dbx-2');
    void post('dbx-3', 'post in C2');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([
      { what: 'post 1', at: 0 },
      { what: 'root of dbx-2', at: 0 },
      { what: 'post in C2', at: 0 },
      { what: 'post 2', at: 0 },
      { what: 'post 3', at: 0 },
    ]);
    // A post in the same channel's other thread waits its turn there too.
    void post('dbx-2', 'post in dbx-2');
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(20_000);
    const inC1 = calls.filter((c) => c.what.startsWith('post') && c.what !== 'post in C2');
    expect(inC1.filter((c) => c.what !== 'post in dbx-2').map((c) => c.what), 'in order').toEqual(Array.from({ length: 12 }, (_, i) => `post ${i + 1}`));
    expect(inC1.map((c) => c.at), 'three at once, then one a second in the channel').toEqual([0, 0, 0, ...Array.from({ length: 10 }, (_, i) => 1_000 * (i + 1))]);
    await outbox.idle();
  });

  it('lets a burst go again once the channel has been quiet, and sends what pacing holds back at once when the bot stops', async () => {
    const { outbox, calls, post } = outboxOnFakeClock();
    for (let n = 1; n <= 3; n += 1) void post('dbx-1', `first ${n}`);
    await vi.advanceTimersByTimeAsync(3_000);
    for (let n = 1; n <= 5; n += 1) void post('dbx-1', `second ${n}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.what)).toEqual(['first 1', 'first 2', 'first 3', 'second 1', 'second 2', 'second 3']);
    await outbox.flush();
    expect(calls.slice(-2)).toEqual([
      { what: 'second 4', at: 3_000 },
      { what: 'second 5', at: 3_000 },
    ]);
  });

  it("takes the channel's threads in turn: a thread's new message waits behind the one waiting longest, not behind another's whole backlog", async () => {
    const { outbox, calls, post } = outboxOnFakeClock();
    // Twenty messages of dbx-1 held by an outage; half a second later dbx-2, in the same channel, asks for a plan's approval.
    for (let n = 1; n <= 20; n += 1) void post('dbx-1', `post ${n}`);
    await vi.advanceTimersByTimeAsync(500);
    void post('dbx-2', 'approval plan');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.map((c) => c.what), 'its turn after the one dbx-1 waited for first').toEqual(['post 1', 'post 2', 'post 3', 'post 4', 'approval plan']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.filter((c) => c.what !== 'approval plan').map((c) => c.what), "dbx-1's own order kept").toEqual(Array.from({ length: 20 }, (_, i) => `post ${i + 1}`));
    expect(calls.map((c) => c.at), 'still one a second in the channel').toEqual([0, 0, 0, ...Array.from({ length: 18 }, (_, i) => 1_000 * (i + 1))]);
    await outbox.idle();
  });

  it("makes a new message tried again wait its turn in the channel, as its first try did, and counts it", async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 500, postPacer: new PostPacer({ intervalMs: 1_000, burst: 1 }), channelOf: () => 'C1' });
    const calls: { what: string; at: number }[] = [];
    let failures = 2;
    void outbox.deliver('dbx-1', 'failing', async () => {
      calls.push({ what: 'failing', at: Date.now() - start });
      if (failures-- > 0) throw Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), { code: 'slack_webapi_http_error', statusCode: 500 });
    });
    await vi.advanceTimersByTimeAsync(100);
    void outbox.deliver('dbx-2', 'other', async () => calls.push({ what: 'other', at: Date.now() - start }));
    await vi.advanceTimersByTimeAsync(10_000);
    // The first try goes at once; its retry, half a second later, waits behind dbx-2's post, waiting since 100 ms.
    expect(calls).toEqual([
      { what: 'failing', at: 0 },
      { what: 'other', at: 1_000 },
      { what: 'failing', at: 2_000 },
      { what: 'failing', at: 3_000 },
    ]);
    await outbox.idle();
  });
});

describe('the post pacer', () => {
  it('holds posts back no longer than its pace when the clock is set back', () => {
    const pacer = new PostPacer({ intervalMs: 1_000, burst: 1 });
    pacer.spent('C1', 100_000);
    // The clock set back a minute: the bucket is as the last post left it, not a minute further from refilling.
    expect(pacer.dueAt('C1', 40_000)).toBe(41_000);
    pacer.spent('C1', 41_000);
    expect(pacer.dueAt('C1', 41_500)).toBe(42_000);
  });
});
