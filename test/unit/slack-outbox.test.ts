// The Slack outbox: one line per incident, in order; a newer update of a message replaces a queued one at the end.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackOutbox } from '../../src/slack/outbox.js';
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
});
