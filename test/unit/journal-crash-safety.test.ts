// Tests what a crash, a full disk or a racing process leaves in the journal (src/journal/journal.ts, lock.ts, record.ts).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { Journal, JournalUnwritable, type WriteFn } from '../../src/journal/journal.js';
import { FileLock } from '../../src/journal/lock.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-journal-crash-');
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('a torn last line', () => {
  it('is set aside at start-up, the journal verifies again, and the repair is on the record for its incident', () => {
    const dir = tempDir();
    const first = new Journal(dir);
    first.load();
    first.append({ type: 'incident.opened', incident: 'dbx-20260420-3fa2', data: {} });
    fs.appendFileSync(first.file, '{"seq":2,"at":"2026-04-20T10:00:00.000Z","type":"run.approved","incident":"dbx-20260420-3fa2","act');
    const restarted = new Journal(dir);
    const repairs: string[] = [];
    restarted.onRepair((aside, record) => repairs.push(`${aside.incident} ${path.basename(aside.file)} ${record?.type}`));
    restarted.load();
    expect(restarted.problem, 'approvals are not blocked after the repair').toBeUndefined();
    expect(repairs).toEqual([expect.stringMatching(/^dbx-20260420-3fa2 journal\.jsonl\.torn-\d{8}T\d{9}Z journal\.repaired$/)]);
    const verified = verifyLines(fs.readFileSync(first.file, 'utf8'));
    expect(verified.problem).toBeUndefined();
    const repaired = verified.records[1] as JournalRecord;
    expect(repaired).toMatchObject({ type: 'journal.repaired', incident: 'dbx-20260420-3fa2', data: { bytes: 98 } });
    expect(repaired.data.excerpt).toContain('"type":"run.approved"');
    expect(fs.readFileSync(repaired.data.setAside as string, 'utf8')).toMatch(/^\{"seq":2,.*"act$/);
    // A second restart finds nothing more to repair.
    const again = new Journal(dir);
    again.load();
    expect(again.problem).toBeUndefined();
    expect(again.setAside).toEqual([]);
  });

  it('left by another process while this one runs is set aside at the next append, and a flag it caused is cleared', () => {
    const dir = tempDir();
    const journal = new Journal(dir);
    journal.load();
    journal.append({ type: 'one' });
    fs.appendFileSync(journal.file, '{"seq":2,"at":"2026-04-20T');
    const reader = new Journal(dir);
    reader.load();
    expect(reader.problem).toBeUndefined();
    journal.append({ type: 'two' });
    expect(lines(journal.file).map((l) => JSON.parse(l).type)).toEqual(['one', 'journal.repaired', 'two']);
    expect(journal.problem).toBeUndefined();
  });
});

describe('a torn last line the head says was written', () => {
  const incident = 'dbx-20260420-3fa2';
  /** Three events acknowledged (each on disk, its head written), then the file cut partway through the third. */
  function acknowledgedThenCut(dir: string): { file: string; kept: string } {
    const first = new Journal(dir);
    first.load();
    first.append({ type: 'incident.opened', incident, data: {} });
    first.append({ type: 'run.proposed', incident, data: { runId: `${incident}/2` } });
    first.append({ type: 'run.approved', incident, actor: 'U0APPROVER', data: { runId: `${incident}/2` } });
    const text = fs.readFileSync(first.file, 'utf8');
    fs.writeFileSync(first.file, text.slice(0, text.length - 40));
    return { file: first.file, kept: text.slice(0, text.length - 40) };
  }
  const lostWords = `the journal's last line, line 3 (run.approved of ${incident}), was written and acknowledged (its head file says so) and is now cut short: an acknowledged event is lost`;

  it('is an acknowledged event lost, named, never "never acknowledged": set aside, and the journal fails verification until repaired', () => {
    const dir = tempDir();
    const { file } = acknowledgedThenCut(dir);
    const restarted = new Journal(dir);
    restarted.load();
    expect(restarted.setAside).toHaveLength(1);
    expect(restarted.setAside[0]?.acknowledged).toEqual({ line: 3, seq: 3, type: 'run.approved', incident });
    // Damage: the Approve that Slack was told of is gone, so changes wait for a person, as for lines cut from the end.
    expect(restarted.problem?.line).toBe(3);
    expect(restarted.problem?.reason).toContain(lostWords);
    expect(() => restarted.requireVerified()).toThrow(lostWords);
    const records = lines(file).map((l) => JSON.parse(l) as JournalRecord);
    const repaired = records.at(-1) as JournalRecord;
    expect(repaired).toMatchObject({ type: 'journal.repaired', incident, seq: 4, data: { acknowledged: { line: 3, seq: 3, type: 'run.approved', incident } } });
    expect(repaired.data.reason).toContain(lostWords);
    expect(JSON.stringify(repaired.data)).not.toContain('never acknowledged');
    // The gap stays in the chain: the record continues after the line the head says was written.
    expect(verifyLines(fs.readFileSync(file, 'utf8')).problem?.line).toBe(3);
  });

  it('left by another process while this one runs is said the same way at the next append', () => {
    const dir = tempDir();
    const running = new Journal(dir);
    running.load();
    acknowledgedThenCut(dir);
    running.append({ type: 'command.received', data: { text: 'status' } });
    expect(running.setAside[0]?.acknowledged).toMatchObject({ line: 3, type: 'run.approved' });
    expect(running.problem?.reason).toContain(lostWords);
    expect(lines(running.file).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 4, 5]);
  });

  it('a write that never finished (the head does not name it) is still "never acknowledged", and verifies again', () => {
    const dir = tempDir();
    const first = new Journal(dir);
    first.load();
    first.append({ type: 'incident.opened', incident, data: {} });
    fs.appendFileSync(first.file, `{"seq":2,"at":"2026-04-20T10:00:00.000Z","type":"run.approved","incident":"${incident}","act`);
    const restarted = new Journal(dir);
    restarted.load();
    expect(restarted.setAside[0]?.acknowledged).toBeUndefined();
    expect(restarted.problem).toBeUndefined();
    expect(JSON.parse(lines(first.file).at(-1) as string).data.reason).toContain('never acknowledged');
  });
});

describe('a head write cut off by an exit', () => {
  it('leaves a temporary file that the next start removes, when its writer is gone; a live writer\'s stays', async () => {
    const dir = tempDir();
    const first = new Journal(dir);
    first.load();
    first.append({ type: 'before' });
    const ended = execa(process.execPath, ['-e', '']);
    const gone = ended.pid as number;
    await ended;
    const live = process.ppid;
    const names = [`journal.jsonl.head.${gone}.tmp`, `journal.jsonl.head.${gone}-3.tmp`, `journal.jsonl.head.${live}-1.tmp`];
    for (const name of names) fs.writeFileSync(path.join(dir, name), '{"seq":1,');
    new Journal(dir).load();
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([`journal.jsonl.head.${live}-1.tmp`]);
    expect(fs.existsSync(path.join(dir, 'journal.jsonl.head')), 'the head itself stays').toBe(true);
  });
});

describe('a head file path that holds a directory', () => {
  it('is told once as the head\'s own trouble; the lines are written and nothing is refused as if the state dir could not be written', async () => {
    const dir = tempDir();
    const told: string[] = [];
    const writability: unknown[] = [];
    const journal = new Journal(dir, undefined, undefined, { onHeadUnwritten: (reason) => told.push(reason), onWritability: (state) => writability.push(state) });
    journal.load();
    journal.append({ type: 'first' }, { durable: true });
    // Put there once the journal has lines (a new journal's first head comes before its first line: refused without it).
    fs.rmSync(`${journal.file}.head`);
    fs.mkdirSync(`${journal.file}.head`);
    await journal.commit({ type: 'second' });
    await journal.flushed();
    journal.append({ type: 'third' }, { durable: true });
    journal.append({ type: 'fourth' }, { durable: true });
    expect(told).toEqual([expect.stringMatching(/head file .*journal\.jsonl\.head is a directory, not a file/)]);
    expect(journal.unwritable).toBeUndefined();
    expect(writability, 'never said unwritable').toEqual([]);
    expect(() => journal.requireWritable()).not.toThrow();
    // The directory found is recorded once, before the first line written past it (the failure then names that line).
    expect(fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as JournalRecord).type)).toEqual(['first', 'journal.head-missing', 'second', 'third', 'fourth']);
  });
});

