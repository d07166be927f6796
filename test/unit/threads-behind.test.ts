// Whether an incident's thread is behind, judged by that thread alone: one of its messages failing in the real outbox, or
// refused for good (kept by the outbox, in the journal's state after a restart, noted by the real LastingTrouble); and
// what status and the database watcher say to read meanwhile.
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Incident } from '../../src/incidents/state.js';
import { lastingRefusal } from '../../src/slack/lasting-refusals.js';
import { LastingTrouble } from '../../src/slack/lasting-trouble.js';
import { SlackOutbox } from '../../src/slack/outbox.js';
import { postmortemToRead, threadsBehind } from '../../src/slack/threads-behind.js';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));

/** An incident with a thread in `channel`: only its Slack reference is read here. */
const withThread = (id: string, channel: string) => ({ id, refs: { slack: { channel, ts: '1700000000.000100' } } }) as unknown as Incident;

/** Slack's 500, as the Web API client rejects with it: trouble the outbox tries again, no refusal. */
const slackAnswers500 = () => Promise.reject(Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), { code: 'slack_webapi_http_error', statusCode: 500 }));

describe('threadsBehind', () => {
  it("is true while the incident's thread messages wait in the outbox as Slack fails to take them, not while one is on its way", async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 60_000 });
    const state = { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')]]) };
    const behind = threadsBehind(outbox, new LastingTrouble(), state);
    let answer: () => void = () => {};
    const sent = outbox.deliver('dbx-1', 'failure', () => new Promise<void>((resolve) => (answer = resolve)));
    expect(behind('dbx-1'), 'on its way, Slack not failing').toBe(false);
    answer();
    await sent;
    // Slack answers 500 to the failure's message: it waits to be tried again, and the verdict behind it waits too.
    void outbox.deliver('dbx-1', 'failure', () => slackAnswers500());
    void outbox.deliver('dbx-1', 'verdict', () => Promise.resolve());
    await vi.waitFor(() => expect(outbox.backlog().failingSince).toBeDefined());
    expect(behind('dbx-1')).toBe(true);
    expect(behind('dbx-2')).toBe(false);
    outbox.stop();
  });

  it('is false while only a file of the thread waits, Slack failing to take it', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 60_000 });
    const behind = threadsBehind(outbox, new LastingTrouble(), { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')]]) });
    void outbox.deliverUpload('dbx-1', 'output', () => slackAnswers500(), Promise.resolve());
    await vi.waitFor(() => expect(outbox.uploadBacklog().failingSince).toBeDefined());
    expect(behind('dbx-1')).toBe(false);
    outbox.stop();
  });

  it("is false while its own update merely waits its pacing, another incident's message failing meanwhile", async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 60_000, updateIntervalMs: 60_000 });
    const state = { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')], ['dbx-2', withThread('dbx-2', 'C0OTHER')]]) };
    const behind = threadsBehind(outbox, new LastingTrouble(), state);
    // dbx-1's run message is updated once, and its next update waits a minute for its turn: healthy, only paced.
    await outbox.deliver('dbx-1', 'run 1', () => Promise.resolve('ok'), 'run dbx-1/1');
    void outbox.deliver('dbx-1', 'run 1', () => Promise.resolve('ok'), 'run dbx-1/1');
    // dbx-2's failure Slack answers 500 to.
    void outbox.deliver('dbx-2', 'failure', () => slackAnswers500());
    await vi.waitFor(() => expect(outbox.backlog().failingSince).toBeDefined());
    expect(outbox.backlog().waiting, "dbx-1's paced update is still queued").toBe(2);
    expect(behind('dbx-1')).toBe(false);
    expect(behind('dbx-2')).toBe(true);
    outbox.stop();
  });

  it('is true while an update of one of its messages fails: the thread shows a state from before', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 60_000 });
    const behind = threadsBehind(outbox, new LastingTrouble(), { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')]]) });
    void outbox.deliver('dbx-1', 'run 1', () => slackAnswers500(), 'run dbx-1/1');
    await vi.waitFor(() => expect(outbox.backlog().failingSince).toBeDefined());
    expect(behind('dbx-1')).toBe(true);
    outbox.stop();
  });

  it('is true while the outbox keeps a message of its thread that its channel refused, for that incident alone, until Slack takes one there', async () => {
    const outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 60_000, keptRetryMs: 3_600_000 });
    const state = { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')], ['dbx-2', withThread('dbx-2', 'C0INCIDENT')]]) };
    const behind = threadsBehind(outbox, new LastingTrouble(), state);
    const archived = () => Promise.reject(Object.assign(new Error('is_archived'), { data: { error: 'is_archived' } }));
    await outbox.deliver('dbx-1', 'failure', archived, undefined, { what: 'failure', incident: 'dbx-1', run: 'dbx-1/1' });
    expect(outbox.backlog().waiting, 'nothing waits: it is kept').toBe(0);
    // dbx-2's thread, in the same channel, lacks nothing of its own.
    expect(['dbx-1', 'dbx-2'].map(behind)).toEqual([true, false]);
    await outbox.deliver('dbx-1', 'failure', () => Promise.resolve('ok'), undefined, { what: 'failure', incident: 'dbx-1', run: 'dbx-1/1' });
    expect(behind('dbx-1')).toBe(false);
    outbox.stop();
  });

  it('is true, after a restart, for an incident whose thread messages the journal says Slack refused and never took since', () => {
    const outbox = new SlackOutbox({ logger: quiet });
    const refused = { ...withThread('dbx-1', 'C0INCIDENT'), undelivered: [{ what: 'failure', runId: 'dbx-1/1', code: 'is_archived', at: '2026-12-05T09:00:00.000Z' }] } as Incident;
    const behind = threadsBehind(outbox, new LastingTrouble(), { incidents: new Map([['dbx-1', refused], ['dbx-2', withThread('dbx-2', 'C0INCIDENT')]]) });
    expect(['dbx-1', 'dbx-2'].map(behind)).toEqual([true, false]);
  });

  it("is true for an incident whose message its channel refused as the real LastingTrouble notes it, not for the channel's other incidents, nor for one abandoned there", () => {
    const outbox = new SlackOutbox({ logger: quiet });
    const lasting = new LastingTrouble();
    const state = { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')], ['dbx-2', withThread('dbx-2', 'C0INCIDENT')], ['dbx-3', withThread('dbx-3', 'C0INCIDENT')]]) };
    const behind = threadsBehind(outbox, lasting, state);
    // A plan of dbx-1 refused (it is asked for again, not kept by the outbox); dbx-3 opened there, its first message refused.
    lasting.refused(lastingRefusal('channel_not_found')!, { channel: 'C0INCIDENT', incident: 'dbx-1' });
    lasting.refusedOpening(lastingRefusal('channel_not_found')!, { channel: 'C0INCIDENT', incident: 'dbx-3' });
    expect(['dbx-1', 'dbx-2', 'dbx-3', 'dbx-unknown'].map(behind)).toEqual([true, false, false, false]);
    lasting.took('C0INCIDENT');
    expect(behind('dbx-1')).toBe(false);
  });

  it('names the postmortem at a terminal, as the terminal status does', () => {
    expect(postmortemToRead('dbx-20261205-3aaf')).toBe("read `npm run --silent cli -- postmortem dbx-20261205-3aaf` (Slack has not taken all of its thread's messages)");
  });
});
