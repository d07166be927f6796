// Tests scanTables (src/duckdb/scan.ts) on a real DuckDB file holding a view over a named pipe nobody writes to, as a
// file on a hung network mount reads: the view is named with what it reads, the other views are bound, and the scan answers.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanTables } from '../../src/duckdb/scan.js';
import { bindsStillOut } from '../../src/duckdb/unanswered-binds.js';
import { useTempDirs } from '../support/fixtures.js';
import { databaseReadingPipes, releasePipe } from '../helpers/hung-pipe.js';

const tempDir = useTempDirs('databox-view-pipe-');
const pipes: string[] = [];

afterEach(async () => {
  // Whatever waits on a pipe gets its end of file (opened for writing, then closed): nothing is left holding a thread. A
  // bind still out keeps the next test's views over storage from being bound, and one whose read reached its pipe only
  // after a release would wait for ever: the pipes are released until every bind has returned.
  do {
    for (const pipe of pipes) releasePipe(pipe);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (bindsStillOut().length > 0);
  pipes.splice(0);
});

/**
 * How long a scan that is to give up on the pipe's view gives the storage: it also bounds the database file's own open,
 * which a loaded host can take well over a second to answer on a fresh reader.
 */
const givenUpAfterMs = 5_000;

/** A database with a table, a view over a CSV file that is then replaced by a named pipe, and views before and after it. */
async function withViewOverPipe(): Promise<{ file: string; pipe: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'db.duckdb');
  const pipe = path.join(dir, 'ext.csv');
  await databaseReadingPipes(
    file,
    [pipe],
    `CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations AS SELECT range AS id FROM range(100);
     CREATE SCHEMA scratch; CREATE VIEW scratch.a_before AS SELECT id FROM raw_ebird.observations;
     CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${pipe}'); CREATE VIEW scratch.z_after AS SELECT id FROM raw_ebird.observations`,
  );
  pipes.push(pipe);
  return { file, pipe };
}

/**
 * A database with a table, five views over CSV files then replaced by named pipes, and a view of the table after them
 * whose SQL has string literals that name no file.
 */
async function withViewsOverPipes(): Promise<{ file: string; pipes: string[] }> {
  const dir = tempDir();
  const file = path.join(dir, 'db.duckdb');
  const over = [1, 2, 3, 4, 5].map((n) => path.join(dir, `ext${n}.csv`));
  await databaseReadingPipes(
    file,
    over,
    `CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations AS SELECT range AS id FROM range(100); CREATE SCHEMA scratch;
     ${over.map((pipe, index) => `CREATE VIEW scratch.ext${index + 1} AS SELECT * FROM read_csv('${pipe}');`).join(' ')}
     CREATE VIEW scratch.z_after AS SELECT DATE '2026-03-01' + CAST(id AS INTEGER) AS day FROM raw_ebird.observations WHERE 'a' <> 'b'`,
  );
  pipes.push(...over);
  return { file, pipes: over };
}

describe('a view over a file that never answers', { timeout: 60_000 }, () => {
  it('while its bind is out, no other view over storage is bound: the scan answers and the process still reads files', async () => {
    const { file, pipes: over } = await withViewsOverPipes();
    const first = over[0] as string;
    // Bound one by one, each would keep one of libuv's 4 pool threads: the scan's next connection would never open.
    const scan = await scanTables(file, { timeoutMs: 30_000, storageAnswerMs: givenUpAfterMs });
    expect(scan.status).toBe('ok');
    const notBound = `not bound: another view's read of ${first} has not answered`;
    expect(scan.views?.map((v) => [v.view, v.error ?? 'binds'])).toEqual([
      ['scratch.ext1', `does not answer binding: it reads ${first}`],
      ['scratch.ext2', notBound],
      ['scratch.ext3', notBound],
      ['scratch.ext4', notBound],
      ['scratch.ext5', notBound],
      ['scratch.z_after', 'binds'],
    ]);
    // Every view not bound is named, each with the file it reads: the operator checks each of those files.
    const eachReads = [2, 3, 4, 5].map((n) => `scratch.ext${n} (it reads ${over[n - 1]})`).join(', ');
    expect(scan.message).toContain(`; 4 views (${eachReads}): ${notBound}: what it reads is not this file, so not judged)`);
    // The pool still has threads for the rest of the process (the journal's fsync, fs.promises) while that bind is out.
    expect((await fs.promises.readFile(file)).length).toBeGreaterThan(0);
    expect(bindsStillOut().map((bind) => bind.view)).toEqual(['scratch.ext1']);
  });


  it('is named with what it reads, not judged, and the views after it are bound on', async () => {
    const { file, pipe } = await withViewOverPipe();
    const scan = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: givenUpAfterMs });
    expect(scan.status).toBe('ok');
    expect(scan.views?.map((v) => [v.view, v.error ?? 'binds'])).toEqual([
      ['scratch.a_before', 'binds'],
      ['scratch.ext', `does not answer binding: it reads ${pipe}`],
      ['scratch.z_after', 'binds'],
    ]);
    expect(scan.message).toBe(`read the one table in full (100 rows); 2 of 3 views bound (scratch.ext: does not answer binding: it reads ${pipe}: what it reads is not this file, so not judged)`);
  });

  it('is not bound again while its first bind is out: a second scan says so at once', async () => {
    const { file, pipe } = await withViewOverPipe();
    const first = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: givenUpAfterMs });
    // Only a first bind given up on makes the second scan's point (and keeps it from binding, and waiting, itself).
    expect(first.views?.find((v) => v.view === 'scratch.ext')?.error).toBe(`does not answer binding: it reads ${pipe}`);
    // A limit the second scan's bind could not reach if it were sent: it is answered from the first.
    const again = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: 10 * 60_000 });
    expect(again.views?.find((v) => v.view === 'scratch.ext')?.error).toMatch(new RegExp(`^does not answer binding: it reads ${pipe} \\(its bind started at \\d\\d:\\d\\d:\\d\\d UTC has not returned\\)$`));
  });

  it('stops waiting for it when the scan is stopped, and says what stopped it, not its time limit', async () => {
    const { file } = await withViewOverPipe();
    const stop = new AbortController();
    // Stopped once the tables have read, while the view's bind waits on a limit this test would not outlast.
    const scan = await scanTables(file, {
      timeoutMs: 10 * 60_000,
      storageAnswerMs: 10 * 60_000,
      signal: stop.signal,
      onProgress: ({ done, total }) => {
        if (done === total) setTimeout(() => stop.abort('interrupted at the terminal (SIGINT)'), 500);
      },
    });
    expect(scan.status).toBe('interrupted');
    expect(scan.message).toBe('read the one table in full (100 rows), but stopped with 1 view checked: interrupted at the terminal (SIGINT)');
  });
});