describe('a line with a field added', () => {
  it('does not verify, wherever the field is', () => {
    const dir = tempDir();
    const journal = new Journal(dir);
    journal.load();
    journal.append({ type: 'one', data: { a: 1 } });
    journal.append({ type: 'two' });
    const [first, second] = lines(journal.file) as [string, string];
    for (const edited of [`{"x":1,${first.slice(1)}`, `${first.slice(0, -1)},"approvedBy":"U0INTRUDER"}`, first.replace('"seq":1,', '"seq":1, ')]) {
      expect(verifyLines(`${edited}\n${second}\n`).problem).toEqual({ line: 1, reason: 'it is not byte for byte the line that was written (a field added, reordered or reformatted)' });
    }
  });

  it('leaves journals written by earlier versions readable and verified', () => {
    const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'journal', 'scenario1.jsonl'), 'utf8');
    const result = verifyLines(text);
    expect(result.problem).toBeUndefined();
    expect(result.intactCount).toBe(text.split('\n').filter(Boolean).length);
  });
});

describe('a write that fails or comes up short', { timeout: 180_000 }, () => {
  function shortWriter(): { write: WriteFn; full: { on: boolean } } {
    const full = { on: false };
    return {
      full,
      write: (fd, buffer) => (full.on ? fs.writeSync(fd, buffer, 0, Math.floor(buffer.length / 2)) : fs.writeSync(fd, buffer)),
    };
  }

  it('is a failed append: its bytes are cut off, the event is kept, and nothing durable goes ahead until it is written', () => {
    const dir = tempDir();
    const { write, full } = shortWriter();
    const journal = new Journal(dir, undefined, undefined, { write });
    const seen: string[] = [];
    journal.onRecord((r) => seen.push(r.type));
    journal.load();
    journal.append({ type: 'before' });
    const sizeBefore = fs.statSync(journal.file).size;
    full.on = true;
    journal.append({ type: 'diagnosis.verdict', data: { verdict: 'disk-full' } });
    expect(fs.statSync(journal.file).size, 'the half-written line is cut off again').toBe(sizeBefore);
    expect(journal.unwritable?.reason).toMatch(/only \d+ of \d+ bytes could be written/);
    expect(seen, 'the bot goes on with what it knows').toEqual(['before', 'diagnosis.verdict']);
    expect(() => journal.requireWritable()).toThrow(JournalUnwritable);
    expect(() => journal.requireWritable()).toThrow(/cannot be written .*Diagnoses still run/);
    expect(() => journal.append({ type: 'run.approved' }, { durable: true })).toThrow(JournalUnwritable);
    expect(seen).not.toContain('run.approved');
    full.on = false;
    journal.requireWritable();
    expect(journal.unwritable).toBeUndefined();
    journal.append({ type: 'after' });
    const verified = verifyLines(fs.readFileSync(journal.file, 'utf8'));
    expect(verified.problem).toBeUndefined();
    expect(verified.records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:before', '2:diagnosis.verdict', '3:after']);
    const reopened = new Journal(dir);
    reopened.load();
    expect(reopened.problem, 'the head agrees with the file').toBeUndefined();
  });

  it('kept in memory, is written by flushed() (a stopping bot) once the disk has room, and stays kept while it has none', async () => {
    const dir = tempDir();
    const { write, full } = shortWriter();
    const journal = new Journal(dir, undefined, undefined, { write });
    journal.load();
    full.on = true;
    journal.append({ type: 'run.finished', data: { status: 'failed' } });
    expect(journal.keptEvents().map((event) => event.type)).toEqual(['run.finished']);
    await journal.flushed();
    expect(journal.keptEvents(), 'still full: still kept').toHaveLength(1);
    full.on = false;
    await journal.flushed();
    expect(journal.keptEvents()).toEqual([]);
    expect(journal.unwritable).toBeUndefined();
    const verified = verifyLines(fs.readFileSync(journal.file, 'utf8'));
    expect(verified.problem).toBeUndefined();
    expect(verified.records.map((r) => r.type)).toEqual(['run.finished']);
  });

  it('on a real full disk (a 20 KiB tmpfs): every acknowledged line stays, none is cut, the rest is written once there is room', async (context) => {
    const probe = await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false });
    if (probe.exitCode !== 0) context.skip(`no mount namespaces here (${probe.stderr.trim()}); the injected writer above covers it`);
    const dir = tempDir();
    // 8 KiB of ballast, then a page each for the journal, its head and the head's temporary copy.
    const result = await execa(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=20k tmpfs "$0" && exec "$@"', dir, tsx, path.join(scriptsDir, 'journal-full-disk.ts'), dir],
      { reject: false, timeout: 150_000 },
    );
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as {
      acknowledged: number[];
      kept: number;
      unwritable: string;
      refused: string;
      onDiskWhileFull: string;
      afterSeq: number;
      stillUnwritable: unknown;
    };
    // A real full disk gives a short write first (the bytes that fit), then ENOSPC.
    expect(outcome.unwritable).toMatch(/^(only \d+ of \d+ bytes could be written \(is the disk full\?\)|no space left on the device)$/);
    expect(outcome.refused).toMatch(/cannot be written \((only|no space)/);
    expect(outcome.acknowledged.length).toBeGreaterThan(0);
    const whileFull = verifyLines(outcome.onDiskWhileFull);
    expect(whileFull.problem).toBeUndefined();
    expect(whileFull.records.map((r) => r.data.i)).toEqual(outcome.acknowledged);
    expect(outcome.afterSeq).toBe(outcome.acknowledged.length + outcome.kept + 1);
    expect(outcome.stillUnwritable).toBeNull();
  });
});

