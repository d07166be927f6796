// A running process's second look at the journal (Journal.recheck): a cut from the end or a deleted file is seen, and
// journal repair copes with a journal emptied by hand and with damaged lines that do not read as records.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { readJournal } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { headFile } from '../../src/journal/head.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { fixtureJournal, fixtureRoot } from '../fixtures/scenario1.js';
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

describe('a running process whose journal was cut under it', () => {
  it('reads what other processes append after the cut, and writes after it where the file now ends', () => {
    const { dir, journal, file } = journalWith(6);
    const seen: number[] = [];
    journal.onRecordFromElsewhere((record) => seen.push(record.seq));
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n`);
    // A terminal appends after the cut: it continues after the last line the head saw written, the cut journaled first.
    const terminal = new Journal(dir);
    terminal.load();
    terminal.append({ type: 'command.received', incident: null, actor: 'terminal:bob', data: { text: 'status' } });
    journal.catchUp();
    expect(seen).toEqual([7, 8]);
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status after' } });
    const after = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
    expect(after.map((record) => record.seq)).toEqual([1, 2, 3, 7, 8, 9]);
    expect(after[3]).toMatchObject({ type: 'journal.end-cut', data: { lastSeq: 3, headSeq: 6, lost: 3 } });
  });
});

describe('a journal cut under the process writing to it', () => {
  /** Cuts the journal's last `count` whole lines as a hand would (truncate), and says how many bytes went. */
  function cutLastLines(file: string, count: number): number {
    const text = fs.readFileSync(file, 'utf8');
    const kept = `${text.trimEnd().split('\n').slice(0, -count).join('\n')}\n`;
    fs.truncateSync(file, Buffer.byteLength(kept));
    return Buffer.byteLength(text) - Buffer.byteLength(kept);
  }

  const cutWords = (bytes: number) =>
    new RegExp(`^as the record at this line says, 2 lines were removed from the journal's end \\(records 5–6, ${bytes} bytes\\) while a process writing to it ran \\(PID ${process.pid}; it had seen record 6, hash [0-9a-f]{12}…\\): the file was cut under it, and it recorded this before its next line \\(the check found: sequence number 7 where 5 was expected\\)$`);

  it('journals the cut before its next append, so verification says an end cut and then new lines', () => {
    const { dir, journal, file } = journalWith(6);
    const bytes = cutLastLines(file, 2);
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status after' } });
    const after = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
    expect(after.map((record) => record.seq)).toEqual([1, 2, 3, 4, 7, 8]);
    expect(after[4]).toMatchObject({ type: 'journal.end-cut', data: { lastSeq: 4, headSeq: 6, lost: 2, pid: process.pid, bytesLost: bytes } });
    expect(readJournal(dir).verify.problem).toMatchObject({ line: 5, endCut: true, reason: expect.stringMatching(cutWords(bytes)) });
  });

  it('says the whole lines cut after a line cut in its middle, with it', () => {
    const { dir, journal, file } = journalWith(6);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.truncateSync(file, Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n${(lines[3] as string).slice(0, 20)}`));
    journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: '/databox status after' } });
    expect(readJournal(dir).verify.problem?.reason).toMatch(
      /as the record at this line says, the journal's last line, line 4 \(.*\), was written and acknowledged .* not a crash while writing it\); 2 more lines written after it \(records 5–6\) were cut from the journal's end with it \(the check found: sequence number 7 where 4 was expected\)$/,
    );
  });

  it('notices it between group commits too, the lock kept or not, and after a look that read the cut file', async () => {
    const { dir, journal, file } = journalWith(4);
    await journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'five' } });
    await journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'six' } });
    const bytes = cutLastLines(file, 2);
    await journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'after' } });
    await journal.flushed();
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as JournalRecord).type).slice(4)).toEqual(['journal.end-cut', 'command.received']);
    expect(readJournal(dir).verify.problem?.reason).toMatch(cutWords(bytes));

    // Cut by replacing the file (a new file moved over it): the append file kept open is the old one, so its size does
    // not show the cut; the file at the journal's path does, and the line after it goes there.
    const replaced = journalWith(4);
    await replaced.journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'five' } });
    await replaced.journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'six' } });
    const text = fs.readFileSync(replaced.file, 'utf8');
    const kept = `${text.trimEnd().split('\n').slice(0, -2).join('\n')}\n`;
    fs.writeFileSync(`${replaced.file}.tmp`, kept);
    fs.renameSync(`${replaced.file}.tmp`, replaced.file);
    await replaced.journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'after' } });
    await replaced.journal.flushed();
    expect(fs.readFileSync(replaced.file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as JournalRecord).type).slice(4)).toEqual(['journal.end-cut', 'command.received']);
    expect(readJournal(replaced.dir).verify.problem?.reason).toMatch(cutWords(Buffer.byteLength(text) - Buffer.byteLength(kept)));

    // A look at the journal (the bot's sweep catching up) reads the cut file before the next write: still said.
    const other = journalWith(6);
    const otherBytes = cutLastLines(other.file, 2);
    other.journal.catchUp();
    await other.journal.commit({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: 'after' } });
    await other.journal.flushed();
    expect(readJournal(other.dir).verify.problem?.reason).toMatch(cutWords(otherBytes));
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

  it('names lines, not sequence numbers, where the two differ: a loss accepted, a postmortem after it, a head naming a rewritten line', () => {
    const { dir, file } = journalWith(3);
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8').split('\n')[0]}\n`);
    expect(repair(dir).code).toBe(0);
    // Line 2 is the record of the cut (sequence number 4), line 3 the acceptance: the scenario-1 incident follows from line 4.
    const journal = new Journal(dir);
    journal.load();
    const incident = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as JournalRecord);
    for (const { type, incident: id, actor, data } of incident) journal.append({ type, incident: id, actor, data });
    const incidentId = incident.find((r) => r.type === 'incident.opened')?.incident as string;
    const runbooks = loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks'));
    const { markdown } = writePostmortem({ stateDir: dir, runbooks, root: fixtureRoot, incidentId });
    expect(markdown).toMatch(/> \*\*Lines were lost from the journal before line 2\*\* \(as the record at this line says, 2 lines were removed from the journal's end \(records 2–3; .* \(the check found: sequence number 4 where 2 was expected\)\), and \*\*terminal:bob\*\* accepted the loss at line 3: what they held cannot be shown\./);
    expect(markdown).toContain(`| Record | ${incident.length} journal records of this incident, lines 4–${incident.length + 3} of `);
    expect(markdown).toContain('hash chain verified, but for lines lost before line 2, accepted |');

    // The head names line 10 (sequence number 12) with another hash: the problem is line 10, and nothing from it on counts.
    const tenth = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[9] as string) as JournalRecord;
    fs.writeFileSync(headFile(file), JSON.stringify({ seq: tenth.seq, hash: 'f'.repeat(64) }));
    const verified = readJournal(dir).verify;
    expect(tenth.seq).toBe(12);
    expect(verified.problem).toEqual({ line: 10, reason: 'this line differs from the one written there (the journal was rewritten at or before line 10; where the rewrite began cannot be told)', rewritten: true });
    expect(verified.records.map((r) => r.seq)).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
