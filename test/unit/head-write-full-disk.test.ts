// A head write the disk refuses (ENOSPC, here a temporary head path that leads to /dev/full) leaves no temporary head
// file behind, written at once or off the event loop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { headFile, writeHead, writeHeadAsync } from '../../src/journal/head.js';
import { genesisHash, serialize } from '../../src/journal/record.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let journalFile: string;
const record = serialize({ seq: 2, at: '2026-12-05T11:00:00.000Z', type: 'note', incident: null, actor: null, data: {}, prev: genesisHash }).record;

beforeEach(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'head-write-full-disk-'));
  temps.push(dir);
  journalFile = path.join(dir, 'journal.jsonl');
  writeHead(journalFile, { seq: 1, hash: genesisHash });
});

/** The temporary head files beside the journal (named `journal.jsonl.head.<pid>[-n].tmp`). */
function temporaries(): string[] {
  return fs.readdirSync(path.dirname(journalFile)).filter((name) => name.startsWith(`${path.basename(headFile(journalFile))}.`) && name.endsWith('.tmp'));
}

it('written at once: the write fails with ENOSPC and its temporary file is removed', () => {
  fs.symlinkSync('/dev/full', `${headFile(journalFile)}.${process.pid}.tmp`);
  expect(() => writeHead(journalFile, record)).toThrow(/ENOSPC/);
  expect(temporaries()).toEqual([]);
});

it('written off the event loop: the write fails with ENOSPC and its temporary file is removed', async () => {
  // Its name carries a count of this process's paced head writes (this file runs in a process of its own, see
  // vitest.config.ts): every name it could take leads to /dev/full.
  const names = Array.from({ length: 1_000 }, (_, n) => `${headFile(journalFile)}.${process.pid}-${n + 1}.tmp`);
  for (const name of names) fs.symlinkSync('/dev/full', name);
  await expect(writeHeadAsync(journalFile, record)).rejects.toThrow(/ENOSPC/);
  expect(temporaries()).toHaveLength(names.length - 1);
});
