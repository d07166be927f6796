// Tests scanTables (src/duckdb/scan.ts) on a real DuckDB file holding a view over a named pipe nobody writes to, as a
// file on a hung network mount reads: the view is named with what it reads, the other views are bound, and the scan answers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { scanTables } from '../../src/duckdb/scan.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-view-pipe-');
const pipes: string[] = [];

afterEach(() => {
  // Whatever still waits on a pipe gets its end of file (opened for writing, then closed): nothing is left holding a thread.
  for (const pipe of pipes.splice(0)) {
    try {
      fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // No reader left (ENXIO): nothing waits on it.
    }
  }
});

/** A database with a table, a view over a CSV file that is then replaced by a named pipe, and views before and after it. */
async function withViewOverPipe(): Promise<{ file: string; pipe: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'db.duckdb');
  const pipe = path.join(dir, 'ext.csv');
  fs.writeFileSync(pipe, 'a,b\n1,2\n');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(
    `CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations AS SELECT range AS id FROM range(100);
     CREATE SCHEMA scratch; CREATE VIEW scratch.a_before AS SELECT id FROM raw_ebird.observations;
     CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${pipe}'); CREATE VIEW scratch.z_after AS SELECT id FROM raw_ebird.observations`,
  );
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(pipe);
  execFileSync('mkfifo', [pipe]);
  pipes.push(pipe);
  return { file, pipe };
}

describe('a view over a file that never answers', { timeout: 60_000 }, () => {
  it('is named with what it reads, not judged, and the views after it are bound on', async () => {
    const { file, pipe } = await withViewOverPipe();
    const scan = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: 300 });
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
    await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: 300 });
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
    expect(scan.status).toBe('timeout');
    expect(scan.message).toBe('read the one table in full (100 rows), but stopped with 1 view checked: interrupted at the terminal (SIGINT)');
  });
});
