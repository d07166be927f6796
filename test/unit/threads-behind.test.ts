// Whether an incident's thread is behind: its messages waiting in the real outbox, or its channel (or the bot's token)
// refused for good as the real LastingTrouble notes it; and what status and the database watcher say to read meanwhile.
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

  it("is true for every incident whose thread is in a channel refusing the bot, and for all while the token is refused, until Slack takes a message there", () => {
    const outbox = new SlackOutbox({ logger: quiet });
    const lasting = new LastingTrouble();
    const state = { incidents: new Map([['dbx-1', withThread('dbx-1', 'C0INCIDENT')], ['dbx-2', withThread('dbx-2', 'C0INCIDENT')], ['dbx-3', withThread('dbx-3', 'C0OTHER')]]) };
    const behind = threadsBehind(outbox, lasting, state);
    expect(['dbx-1', 'dbx-2', 'dbx-3'].map(behind)).toEqual([false, false, false]);
    // Refused while posting for dbx-2 (a new incident there, say): dbx-1's thread, in the same archived channel, is behind too.
    lasting.refused(lastingRefusal('is_archived')!, { channel: 'C0INCIDENT', incident: 'dbx-2' });
    expect(['dbx-1', 'dbx-2', 'dbx-3', 'dbx-unknown'].map(behind)).toEqual([true, true, false, false]);
    lasting.took('C0INCIDENT');
    lasting.refused(lastingRefusal('token_revoked')!, { channel: 'C0OTHER', incident: 'dbx-3' });
    expect(['dbx-1', 'dbx-2', 'dbx-3'].map(behind)).toEqual([true, true, true]);
  });

  it('names the postmortem at a terminal, as the terminal status does', () => {
    expect(postmortemToRead('dbx-20261205-3aaf')).toBe("read `npm run --silent cli -- postmortem dbx-20261205-3aaf` (Slack has not taken all of its thread's messages)");
  });
});
