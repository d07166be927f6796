// Tests the hash-chained JSON Lines journal (src/journal/journal.ts, src/journal/record.ts): appends, verification, sharing, replay.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkHead, readHead } from '../../src/journal/head.js';
import { verifyJournal } from '../../src/journal/accepted-damage.js';
import { Journal } from '../../src/journal/journal.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { useTempDirs } from '../support/fixtures.js';
import { expectThreeWritersWhole } from '../support/journal-writers.js';

const tempDir = useTempDirs('databox-journal-');
const zeros = '0'.repeat(64);

/** The chain rule, written out independently of record.ts: sha256 over these fields in this order. */
function expectedHash(r: Omit<JournalRecord, 'hash'>): string {
  const { seq, at, type, incident, actor, data, prev } = r;
  return createHash('sha256').update(JSON.stringify({ seq, at, type, incident, actor, data, prev })).digest('hex');
}

function tickingClock(start = Date.parse('2026-04-20T10:00:00Z')): () => Date {
  let n = 0;
  return () => new Date(start + 1000 * n++);
}

function journalWith(count: number): { dir: string; journal: Journal; records: JournalRecord[] } {
  const dir = tempDir();
  const journal = new Journal(dir, tickingClock());
  journal.load();
  const records = Array.from({ length: count }, (_, i) =>
    journal.append({ type: 'test.event', incident: 'dbx-20260420-3fa2', actor: 'U012ABCDEF', data: { i, note: `event ${i}` } }),
  );
  return { dir, journal, records };
}

const readLines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
const joinLines = (lines: string[]) => lines.map((line) => `${line}\n`).join('');

describe('Journal.append', () => {
  it('writes one line per record, each on disk as soon as append returns', () => {
    const dir = tempDir();
    const journal = new Journal(dir, tickingClock());
    journal.load();
    const file = path.join(dir, 'journal.jsonl');
    expect(journal.file).toBe(file);
    const first = journal.append({ type: 'incident.opened', incident: 'dbx-20260420-3fa2', actor: 'U012ABCDEF', data: { scenario: 'duckdb' } });
    expect(readLines(file)).toEqual([JSON.stringify(first)]);
    const second = journal.append({ type: 'note' });
    expect(readLines(file)).toEqual([JSON.stringify(first), JSON.stringify(second)]);
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('numbers records from 1, stamps them with the clock and fills in nulls and {}', () => {
    const { records } = journalWith(1);
    const dir = tempDir();
    const journal = new Journal(dir, () => new Date('2026-04-20T10:15:30.123Z'));
    journal.load();
    const bare = journal.append({ type: 'note' });
    expect(bare).toMatchObject({ seq: 1, at: '2026-04-20T10:15:30.123Z', type: 'note', incident: null, actor: null, data: {}, prev: zeros });
    expect(records[0]).toMatchObject({ seq: 1, at: '2026-04-20T10:00:00.000Z', incident: 'dbx-20260420-3fa2', actor: 'U012ABCDEF' });
  });

  it('chains every record to the one before by its sha256 hash', () => {
    const { records } = journalWith(5);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]?.prev).toBe(zeros);
    records.forEach((record, i) => {
      expect(record.hash).toBe(expectedHash(record));
      if (i > 0) expect(record.prev).toBe(records[i - 1]?.hash);
    });
    expect(new Set(records.map((r) => r.hash)).size).toBe(5);
  });

  it('leaves no lock file behind, only the journal and its head', () => {
    const { dir } = journalWith(3);
    expect(fs.readdirSync(dir).sort()).toEqual(['journal.jsonl', 'journal.jsonl.head']);
  });

  it('replaces an empty or garbled head beside an empty journal (a power cut after its first head), and keeps one that reads', () => {
    for (const leftover of ['', '{"seq":']) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'journal.jsonl.head'), leftover);
      const journal = new Journal(dir, tickingClock());
      journal.load();
      journal.append({ type: 'test.event', incident: null, actor: 'U012ABCDEF', data: {} }, { durable: true });
      journal.append({ type: 'test.event', incident: null, actor: 'U012ABCDEF', data: {} }, { durable: true });
      const again = new Journal(dir, tickingClock());
      again.load();
      expect(again.problem, `head left as ${JSON.stringify(leftover)}`).toBeUndefined();
      expect(readHead(path.join(dir, 'journal.jsonl'))?.seq).toBe(2);
    }
    // A head that reads beside a journal with no line is what a journal cut to nothing leaves: kept, and the cut found.
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'journal.jsonl.head'), JSON.stringify({ seq: 5, hash: zeros }));
    fs.writeFileSync(path.join(dir, 'journal.jsonl'), '');
    const cut = new Journal(dir, tickingClock());
    cut.load();
    expect(cut.problem).toBeDefined();
    // Beside no journal file at all, it was moved or deleted: nothing is created in its place.
    fs.rmSync(path.join(dir, 'journal.jsonl'));
    expect(() => new Journal(dir, tickingClock()).load()).toThrow(/journal\.jsonl is missing but its head .* names record \d+: put it back/);
    expect(fs.existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
  });

  it('takes over a lock left behind by a process that has died', async () => {
    const dir = tempDir();
    const gone = execa('true');
    const pid = gone.pid as number;
    await gone;
    expect(pid).toBeGreaterThan(0);
    fs.writeFileSync(path.join(dir, 'journal.jsonl.lock'), String(pid));
    const journal = new Journal(dir);
    journal.load();
    const started = Date.now();
    expect(journal.append({ type: 'note' }).seq).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fs.existsSync(path.join(dir, 'journal.jsonl.lock'))).toBe(false);
  });
});

