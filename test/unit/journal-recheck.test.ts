// A running process's second look at the journal (Journal.recheck): a cut from the end or a deleted file is seen, and
// journal repair copes with a journal emptied by hand and with damaged lines that do not read as records.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { readJournal } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-journal-recheck-');

function journalWith(count: number): { dir: string; journal: Journal; file: string } {
  const dir = tempDir();
  const journal = new Journal(dir);
  journal.load();
  for (let n = 0; n < count; n += 1) journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
  return { dir, journal, file: path.join(dir, 'journal.jsonl') };
}

function repair(dir: string): { code: number; out: string } {
  let out = '';
  const write = (text: string) => (out += text);
  const code = journalCommand(['journal', 'repair'], { env: { DATABOX_STATE_DIR: dir }, stdout: { write }, stderr: { write } }, { approver: 'bob' });
  return { code, out };
}

describe('a running process looking again', () => {
  it('sees lines cut from the end after its last look, and a journal deleted under it', () => {
    const { journal, file } = journalWith(20);
    journal.requireVerified();
    for (let n = 0; n < 5; n += 1) journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `more ${n}` } });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, -2).join('\n')}\n`);
    expect(() => journal.requireVerified()).toThrow(/the journal failed verification at line 24 \(the journal ends at line 23, but line 25 was written: lines were removed from its end\)/);

    const other = journalWith(3);
    other.journal.requireVerified();
    fs.rmSync(other.file);
    expect(() => other.journal.requireVerified()).toThrow(/is gone: it was deleted or moved while this process used it/);
  });
});

describe('journal repair on odd journals', () => {
  it('accepts a journal emptied by hand with its head left behind', () => {
    const { dir, file } = journalWith(4);
    fs.writeFileSync(file, '');
    expect(readJournal(dir).verify.problem?.reason).toMatch(/lines were removed from its end/);
    const repaired = repair(dir);
    expect(repaired.out).toContain('journal OK again');
    expect(repaired.code).toBe(0);
  });

  it('accepts damaged lines that do not read as records without replaying them half-formed: the postmortem still builds', () => {
    const { dir, file } = journalWith(4);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[1] = '{"type":"run.approved","incident":"dbx-20260420-3fa2"}';
    lines[2] = '[1,2]';
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    expect(repair(dir).code).toBe(0);
    const reloaded = new Journal(dir);
    expect(() => reloaded.load()).not.toThrow();
    expect(readJournal(dir).verify.records.map((r) => r.type)).toEqual(['command.received', 'command.received', 'journal.damage-accepted']);
  });
});
