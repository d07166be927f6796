// The Slack outbox: one line per incident, in order; a newer update of a message replaces a queued one at the end;
// updates of a message are paced, never holding back a post, never dropping the latest state.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackOutbox, type Redo } from '../../src/slack/outbox.js';
import { Writable } from 'node:stream';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));

describe('SlackOutbox', () => {
  it('sends in order; a newer update of a queued message replaces it and goes after what was queued before it', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const send = (what: string, wait?: Promise<void>) => async () => {
      await wait;
      sent.push(what);
      return what;
    };
    void outbox.deliver('dbx-1', 'run', send('post run', gate));
    const first = outbox.deliver('dbx-1', 'run', send('update run: step 1'), 'update:run');
    void outbox.deliver('dbx-1', 'verdict', send('post verdict'));
    const second = outbox.deliver('dbx-1', 'run', send('update run: step 2'), 'update:run');
    void outbox.deliver('dbx-2', 'other', send('other incident'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await outbox.idle();
    expect(sent).toEqual(['other incident', 'post run', 'post verdict', 'update run: step 2']);
    expect(await first).toBeUndefined();
    expect(await second).toBe('update run: step 2');
  });

  it("sends a file after its message, on a line of its own: a file Slack keeps failing holds back none of the thread's messages", async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let uploading = true;
    const run = outbox.deliver('dbx-1', 'run', async () => {
      await gate;
      sent.push('post run');
    });
    const file = outbox.deliverUpload(
      'dbx-1',
      'output',
      async () => {
        if (uploading) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        sent.push('file');
      },
      run,
    );
    const failure = outbox.deliver('dbx-1', 'failure', async () => void sent.push('post failure'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent, 'the file waits for its message').toEqual([]);
    release();
    await failure;
    expect(sent, "the failure goes while the file's upload fails").toEqual(['post run', 'post failure']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outbox.backlog()).toEqual({ waiting: 0, failingSince: undefined });
    expect(outbox.uploadBacklog()).toMatchObject({ waiting: 1, failingSince: expect.any(Number) });
    uploading = false;
    await file;
    expect(sent).toEqual(['post run', 'post failure', 'file']);
  });

  it("retries an edit Slack fails on a line of its own: the thread's posts go on in order, and the latest edit replaces the one retried", async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    const sent: string[] = [];
    const aheadOf: string[][] = [];
    let editing = false;
    const post = (what: string) => async (tries: { editsFailing: ReadonlySet<string> }) => {
      aheadOf.push([...tries.editsFailing]);
      sent.push(what);
      return what;
    };
    const edit = (what: string) => async () => {
      if (!editing) throw Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), { code: 'slack_webapi_http_error', statusCode: 500 });
      sent.push(what);
      return what;
    };
    void outbox.deliver('dbx-1', 'run', post('post run'));
    const first = outbox.deliver('dbx-1', 'root', edit('edit root: diagnosing'), 'update:root');
    await outbox.deliver('dbx-1', 'verdict', post('post verdict'));
    const second = outbox.deliver('dbx-1', 'root', edit('edit root: diagnosed'), 'update:root');
    await outbox.deliver('dbx-1', 'offer', post('post offer'));
    expect(sent, 'the posts went while the edit failed').toEqual(['post run', 'post verdict', 'post offer']);
    expect(aheadOf.slice(1), 'each post knew which edit it went ahead of').toEqual([['update:root'], ['update:root']]);
    expect(outbox.backlog()).toMatchObject({ waiting: 1, failingSince: expect.any(Number) });
    expect(outbox.threadBehind('dbx-1')).toBe(true);
    editing = true;
    await outbox.idle();
    expect(sent).toEqual(['post run', 'post verdict', 'post offer', 'edit root: diagnosed']);
    expect(await first).toBeUndefined();
    expect(await second).toBe('edit root: diagnosed');
    expect(outbox.threadBehind('dbx-1')).toBe(false);
  });

  it('sends a later edit of a message whose edit Slack failed no sooner than the posts queued before it', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    const sent: string[] = [];
    let editing = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const edit = (what: string) => async () => {
      if (!editing) throw Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), { code: 'slack_webapi_http_error', statusCode: 500 });
      sent.push(what);
    };
    await outbox.deliver('dbx-1', 'run', async () => void sent.push('post run'));
    void outbox.deliver('dbx-1', 'run', edit('edit run: step 1'), 'update:run');
    const verdict = outbox.deliver('dbx-1', 'verdict', async () => {
      await gate;
      sent.push('post verdict');
    });
    void outbox.deliver('dbx-1', 'run', edit('edit run: finished'), 'update:run');
    editing = true;
    await vi.waitFor(() => expect(sent).toContain('edit run: step 1'), { timeout: 5_000 });
    release();
    await verdict;
    await outbox.idle();
    expect(sent).toEqual(['post run', 'edit run: step 1', 'post verdict', 'edit run: finished']);
  });

  it('tries a thread Slack refused for good again on schedule, a try that made no call to Slack included', async () => {
    const shown: string[] = [];
    // Shown again, the message makes no call (nothing to show for it now): neither refused nor taken.
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, keptRetryMs: 10, showAgain: (redo) => shown.push(redo.what) > 0 });
    await outbox.deliver('dbx-1', 'offer', () => Promise.reject(Object.assign(new Error('is_archived'), { data: { error: 'is_archived' } })), undefined, { what: 'rollback-offer', incident: 'dbx-1', run: 'dbx-1/3' });
    await vi.waitFor(() => expect(shown.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    expect(outbox.rollbackOffersRefused()).toEqual([{ run: 'dbx-1/3', code: 'is_archived' }]);
    outbox.stop();
  });

  it('no longer keeps, journaled, a message Slack refused for good with nothing left to show: not tried again, nor reported', async () => {
    vi.useFakeTimers();
    try {
      const shown: string[] = [];
      const noLonger: Redo[] = [];
      // The recovery's run is gone (or its offer never reached Slack): showing it again queues nothing.
      const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, keptRetryMs: 1_000, showAgain: (redo) => shown.push(`${redo.what} ${redo.run}`) > 0 && redo.run !== 'dbx-1/3', noLongerKept: (redo) => void noLonger.push(redo), channelOf: () => 'C1' });
      const archived = () => Promise.reject(Object.assign(new Error('is_archived'), { data: { error: 'is_archived' } }));
      await outbox.deliver('dbx-1', 'offer', archived, undefined, { what: 'rollback-offer', incident: 'dbx-1', run: 'dbx-1/3' });
      await outbox.deliver('dbx-1', 'failure', archived, undefined, { what: 'failure', incident: 'dbx-1', run: 'dbx-1/4' });
      expect(outbox.rollbackOffersRefused()).toEqual([{ run: 'dbx-1/3', code: 'is_archived' }]);
      await vi.advanceTimersByTimeAsync(1_000);
      // The thread's oldest has nothing to show: the next one is tried in its place.
      expect(shown).toEqual(['rollback-offer dbx-1/3', 'failure dbx-1/4']);
      expect(noLonger).toEqual([{ what: 'rollback-offer', incident: 'dbx-1', run: 'dbx-1/3', dropped: { code: 'is_archived', at: expect.any(String) } }]);
      expect(outbox.rollbackOffersRefused(), '/databox status no longer lists it').toEqual([]);
      await vi.advanceTimersByTimeAsync(3_000);
      outbox.tookIn('C1', 'reply');
      expect(shown.filter((what) => what === 'rollback-offer dbx-1/3'), 'never tried again').toHaveLength(1);
      expect(noLonger).toHaveLength(1);
      expect(outbox.threadBehind('dbx-1'), 'the failure is still kept').toBe(true);
      outbox.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a start that finds nothing to show for a kept verdict no longer keeps it, nor its run\'s message, journaled', () => {
    const noLonger: Redo[] = [];
    const outbox = new SlackOutbox({ logger: quiet, noLongerKept: (redo) => void noLonger.push(redo) });
    const dropped = { code: 'not_in_channel', at: '2026-12-05T20:00:00.000Z' };
    outbox.carriedOver([
      { what: 'run', incident: 'dbx-1', run: 'dbx-1/2', dropped },
      { what: 'verdict', incident: 'dbx-1', run: 'dbx-1/2', dropped },
    ]);
    expect(outbox.threadBehind('dbx-1')).toBe(true);
    outbox.nothingToShow({ what: 'verdict', incident: 'dbx-1', run: 'dbx-1/2', dropped });
    expect(noLonger.map((redo) => redo.what)).toEqual(['verdict', 'run']);
    expect(outbox.threadBehind('dbx-1')).toBe(false);
    expect(outbox.stop()).toEqual([]);
  });

  it.each(['restricted_action_non_threadable_channel', 'restricted_action_thread_only_channel', 'restricted_action'])(
    'shows a reply Slack refused with %s again only when Slack takes a reply there: another kind taken would only see it refused again',
    async (code) => {
      const shown: string[] = [];
      const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, showAgain: (redo) => shown.push(redo.what) > 0, channelOf: (incident) => (incident === 'dbx-9' ? 'C2' : 'C1') });
      await outbox.deliver('dbx-1', 'offer', () => Promise.reject(Object.assign(new Error(code), { data: { error: code } })), undefined, { what: 'rollback-offer', incident: 'dbx-1', run: 'dbx-1/3' });
      await outbox.deliver('dbx-2', 'failure', () => Promise.reject(Object.assign(new Error('is_archived'), { data: { error: 'is_archived' } })), undefined, { what: 'failure', incident: 'dbx-2', run: 'dbx-2/1' });
      outbox.tookIn('C1', 'top-level');
      outbox.tookIn('C1', 'file');
      expect(shown, 'a channel-wide refusal is shown on any kind taken; this one is not').toEqual(['failure', 'failure']);
      // An edit of its own thread taken (the root's status) says nothing of a reply either.
      await outbox.deliver('dbx-1', 'root', async () => true, 'update:root', { what: 'root', incident: 'dbx-1' });
      expect(shown).toEqual(['failure', 'failure']);
      outbox.tookIn('C2', 'reply');
      expect(shown, 'a reply taken in another channel says nothing of this one').toEqual(['failure', 'failure']);
      outbox.tookIn('C1', 'reply');
      expect(shown).toEqual(['failure', 'failure', 'rollback-offer', 'failure']);
      await outbox.deliver('dbx-1', 'failure', async () => true, undefined, { what: 'failure', incident: 'dbx-1', run: 'dbx-1/5' });
      expect(shown.at(-1), 'a reply taken in its own thread shows it').toBe('rollback-offer');
      outbox.stop();
    },
  );

  it('retries what Slack did not take and drops only what Slack refuses for good', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    let tries = 0;
    const flaky = outbox.deliver('dbx-1', 'flaky', async () => {
      tries += 1;
      if (tries < 3) throw Object.assign(new Error('ratelimited'), { data: { error: 'ratelimited' } });
      return 'ok';
    });
    const refused = outbox.deliver('dbx-1', 'refused', async () => {
      throw Object.assign(new Error('channel_not_found'), { data: { error: 'channel_not_found' } });
    });
    expect(await flaky).toBe('ok');
    expect(tries).toBe(3);
    expect(await refused).toBeUndefined();
  });

  it.each(['token_expired', 'token_revoked', 'is_inactive', 'no_permission', 'team_access_not_granted', 'ekm_access_denied'])('tries a message Slack refuses with %s once, and drops it', async (code) => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    let tries = 0;
    const refused = outbox.deliver('dbx-1', 'run', async () => {
      tries += 1;
      throw Object.assign(new Error(code), { data: { error: code } });
    });
    expect(await refused).toBeUndefined();
    expect(tries).toBe(1);
  });

  it.each(['org_login_required', 'team_added_to_org'])('retries a message Slack refuses with %s, which Slack says ends with its migration', async (code) => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
    let tries = 0;
    const migrating = outbox.deliver('dbx-1', 'run', async () => {
      tries += 1;
      if (tries < 3) throw Object.assign(new Error(code), { data: { error: code } });
      return 'posted';
    });
    expect(await migrating).toBe('posted');
    expect(tries).toBe(3);
  });

  it('says Slack has not taken a message from its first try on: an answer that never comes, or an error after a long wait', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T14:43:53Z') });
    try {
      const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5 });
      let fail: (error: Error) => void = () => {};
      let calls = 0;
      void outbox.deliver('dbx-1', 'plan', () => {
        calls += 1;
        return calls === 1 ? new Promise((_resolve, reject) => (fail = reject)) : Promise.resolve('ok');
      });
      const started = Date.now();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(outbox.backlog(), 'a short wait is no failure').toEqual({ waiting: 1, failingSince: undefined });
      await vi.advanceTimersByTimeAsync(6_000);
      expect(outbox.backlog()).toEqual({ waiting: 1, failingSince: started });
      // The client gives up two minutes later: still "since" the first try, not since the error.
      await vi.advanceTimersByTimeAsync(110_000);
      fail(Object.assign(new Error('timed out'), { code: 'slack_webapi_request_error' }));
      await vi.advanceTimersByTimeAsync(1);
      expect(outbox.backlog().failingSince).toBe(started);
      await vi.advanceTimersByTimeAsync(10);
      await outbox.idle();
      expect(outbox.backlog()).toEqual({ waiting: 0, failingSince: undefined });
    } finally {
      vi.useRealTimers();
    }
  });

  describe('pacing of updates', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** An outbox on a fake clock, a message whose state the test sets, and every call made to Slack with its time. */
    function paced() {
      vi.useFakeTimers();
      const start = Date.now();
      const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, updateIntervalMs: 1_000 });
      const calls: { what: string; at: number }[] = [];
      const message = { state: 0 };
      const update = () => outbox.deliver('dbx-1', 'run', async () => calls.push({ what: `update ${message.state}`, at: Date.now() - start }), 'update:run');
      const post = (what: string) => outbox.deliver('dbx-1', what, async () => calls.push({ what, at: Date.now() - start }));
      return { outbox, calls, message, update, post };
    }

    it('sends one update of a message per interval, carrying its latest state, and the last state always arrives', async () => {
      const { outbox, calls, message, update } = paced();
      message.state = 1;
      void update();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls, 'the first update goes at once').toEqual([{ what: 'update 1', at: 0 }]);
      // Nine more states within the interval: none goes before it has passed, then one call with the latest.
      for (let state = 2; state <= 10; state += 1) {
        message.state = state;
        void update();
        await vi.advanceTimersByTimeAsync(100);
      }
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toEqual([{ what: 'update 1', at: 0 }, { what: 'update 10', at: 1_000 }]);
      // A last state after a quiet spell: held until one interval after the previous update, then sent (trailing edge).
      await vi.advanceTimersByTimeAsync(500);
      message.state = 11;
      void update();
      await vi.advanceTimersByTimeAsync(499);
      expect(calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls.at(-1)).toEqual({ what: 'update 11', at: 2_000 });
      await outbox.idle();
    });

    it('never holds back a post: an update held by pacing goes at once before it, and later updates wait again', async () => {
      const { calls, message, update, post } = paced();
      message.state = 1;
      void update();
      await vi.advanceTimersByTimeAsync(200);
      message.state = 2;
      void update();
      void post('post verdict');
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toEqual([
        { what: 'update 1', at: 0 },
        { what: 'update 2', at: 200 },
        { what: 'post verdict', at: 200 },
      ]);
      message.state = 3;
      void update();
      await vi.advanceTimersByTimeAsync(999);
      expect(calls).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls.at(-1)).toEqual({ what: 'update 3', at: 1_200 });
    });

    it('paces each message on its own', async () => {
      const { outbox, calls } = paced();
      const other = (what: string) => outbox.deliver('dbx-1', 'root', async () => calls.push({ what, at: Date.now() }), 'update:root');
      void outbox.deliver('dbx-1', 'run', async () => calls.push({ what: 'run', at: Date.now() }), 'update:run');
      void outbox.deliver('dbx-1', 'run', async () => calls.push({ what: 'run again', at: Date.now() }), 'update:run');
      void other('root');
      await vi.advanceTimersByTimeAsync(0);
      expect(calls.map((c) => c.what), 'the root is not held back by the run message').toEqual(['run', 'root']);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls.map((c) => c.what)).toEqual(['run', 'root', 'run again']);
    });

    it('sends what pacing holds back at once when the bot stops (flush)', async () => {
      const { outbox, calls, message, update } = paced();
      message.state = 1;
      void update();
      await vi.advanceTimersByTimeAsync(10);
      message.state = 2;
      const last = update();
      await outbox.flush();
      expect(calls.map((c) => c.what)).toEqual(['update 1', 'update 2']);
      expect(await last).toBe(2);
      expect(calls.at(-1)?.at, 'without waiting out the interval').toBe(10);
    });
  });
});