describe('the journal lock', { timeout: 180_000 }, () => {
  it('is taken by exactly one of two real processes that find a stale lock at the same moment', async () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'journal.jsonl.lock');
    const barrier = path.join(dir, 'barrier');
    fs.mkdirSync(barrier);
    const log = path.join(dir, 'log');
    // Left by a process of an earlier boot: stale whatever its PID is now.
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, start: '1', boot: '00000000-0000-0000-0000-000000000000', host: 'gone', nonce: 'old' }));
    const racers = [1, 2].map(() => execa(tsx, [path.join(scriptsDir, 'lock-race.ts'), lockFile, barrier, log, '2'], { reject: false, timeout: 150_000 }));
    const results = await Promise.all(racers);
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.stdout.trim(), 'both judged the lock stale at once').toBe('found it stale');
    }
    const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split(' ')[0]);
    expect(events, 'one holds the lock at a time').toEqual(['enter', 'leave', 'enter', 'leave']);
    expect(fs.readdirSync(dir).sort()).toEqual(['barrier', 'log']);
  });

  it('from another boot, or a reused PID, is recognised as left over; a live holder is waited for', () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'journal.jsonl.lock');
    const broken: string[] = [];
    const lock = new FileLock(lockFile, { waitMs: 300, onStale: (_holder, why) => broken.push(why) });
    fs.writeFileSync(lockFile, JSON.stringify({ pid: 1, start: '1', boot: '00000000-0000-0000-0000-000000000000', nonce: 'a' }));
    lock.acquireSync();
    lock.release();
    // Our own PID, but started at another time: a predecessor in a container where the bot is always PID 1.
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, start: '1', nonce: 'b' }));
    lock.acquireSync();
    lock.release();
    expect(broken).toEqual([expect.stringMatching(/from an earlier boot, which is gone/), expect.stringMatching(/PID \d+, which is gone/)]);
    const holder = new FileLock(lockFile);
    holder.acquireSync();
    expect(() => lock.acquireSync()).toThrow(/has been held by PID \d+ for more than 0.3s/);
    holder.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
