// A journal whose end was rewritten and hashed again (a line edited, every line after it rehashed, the head left alone):
// before any repair, the postmortem's rows say the end was rewritten, as `journal verify` does, not that lines were
// accepted; once someone accepts it, they say accepted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { fixtureJournal, fixtureRoot } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { serialize, type JournalRecord } from '../../src/journal/record.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const runbooks = loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks'));
const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
let stateDir: string;

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewritten-end-marks-'));
  temps.push(stateDir);
  const file = path.join(stateDir, 'journal.jsonl');
  // The head a bot left: the last line as it was written.
  writeHead(file, JSON.parse(lines.at(-1) as string));
  // Line 2's actor changed, and it and every line after it hashed again, so the chain links up.
  const records = lines.map((line) => JSON.parse(line) as JournalRecord);
  let prev = (records[0] as JournalRecord).hash;
  const rewritten = [lines[0] as string];
  for (const [index, record] of records.slice(1).entries()) {
    const { hash: _old, ...rest } = record;
    const written = serialize({ ...rest, actor: index === 0 ? 'terminal:mallory' : rest.actor, prev });
    rewritten.push(written.line.trimEnd());
    prev = written.record.hash;
  }
  fs.writeFileSync(file, `${rewritten.join('\n')}\n`);
});

function postmortem(): string {
  return writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId: 'dbx-20260420-bec8', writtenAt: new Date('2026-04-21T00:00:00Z') }).markdown;
}

it('marks rows as built from a rewritten end, naming where verify found it, and says accepted only once it was', () => {
  const before = postmortem();
  expect(before).not.toContain('accepted after');
  expect(before).toContain(`_(unverified: the journal's end was rewritten at or before line ${lines.length}; built from journal line 2)_`);
  let out = '';
  const repaired = journalCommand(['journal', 'repair'], { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (out += text) } }, { approver: 'bob' });
  expect(repaired, out).toBe(0);
  const after = postmortem();
  expect(after).not.toContain("_(unverified: the journal's end was rewritten");
  expect(after).toContain('accepted after it failed verification');
});