describe('verifyLines', () => {
  it('passes an intact journal and returns its records', () => {
    const { journal, records } = journalWith(6);
    const result = verifyLines(fs.readFileSync(journal.file, 'utf8'));
    expect(result.problem).toBeUndefined();
    expect(result.intactCount).toBe(6);
    expect(result.records).toEqual(records);
  });

  it('passes an empty journal', () => {
    expect(verifyLines('')).toEqual({ records: [], intactCount: 0 });
  });

  it('names an edited line (content changed, hash kept)', () => {
    const { journal } = journalWith(6);
    const lines = readLines(journal.file);
    lines[3] = (lines[3] as string).replace('"event 3"', '"event 3 (approved)"');
    const result = verifyLines(joinLines(lines));
    expect(result.problem).toEqual({ line: 4, reason: 'its content does not match its hash (the line was edited)' });
    expect(result.intactCount).toBe(3);
    expect(result.records.map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('names the line after an edited line whose hash was recomputed', () => {
    const { journal } = journalWith(6);
    const lines = readLines(journal.file);
    const edited = JSON.parse(lines[2] as string) as JournalRecord;
    edited.actor = 'U0INTRUDER';
    edited.hash = expectedHash(edited);
    lines[2] = JSON.stringify(edited);
    const result = verifyLines(joinLines(lines));
    expect(result.problem?.line).toBe(4);
    expect(result.problem?.reason).toMatch(/does not link to the line before it/);
    expect(result.intactCount).toBe(3);
  });

  it('names the line where one was removed', () => {
    const { journal } = journalWith(6);
    const lines = readLines(journal.file);
    lines.splice(2, 1);
    const result = verifyLines(joinLines(lines));
    expect(result.problem).toEqual({ line: 3, reason: 'sequence number 4 where 3 was expected (a line removed or inserted?)' });
    expect(result.intactCount).toBe(2);
  });

  it('cannot see the last line removed: what remains is a valid shorter chain (a known limit of hash chains)', () => {
    const { journal } = journalWith(4);
    const result = verifyLines(joinLines(readLines(journal.file).slice(0, 3)));
    expect(result.problem).toBeUndefined();
    expect(result.intactCount).toBe(3);
  });

  it('names the first of two reordered lines', () => {
    const { journal } = journalWith(6);
    const lines = readLines(journal.file);
    [lines[1], lines[2]] = [lines[2] as string, lines[1] as string];
    const result = verifyLines(joinLines(lines));
    expect(result.problem?.line).toBe(2);
    expect(result.intactCount).toBe(1);
  });

  it('names a line that is not JSON, and a half-written last line', () => {
    const { journal } = journalWith(6);
    const lines = readLines(journal.file);
    const broken = [...lines];
    broken[4] = '{"seq":5,"at":';
    expect(verifyLines(joinLines(broken)).problem).toEqual({ line: 5, reason: 'not valid JSON' });
    const halfWritten = joinLines(lines).slice(0, -20);
    expect(verifyLines(halfWritten).problem).toEqual({ line: 6, reason: 'not valid JSON' });
  });

  it('names a line that is JSON but not a record', () => {
    const { journal } = journalWith(3);
    const lines = readLines(journal.file);
    for (const bad of ['null', '42', '"text"', '{"seq":2}']) {
      const result = verifyLines(joinLines([lines[0] as string, bad, lines[2] as string]));
      expect(result.problem).toEqual({ line: 2, reason: 'not a journal record' });
    }
  });

  it('names an inserted blank line', () => {
    const { journal } = journalWith(3);
    const lines = readLines(journal.file);
    expect(verifyLines(joinLines([lines[0] as string, '', lines[1] as string])).problem?.line).toBe(2);
  });
});

describe('two Journal instances on one state dir', () => {
  it('interleave appends into one consistent chain, each catching up on the other', () => {
    const dir = tempDir();
    const first = new Journal(dir);
    const second = new Journal(dir);
    first.load();
    second.load();
    const seenByFirst: number[] = [];
    first.onRecord((r) => seenByFirst.push(r.seq));
    const a = first.append({ type: 'from.first', data: { n: 1 } });
    const b = second.append({ type: 'from.second', data: { n: 2 } });
    const c = second.append({ type: 'from.second', data: { n: 3 } });
    const d = first.append({ type: 'from.first', data: { n: 4 } });
    expect([a.seq, b.seq, c.seq, d.seq]).toEqual([1, 2, 3, 4]);
    expect(b.prev).toBe(a.hash);
    expect(d.prev).toBe(c.hash);
    // The first instance saw the second's records, in order, when it caught up before appending.
    expect(seenByFirst).toEqual([1, 2, 3, 4]);
    const result = verifyLines(fs.readFileSync(first.file, 'utf8'));
    expect(result.problem).toBeUndefined();
    expect(result.records.map((r) => r.type)).toEqual(['from.first', 'from.second', 'from.second', 'from.first']);
  });

  it('catchUp replays another instance\'s records to listeners without appending', () => {
    const dir = tempDir();
    const writer = new Journal(dir);
    const reader = new Journal(dir);
    writer.load();
    reader.load();
    const seen: string[] = [];
    reader.onRecord((r) => seen.push(`${r.seq}:${r.type}`));
    writer.append({ type: 'one' });
    writer.append({ type: 'two' });
    reader.catchUp();
    reader.catchUp();
    expect(seen).toEqual(['1:one', '2:two']);
    expect(readLines(writer.file)).toHaveLength(2);
  });

  it('holds together when three real processes append at once', async () => {
    const dir = tempDir();
    await expectThreeWritersWhole(dir, 150, 'append', 40_000);
    expect(fs.existsSync(path.join(dir, 'journal.jsonl.lock'))).toBe(false);
  });
});

describe('reloading', () => {
  it('replays every record to listeners in order, then continues the chain', () => {
    const { dir, records } = journalWith(4);
    const reloaded = new Journal(dir);
    const replayed: JournalRecord[] = [];
    reloaded.onRecord((r) => replayed.push(r));
    expect(reloaded.load()).toEqual(records);
    expect(replayed).toEqual(records);
    expect(reloaded.problem).toBeUndefined();
    const next = reloaded.append({ type: 'after.restart' });
    expect(next.seq).toBe(5);
    expect(next.prev).toBe(records[3]?.hash);
    expect(verifyLines(fs.readFileSync(reloaded.file, 'utf8')).intactCount).toBe(5);
  });

  it('reports a tampered journal but still replays what parses', () => {
    const { dir, journal } = journalWith(4);
    const lines = readLines(journal.file);
    lines[1] = (lines[1] as string).replace('"event 1"', '"event one"');
    lines.splice(2, 0, 'garbage');
    fs.writeFileSync(journal.file, joinLines(lines));
    const reloaded = new Journal(dir);
    const replayed: string[] = [];
    reloaded.onRecord((r) => replayed.push(r.data.note as string));
    reloaded.load();
    expect(reloaded.problem).toEqual({ line: 2, reason: 'its content does not match its hash (the line was edited); further lines that fail on their own: 3' });
    expect(replayed).toEqual(['event 0', 'event one', 'event 2', 'event 3']);
  });

  it('loads an empty state dir as an empty journal', () => {
    const journal = new Journal(path.join(tempDir(), 'nested', 'state'));
    expect(journal.load()).toEqual([]);
    expect(journal.problem).toBeUndefined();
    expect(journal.append({ type: 'first' }).prev).toBe(zeros);
  });
});

describe('the end of the journal', () => {
  it('notices lines removed from its end, which the hash chain alone cannot', async () => {
    const dir = tempDir();
    const journal = new Journal(dir);
    for (let i = 0; i < 4; i += 1) journal.append({ type: 'step.finished', data: { i } });
    const text = fs.readFileSync(journal.file, 'utf8');
    expect(checkHead(verifyLines(text), readHead(journal.file), journal.file).problem).toBeUndefined();
    const shortened = text.split('\n').slice(0, 3).join('\n') + '\n';
    expect(verifyLines(shortened).problem).toBeUndefined();
    expect(checkHead(verifyLines(shortened), readHead(journal.file), journal.file).problem).toEqual({
      line: 4,
      reason: 'the journal ends at line 3, but line 4 was written: lines were removed from its end',
    });
  });

  it('keeps a whole, chained last line that only lacks its newline, as journal verify does; one that does not chain is set aside', () => {
    const dir = tempDir();
    const journal = new Journal(dir);
    for (let i = 0; i < 3; i += 1) journal.append({ type: 'step.finished', data: { i } });
    const whole = fs.readFileSync(journal.file, 'utf8');
    fs.writeFileSync(journal.file, whole.slice(0, -1));
    expect(checkHead(verifyJournal(whole.slice(0, -1)), readHead(journal.file), journal.file).problem, 'journal verify').toBeUndefined();
    const reopened = new Journal(dir);
    reopened.load();
    expect(reopened.problem).toBeUndefined();
    expect(reopened.setAside).toEqual([]);
    expect(fs.readFileSync(journal.file, 'utf8')).toBe(whole);
    reopened.append({ type: 'command.received', data: { text: 'after' } });
    reopened.requireVerified();
    expect(fs.readdirSync(dir).filter((name) => name.includes('.torn-'))).toEqual([]);

    // Whole JSON, but not the line that follows the one before it (its number skips one): torn, set aside as before.
    const lines = fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) as string) as JournalRecord;
    fs.writeFileSync(journal.file, `${lines.slice(0, -1).join('\n')}\n${JSON.stringify({ ...last, seq: last.seq + 1 })}`);
    const third = new Journal(dir);
    third.load();
    expect(third.setAside).toHaveLength(1);
  });

  it('sets a torn last line (a write cut short) aside instead of gluing the next line onto it', () => {
    const dir = tempDir();
    const journal = new Journal(dir);
    journal.append({ type: 'incident.opened', data: {} });
    fs.appendFileSync(journal.file, '{"seq":2,"at":"2026-04-20T10:0');
    const reopened = new Journal(dir);
    reopened.load();
    reopened.append({ type: 'command.received', data: { text: 'after the crash' } });
    const text = fs.readFileSync(journal.file, 'utf8');
    expect(verifyLines(text).problem).toBeUndefined();
    expect(verifyLines(text).records.map((r) => r.type)).toEqual(['incident.opened', 'journal.repaired', 'command.received']);
    const aside = fs.readdirSync(dir).filter((name) => name.startsWith('journal.jsonl.torn-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe('{"seq":2,"at":"2026-04-20T10:0');
  });
});
