// A start says in its log that it reads the journal, before the seconds a large one takes (nothing else is logged and
// /healthz does not answer meanwhile), how far it has got every few seconds, and then how many lines it read in how
// long; an empty journal says nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { loadSaid, progressEveryMs } from '../../src/journal/journal-read-said.js';
import { createLogger } from '../../src/logger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function said(): { lines: string[]; logger: { info: (fields: object, line: string) => void } } {
  const lines: string[] = [];
  return { lines, logger: { info: (_fields, line) => lines.push(line) } };
}

it('says the journal is being read, its size, then the lines read and the time it took', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-read-said-'));
  dirs.push(dir);
  const writer = new Journal(dir);
  writer.load();
  for (let i = 0; i < 3; i += 1) await writer.commit({ type: 'step.finished', incident: 'dbx-20261201-0a1b', actor: 'databox-bot', data: { i } });
  await writer.flushed();

  const { lines, logger } = said();
  const records = loadSaid(new Journal(dir), logger as never);
  expect(records).toHaveLength(3);
  expect(lines[0]).toMatch(/^reading the journal \(\d+ B\): verifying its chain and rebuilding the incidents before the bot answers Slack$/);
  expect(lines[1]).toMatch(/^the journal is read: 3 lines in [\d.]+ (ms|s)$/);

  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-read-said-'));
  dirs.push(empty);
  const quiet = said();
  loadSaid(new Journal(empty), quiet.logger as never);
  expect(quiet.lines).toEqual([]);
});

/** A journal of `count` lines, written as a bot writes them (committed together: one write). */
async function journalOf(count: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-read-said-'));
  dirs.push(dir);
  const writer = new Journal(dir);
  writer.load();
  await Promise.all(Array.from({ length: count }, (_, i) => writer.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${i}` } })));
  await writer.flushed();
  return dir;
}

/** A clock that moves on by `progressEveryMs` each time it is read: every look at it finds a progress line due. */
function steppingClock(): () => number {
  let ms = 0;
  return () => (ms += progressEveryMs);
}

it('says, every few seconds of a long read, how many lines it has verified and then replayed so far', async () => {
  const dir = await journalOf(3_500);
  const { lines, logger } = said();
  loadSaid(new Journal(dir), logger as never, steppingClock());
  expect(lines.slice(1, -1)).toEqual([
    'still reading the journal: 1,000 of 3,500 lines verified, 5.0 s so far',
    'still reading the journal: 2,000 of 3,500 lines verified, 10.0 s so far',
    'still reading the journal: 3,000 of 3,500 lines verified, 15.0 s so far',
    'still reading the journal: 1,000 of 3,500 lines replayed into the incidents, 20.0 s so far',
    'still reading the journal: 2,000 of 3,500 lines replayed into the incidents, 25.0 s so far',
    'still reading the journal: 3,000 of 3,500 lines replayed into the incidents, 30.0 s so far',
  ]);
  expect(lines.at(-1)).toMatch(/^the journal is read: 3,500 lines in 35(\.0)? s$/);
});

it("writes each progress line out at once, while the read still holds the event loop, not after it", async () => {
  const dir = await journalOf(2_000);
  const logFile = path.join(dir, 'bot.log');
  // Asynchronous, as the bot's stdout stream is: a line goes out when the event loop turns.
  const destination = pino.destination({ fd: fs.openSync(logFile, 'a'), sync: false });
  const logger = createLogger('info', (text) => text, destination);
  const clock = steppingClock();
  const seenDuringTheRead: string[] = [];
  loadSaid(new Journal(dir), logger, () => {
    seenDuringTheRead.push(fs.readFileSync(logFile, 'utf8'));
    return clock();
  });
  // Read before the event loop turned again: the last look at the clock (the read's end) found the progress lines written.
  expect(seenDuringTheRead.at(-1)).toContain('still reading the journal: 2,000 of 2,000 lines verified');
  expect(seenDuringTheRead.at(-1)).toContain('still reading the journal: 1,000 of 2,000 lines replayed into the incidents');
  destination.end();
});
