// An outage's length, in a reminder or the status, says how much of it the bot was not running, from the stretches its
// restarts journaled: "still wrong after 2 d 16 h" is not what the bot watched.
import { expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/record.js';
import { BotNotRunning } from '../../src/watchers/bot-not-running.js';

const started = (at: string, previous?: Record<string, unknown>): JournalRecord => ({ seq: 1, at, type: 'bot.started', incident: null, actor: 'databox-bot', data: { pid: 1, ...(previous ? { previous } : {}) }, prev: '', hash: '' });

it('counts the stretches the bot was not running within an outage, and says them past a minute', () => {
  const gaps = new BotNotRunning();
  // Down 27 hours (killed), then 20 s (a clean restart), then a start with no previous run known.
  gaps.note(started('2026-12-03T12:00:00.000Z', { lastSeen: '2026-12-02T09:00:00.000Z', stoppedCleanly: false }));
  gaps.note(started('2026-12-04T10:00:20.000Z', { lastSeen: '2026-12-04T10:00:00.000Z', stoppedCleanly: true, signal: 'SIGTERM' }));
  gaps.note(started('2026-12-05T10:00:00.000Z'));
  const now = Date.parse('2026-12-05T12:00:00.000Z');
  expect(gaps.of('2026-12-01T00:00:00.000Z', now)).toBe('; the bot was not running for 27 h of it');
  // An outage that began while it was down counts from its beginning only.
  expect(gaps.within('2026-12-03T00:00:00.000Z', now)).toBe(12 * 3_600_000 + 20_000);
  expect(gaps.of('2026-12-04T00:00:00.000Z', now)).toBe('');
  expect(gaps.of('2026-12-05T11:00:00.000Z', now)).toBe('');
});

it("counts a failed start's own time as not running: from the stop before it to the start after it, all of it", () => {
  const gaps = new BotNotRunning();
  const stopped = (at: string, data: Record<string, unknown>): JournalRecord => ({ seq: 1, at, type: 'bot.stopped', incident: null, actor: 'databox-bot', data: { pid: 1, ...data }, prev: '', hash: '' });
  // Stopped cleanly at 10:00; a start at 10:05 kept trying Slack until it failed at 10:25; the next started at 10:30.
  gaps.note(started('2026-12-05T10:05:00.000Z', { lastSeen: '2026-12-05T10:00:00.000Z', stoppedCleanly: true, signal: 'SIGTERM' }));
  gaps.note(stopped('2026-12-05T10:25:00.000Z', { failedToStart: 'cannot reach Slack to check the bot token: ETIMEDOUT' }));
  const next = started('2026-12-05T10:30:00.000Z', { lastSeen: '2026-12-05T10:25:00.000Z', stoppedCleanly: true, failedToStart: 'cannot reach Slack to check the bot token: ETIMEDOUT' });
  gaps.note({ ...next, data: { ...next.data, pid: 2 } });
  // A clean stop of the process that ran is no failed start: its running time is not counted.
  gaps.note(stopped('2026-12-05T11:00:00.000Z', { pid: 2, signal: 'SIGTERM' }));
  expect(gaps.of('2026-12-05T09:00:00.000Z', Date.parse('2026-12-05T12:00:00.000Z'))).toBe('; the bot was not running for 30 min of it');
});
