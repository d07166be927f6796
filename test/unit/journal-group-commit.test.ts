// Group commit (src/journal/journal.ts `commit`): events committed together share one write and one fsync, each caller
// resumes once its event is on disk, in order and chained, across processes too; the guarantees of `append` stay.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Journal, JournalUnwritable } from '../../src/journal/journal.js';
import { readHead } from '../../src/journal/head.js';
import { verifyLines } from '../../src/journal/record.js';
import { useTempDirs } from '../support/fixtures.js';
import { expectThreeWritersWhole } from '../support/journal-writers.js';

const tempDir = useTempDirs('databox-group-commit-');
const onDisk = (journal: Journal) => verifyLines(fs.existsSync(journal.file) ? fs.readFileSync(journal.file, 'utf8') : '');

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
    expect(readHead(journal.file)).toEqual({ seq: 50, hash: records[49]?.hash });
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

  it('holds together when three real processes commit in bursts at once, each burst waiting for its fsync', async () => {
    const dir = tempDir();
    await expectThreeWritersWhole(dir, 150, 'commit', 150_000);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.lock'))).toEqual([]);
  });
});
