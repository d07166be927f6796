// A start says in its log that it reads the journal, before the seconds a large one takes (nothing else is logged and
// /healthz does not answer meanwhile), and then how many lines it read in how long; an empty journal says nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { loadSaid } from '../../src/journal/journal-read-said.js';

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
