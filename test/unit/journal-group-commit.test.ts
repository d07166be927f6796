// Group commit (src/journal/journal.ts `commit`): events committed together share one write and one fsync, each caller
// resumes once its event is on disk, in order and chained, across processes too; the guarantees of `append` stay.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, vi } from 'vitest';
import { backgroundWaitMs, Journal, JournalUnwritable } from '../../src/journal/journal.js';
import { readHead } from '../../src/journal/head.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { FileLock } from '../../src/journal/lock.js';
import { projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';
import { expectThreeWritersWhole } from '../support/journal-writers.js';

const tempDir = useTempDirs('databox-group-commit-');
const onDisk = (journal: Journal) => verifyLines(fs.existsSync(journal.file) ? fs.readFileSync(journal.file, 'utf8') : '');

/** The head on disk and the time its file was written, read from one open file (a head renamed over it meanwhile is not mixed in). */
function headWithTime(journalFile: string): { seq: number; writtenMs: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(`${journalFile}.head`, 'r');
  } catch {
    return undefined;
  }
  try {
    const { seq } = JSON.parse(fs.readFileSync(fd, 'utf8')) as { seq: number };
    return { seq, writtenMs: fs.fstatSync(fd).mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

function fresh(options: ConstructorParameters<typeof Journal>[3] = {}): Journal {
  const journal = new Journal(tempDir(), undefined, undefined, options);
  journal.load();
  return journal;
}

describe('Journal.commit', { timeout: 180_000 }, () => {
  it('writes the events of one turn of the event loop in one write and one fsync, and resolves each only then', async () => {
    const journal = fresh();
    const resolvedWith: { seq: number; fsyncs: number; lines: number }[] = [];
    const committed = Array.from({ length: 50 }, (_, i) =>
      journal.commit({ type: 'test.event', data: { i } }).then((record) => {
        resolvedWith.push({ seq: record.seq, fsyncs: journal.stats.fsyncs, lines: onDisk(journal).records.length });
        return record;
      }),
    );
    expect(onDisk(journal).records, 'nothing is written while the caller still runs').toEqual([]);
    const records = await Promise.all(committed);
    expect(journal.stats).toEqual({ writes: 1, fsyncs: 1 });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const seen of resolvedWith) expect(seen).toMatchObject({ fsyncs: 1, lines: 50 });
    const verified = onDisk(journal);
    expect(verified.problem).toBeUndefined();
    expect(verified.records).toEqual(records);
    await journal.flushed();
    expect(readHead(journal.file)).toEqual({ seq: 50, hash: records[49]?.hash });
  });

  it('writes the head after group commits at most every 100 ms, always ending with the newest record', async () => {
    const journal = fresh();
    // Each head seen (by sequence number) with the time its file was written: the kernel's stamp, not when this test
    // looked, so a loaded host that delays a look cannot shorten a gap, and a head replaced before its look only lengthens one.
    const heads = new Map<number, number>();
    let paced = true;
    const watcher = fs.watch(path.dirname(journal.file), (_event, name) => {
      if (!paced || name !== 'journal.jsonl.head') return;
      const seen = headWithTime(journal.file);
      if (seen && seen.seq > 0 && !heads.has(seen.seq)) heads.set(seen.seq, seen.writtenMs);
    });
    try {
      // Sixty batches, each waited for and 10 ms apart: over 600 ms, several heads' worth however fast the disk.
      let last: JournalRecord | undefined;
      for (let batch = 0; batch < 60; batch += 1) {
        last = await journal.commit({ type: 'busy' });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Somebody waiting for the journal (a stop) has the head written at once, unpaced: its gap is not counted.
      paced = false;
      await journal.flushed();
      expect(readHead(journal.file)).toEqual({ seq: last?.seq, hash: last?.hash });
      const times = [...heads.entries()].sort(([a], [b]) => a - b).map(([, writtenMs]) => writtenMs);
      const gapsMs = times.slice(1).map((time, index) => time - (times[index] as number));
      expect(gapsMs.length, 'gaps between paced heads seen').toBeGreaterThanOrEqual(2);
      // Less a tick of the coarsest clock a kernel stamps files with (10 ms) and a timer's rounding.
      expect(Math.min(...gapsMs), `gaps between heads (ms): ${gapsMs.map((gap) => gap.toFixed(1)).join(', ')}`).toBeGreaterThanOrEqual(100 - 15);
    } finally {
      watcher.close();
    }
  });

  it('shares an fsync among the events that arrive while one is under way', async () => {
    const journal = fresh();
    const first = journal.commit({ type: 'first' });
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 20 }, (_, i) => journal.commit({ type: 'later', data: { i } }));
    await Promise.all([first, ...later]);
    expect(journal.stats.writes).toBe(2);
    expect(journal.stats.fsyncs).toBeLessThanOrEqual(2);
    expect(onDisk(journal).records.map((r) => r.type)).toEqual(['first', ...later.map(() => 'later')]);
  });

  it('leaves at least 4 ms between the starts of two fsyncs, so batches that follow closely share one', async () => {
    const journal = fresh();
    const committed: Promise<unknown>[] = [];
    const started = Date.now();
    while (Date.now() - started < 300) {
      committed.push(journal.commit({ type: 'tick', data: { i: committed.length } }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(committed);
    const elapsed = Date.now() - started;
    expect(journal.stats.writes, 'a batch per turn of the event loop').toBeGreaterThan(20);
    expect(journal.stats.fsyncs).toBeLessThanOrEqual(Math.ceil(elapsed / 4) + 1);
    expect(journal.stats.fsyncs).toBeLessThan(journal.stats.writes);
    expect(onDisk(journal).records).toHaveLength(committed.length);
  });

  it('calls a check under the lock in order, seeing the events before it in the same write; a check that throws aborts its event only', async () => {
    const journal = fresh();
    const decided = new Set<string>();
    journal.onRecord((r) => {
      if (r.type === 'run.approved') decided.add(r.data.runId as string);
    });
    const approve = () =>
      journal.commit(() => {
        if (decided.has('r1')) throw new Error('already approved');
        return { type: 'run.approved', data: { runId: 'r1' } };
      });
    const results = await Promise.allSettled([approve(), approve(), journal.commit({ type: 'after' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(onDisk(journal).records.map((r) => r.type)).toEqual(['run.approved', 'after']);
  });

  it('keeps the order of commits and synchronous appends made one after the other', async () => {
    const journal = fresh();
    const a = journal.commit({ type: 'a' });
    journal.append({ type: 'b' });
    const c = journal.commit({ type: 'c' });
    await Promise.all([a, c]);
    expect(onDisk(journal).records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:a', '2:b', '3:c']);
  });

  it('keeps a batch whose write comes up short in memory, writes it first once it can, and refuses a durable event meanwhile', async () => {
    const full = { on: true };
    const journal = fresh({ write: (fd, buffer) => (full.on ? fs.writeSync(fd, buffer, 0, 3) : fs.writeSync(fd, buffer)) });
    const seen: string[] = [];
    journal.onRecord((r) => seen.push(r.type));
    const kept = await Promise.all([journal.commit({ type: 'one' }), journal.commit({ type: 'two' })]);
    expect(kept.map((r) => r.type)).toEqual(['one', 'two']);
    expect(seen).toEqual(['one', 'two']);
    expect(fs.readFileSync(journal.file, 'utf8'), 'the short write is cut off again').toBe('');
    expect(journal.unwritable?.reason).toMatch(/only 3 of \d+ bytes/);
    await expect(journal.commit({ type: 'run.approved' }, { durable: true })).rejects.toThrow(JournalUnwritable);
    full.on = false;
    await journal.commit({ type: 'three' });
    expect(onDisk(journal).records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:one', '2:two', '3:three']);
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(journal.unwritable).toBeUndefined();
  });

  it('is all on disk when flushed() resolves, though nobody waited for the events', async () => {
    const journal = fresh();
    for (let i = 0; i < 5; i += 1) void journal.commit({ type: 'fire-and-forget', data: { i } });
    await journal.flushed();
    expect(onDisk(journal).records).toHaveLength(5);
    expect(readHead(journal.file)?.seq).toBe(5);
    await journal.flushed();
  });

  it('takes the lock once for batches that follow each other closely, and lets it go after a pause or at flushed()', async () => {
    const journal = fresh();
    const lockFile = `${journal.file}.lock`;
    const takes = vi.spyOn(FileLock.prototype, 'acquireSync');
    try {
      // A batch per turn of the event loop, not waiting for the fsyncs (a slow disk would make the gaps long).
      const committed: Promise<unknown>[] = [];
      for (let i = 0; i < 5; i += 1) {
        committed.push(journal.commit({ type: 'close', data: { i } }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(fs.existsSync(lockFile), 'kept for the next batch').toBe(true);
      await Promise.all(committed);
      expect(journal.stats.writes, 'five batches').toBe(5);
      expect(takes).toHaveBeenCalledTimes(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fs.existsSync(lockFile), 'let go once no batch came for a while').toBe(false);
      await journal.commit({ type: 'after a pause' });
      expect(takes).toHaveBeenCalledTimes(2);
      await journal.flushed();
      expect(fs.existsSync(lockFile), 'let go at flushed()').toBe(false);
    } finally {
      takes.mockRestore();
    }
    expect(onDisk(journal).records.map((r) => r.type)).toEqual([...Array.from({ length: 5 }, () => 'close'), 'after a pause']);
  });

  it('fsyncs a batch on the file it keeps open, which a release meanwhile closes only once that fsync is done', async () => {
    const journal = fresh();
    journal.append({ type: 'opens the file' });
    const opens = vi.spyOn(fs, 'open');
    const closes = vi.spyOn(fs, 'closeSync');
    const held: { fd: number; done: (error: NodeJS.ErrnoException | null) => void }[] = [];
    const realFsync = fs.fsync;
    const fsyncs = vi.spyOn(fs, 'fsync').mockImplementation(((fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      held.push({ fd, done });
    }) as typeof fs.fsync);
    try {
      const committed = journal.commit({ type: 'batched' });
      await vi.waitFor(() => expect(held).toHaveLength(1));
      expect(opens, 'not opened by name for its fsync').not.toHaveBeenCalled();
      const [{ fd, done }] = held as [(typeof held)[number]];
      // Taking the lock opened and closed files of its own, which may have had this number then.
      closes.mockClear();
      // Another journal of this process takes the lock: this one's lease ends, and its file would be closed with it.
      const other = new Journal(path.dirname(journal.file));
      other.load();
      other.append({ type: 'another writer' });
      expect(closes, 'still open under the fsync').not.toHaveBeenCalledWith(fd);
      fsyncs.mockRestore();
      realFsync(fd, done);
      expect((await committed).type).toBe('batched');
      expect(closes, 'closed once it was done').toHaveBeenCalledWith(fd);
    } finally {
      fsyncs.mockRestore();
      opens.mockRestore();
      closes.mockRestore();
    }
    expect(onDisk(journal).records.map((r) => r.type)).toEqual(['opens the file', 'batched', 'another writer']);
  });

  it('never puts an older head back over one another writer wrote meanwhile', async () => {
    const first = fresh();
    await first.commit({ type: 'a' });
    // Within 100 ms of the first head: this one's head waits for its pace.
    const b = await first.commit({ type: 'b' });
    const other = new Journal(path.dirname(first.file));
    other.load();
    const c = other.append({ type: 'c, written by another writer' });
    expect(readHead(first.file)).toEqual({ seq: c.seq, hash: c.hash });
    await first.flushed();
    expect(b.seq).toBeLessThan(c.seq);
    expect(readHead(first.file), 'the held-back head of b did not replace c').toEqual({ seq: c.seq, hash: c.hash });
    expect(onDisk(first).problem).toBeUndefined();
  });

  it('refuses an append nested in a check made under the lock, and keeps the journal whole', async () => {
    const journal = fresh();
    const nested = journal.commit(() => {
      journal.append({ type: 'inside' });
      return { type: 'outside' };
    });
    await expect(nested).rejects.toThrow(/already in use by this journal: an append cannot be nested/);
    await journal.commit({ type: 'after' });
    expect(onDisk(journal).records.map((r) => r.type)).toEqual(['after']);
  });

  it('hands the kept lock at once to another journal of the same process on the same file', async () => {
    const first = fresh();
    await first.commit({ type: 'first' });
    const second = new Journal(path.dirname(first.file));
    const started = Date.now();
    second.load();
    await second.commit({ type: 'second' });
    expect(Date.now() - started, 'not the 10 s wait for a lock held by a live process').toBeLessThan(2_000);
    await first.commit({ type: 'third' });
    expect(onDisk(first).records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:first', '2:second', '3:third']);
    await Promise.all([first.flushed(), second.flushed()]);
  });

  it('lets another process take its turn while this one commits without a pause', async () => {
    const journal = fresh();
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const other = execa(tsx, [path.join(scriptsDir, 'journal-append.ts'), path.dirname(journal.file), '5'], { reject: false, timeout: 60_000 });
    let otherDone = false;
    void other.finally(() => (otherDone = true));
    const deadline = Date.now() + 45_000;
    // A commit every turn of the event loop, not waiting for the fsyncs: the lock never goes unused for long.
    const committed: Promise<unknown>[] = [];
    while (!otherDone && Date.now() < deadline) {
      committed.push(journal.commit({ type: 'ours', data: { i: committed.length } }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(committed);
    const ours = committed.length;
    const result = await other;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(otherDone, 'the other process finished while this one was still committing').toBe(true);
    await journal.flushed();
    const records = onDisk(journal);
    expect(records.problem).toBeUndefined();
    expect(records.records.filter((r) => r.type === 'test.append')).toHaveLength(5);
    expect(records.records.filter((r) => r.type === 'ours')).toHaveLength(ours);
  });

  it('holds together when three real processes commit in bursts at once, each burst waiting for its fsync', async () => {
    const dir = tempDir();
    await expectThreeWritersWhole(dir, 150, 'commit', 150_000);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.lock'))).toEqual([]);
  });
});

describe('Journal.commit of background events (nobody waits on them)', { timeout: 20_000 }, () => {
  const turns = async (n: number) => {
    for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  // Only timers (and, when asked, the clock) are faked: the 50 ms wait passes when the test says so.
  const fakeTimers = (clock = false) => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', ...(clock ? (['Date'] as const) : [])] });

  it(`waits ${backgroundWaitMs} ms for company, then writes everything that came meanwhile in one write and one fsync`, async () => {
    const journal = fresh();
    fakeTimers();
    try {
      const first = journal.commit({ type: 'command.received', data: { n: 1 } }, { background: true });
      await turns(5);
      const second = journal.commit({ type: 'command.received', data: { n: 2 } }, { background: true });
      await turns(5);
      expect(onDisk(journal).records, 'not written before the wait is over').toEqual([]);
      vi.advanceTimersByTime(backgroundWaitMs - 1);
      await turns(5);
      expect(onDisk(journal).records).toEqual([]);
      vi.advanceTimersByTime(1);
      const records = await Promise.all([first, second]);
      expect(journal.stats).toEqual({ writes: 1, fsyncs: 1 });
      expect(onDisk(journal).records).toEqual(records);
      expect(records.map((r) => r.data.n)).toEqual([1, 2]);
    } finally {
      vi.useRealTimers();
      // The lease's linger timer was a fake one: the flush lets go of the lock instead.
      await journal.flushed();
    }
  });

  it('is taken along, first, by any other event committed after it, at the end of that turn', async () => {
    const journal = fresh();
    fakeTimers();
    try {
      const command = journal.commit({ type: 'command.received' }, { background: true });
      await turns(3);
      const opened = journal.commit({ type: 'incident.opened' });
      const records = await Promise.all([command, opened]);
      expect(journal.stats.writes).toBe(1);
      expect(onDisk(journal).records.map((r) => r.type)).toEqual(['command.received', 'incident.opened']);
      expect(records.map((r) => r.seq)).toEqual([1, 2]);
    } finally {
      vi.useRealTimers();
      // The lease's linger timer was a fake one: the flush lets go of the lock instead.
      await journal.flushed();
    }
  });

  it('is written before a durable append made after it', async () => {
    const journal = fresh();
    const command = journal.commit({ type: 'command.received' }, { background: true });
    journal.append({ type: 'plan.approved' }, { durable: true });
    expect(onDisk(journal).records.map((r) => r.type)).toEqual(['command.received', 'plan.approved']);
    expect((await command).seq).toBe(1);
  });

  it('is written at once when somebody waits for the journal to be flushed (a stopping bot)', async () => {
    const journal = fresh();
    fakeTimers();
    try {
      const refused = journal.commit({ type: 'request.refused' }, { background: true });
      await journal.flushed();
      expect(onDisk(journal).records.map((r) => r.type)).toEqual(['request.refused']);
      expect((await refused).seq).toBe(1);
    } finally {
      vi.useRealTimers();
      // The lease's linger timer was a fake one: the flush lets go of the lock instead.
      await journal.flushed();
    }
  });

  it('is written when the process dies of an uncaught exception before the wait is over', async () => {
    const dir = tempDir();
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const crashed = await execa(tsx, [path.join(scriptsDir, 'journal-background-crash.ts'), dir], { reject: false, timeout: 60_000 });
    expect(crashed.exitCode, 'it crashed').not.toBe(0);
    expect(crashed.stderr).toContain('a bug after the command was recorded');
    const journal = verifyLines(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8'));
    expect(journal.problem).toBeUndefined();
    expect(journal.records.map((r) => r.type)).toEqual(['command.received']);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.lock'))).toEqual([]);
  });

  it('says on stderr what it could not write at exit, when another holder keeps the lock too long', async () => {
    const dir = tempDir();
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const crashed = await execa(tsx, [path.join(scriptsDir, 'journal-background-crash.ts'), dir, '300'], { reject: false, timeout: 60_000 });
    expect(crashed.exitCode, 'it crashed').not.toBe(0);
    expect(crashed.stderr).toMatch(/databox journal: 1 event\(s\) waiting at exit were not written to .*journal\.jsonl: the journal lock .* has been held by/);
  });

  it('writes the events it kept while the disk was full when a process dies once there is room again', async () => {
    const dir = tempDir();
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const crashed = await execa(tsx, [path.join(scriptsDir, 'journal-kept-crash.ts'), dir, 'room'], { reject: false, timeout: 60_000 });
    expect(crashed.stderr).toContain('a bug while the disk was full');
    const journal = verifyLines(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8'));
    expect(journal.problem).toBeUndefined();
    expect(journal.records.map((r) => r.type)).toEqual(['run.finished']);
    expect(crashed.stderr).not.toContain('kept in memory');
  });

  it('says the events it kept on stderr, one redacted JSON line each, when a process dies while the disk is still full', async () => {
    const dir = tempDir();
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const crashed = await execa(tsx, [path.join(scriptsDir, 'journal-kept-crash.ts'), dir], { reject: false, timeout: 60_000 });
    expect(crashed.exitCode, 'it crashed').not.toBe(0);
    expect(crashed.stderr).toMatch(/databox journal: 1 event\(s\) kept in memory at exit could not be written to .*journal\.jsonl \(no space left on the device\); they follow, one JSON line each:\n/);
    const line = crashed.stderr.split('\n').find((text) => text.startsWith('{"type":"run.finished"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ type: 'run.finished', data: { status: 'failed', token: '[redacted]' } });
    expect(crashed.stderr).not.toContain('xoxb-kept-secret');
    expect(fs.existsSync(path.join(dir, 'journal.jsonl')) ? fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8') : '').toBe('');
  });

  it('keeps the lock between the batches of a burst of them, 50 ms apart, instead of taking it for each', async () => {
    const journal = fresh();
    const takes = vi.spyOn(FileLock.prototype, 'acquireSync');
    fakeTimers(true);
    try {
      for (let i = 0; i < 4; i += 1) {
        const committed = journal.commit({ type: 'command.received', data: { i } }, { background: true });
        await vi.advanceTimersByTimeAsync(backgroundWaitMs);
        await committed;
      }
      expect(journal.stats.writes).toBe(4);
      expect(takes).toHaveBeenCalledTimes(1);
    } finally {
      takes.mockRestore();
      vi.useRealTimers();
      await journal.flushed();
    }
  });

  it('keeps the time it was committed, not the time it was written', async () => {
    const journal = fresh();
    fakeTimers(true);
    try {
      const committedAt = new Date().toISOString();
      const command = journal.commit({ type: 'command.received' }, { background: true });
      vi.advanceTimersByTime(backgroundWaitMs);
      const record = await command;
      expect(record.at).toBe(committedAt);
      expect(Date.now() - new Date(committedAt).getTime()).toBe(backgroundWaitMs);
    } finally {
      vi.useRealTimers();
      await journal.flushed();
    }
  });
});

describe('Journal.commit of an event that cannot be written, or a listener that throws', () => {
  it('refuses an event that is not JSON alone: the events around it are written, chained, and so is the next append', async () => {
    const journal = fresh();
    const before = journal.commit({ type: 'before' }, { background: true });
    const bad = journal.commit({ type: 'bad', data: { rows: 10n } as unknown as Record<string, unknown> }, { background: true });
    const after = journal.commit({ type: 'after' });
    await expect(bad).rejects.toThrow(/BigInt/);
    expect((await before).seq).toBe(1);
    expect((await after).seq).toBe(2);
    journal.append({ type: 'approved' }, { durable: true });
    const verified = onDisk(journal);
    expect(verified.problem).toBeUndefined();
    expect(verified.records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:before', '2:after', '3:approved']);
  });

  it('writes what a throwing listener saw before it throws, refuses the rest, and keeps the chain whole', async () => {
    const journal = fresh();
    journal.onRecord((record) => {
      if (record.type === 'trips-the-listener') throw new Error('a listener bug');
    });
    const seen = journal.commit({ type: 'trips-the-listener' }, { background: true });
    const refused = journal.commit({ type: 'after-the-bug' }, { background: true });
    expect(() => journal.append({ type: 'durable' }, { durable: true })).toThrow('a listener bug');
    await expect(refused).rejects.toThrow('a listener bug');
    expect((await seen).seq).toBe(1);
    journal.append({ type: 'durable' }, { durable: true });
    const verified = onDisk(journal);
    expect(verified.problem).toBeUndefined();
    expect(verified.records.map((r) => `${r.seq}:${r.type}`)).toEqual(['1:trips-the-listener', '2:durable']);
    await journal.flushed();
  });
});
