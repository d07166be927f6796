// A view's bind that a named pipe held on the reader thread (src/duckdb/off-thread.ts), then returned: at the stop that
// follows, the threads are given their time and end, and nothing says a read has not returned.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitAfterDuckdbThreads } from '../../src/duckdb/end-threads.js';
import { scanTablesOffThread, unansweredReads } from '../../src/duckdb/off-thread.js';
import { useTempDirs } from '../support/fixtures.js';
import { databaseReadingPipes } from '../helpers/hung-pipe.js';

const tempDir = useTempDirs('databox-bind-returns-');

/** A database with a table and scratch.ext, a view over a CSV file that is then replaced by a named pipe. */
async function withViewOverPipe(): Promise<{ file: string; pipe: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'db.duckdb');
  const pipe = path.join(dir, 'ext.csv');
  await databaseReadingPipes(file, [pipe], `CREATE TABLE t AS SELECT range AS id FROM range(10); CREATE SCHEMA scratch; CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${pipe}')`);
  return { file, pipe };
}

describe('a view bind that returns after its scan answered', { timeout: 120_000 }, () => {
  it('is no longer counted at the stop: the threads end and the exit is clean', async () => {
    const { file, pipe } = await withViewOverPipe();
    // The open and the bind are given 5 s, not the storage's 20 s: what is checked is what follows once the bind was said
    // not to answer. Less would not do: the open of the file on a fresh reader thread alone can take a second on a busy host.
    const scan = await scanTablesOffThread(file, { timeoutMs: 100_000, storageAnswerMs: 5_000 });
    expect(scan.views?.find((v) => v.view === 'scratch.ext')?.error).toBe(`does not answer binding: it reads ${pipe}`);
    expect(unansweredReads().map((read) => read.file)).toEqual([`${pipe} (which view scratch.ext of ${file} reads)`]);
    // The pipe gets a writer, then its end of file: the bind returns.
    fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    const deadline = Date.now() + 60_000;
    while (unansweredReads().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Checked before the stop: with a read still counted, the stop would end this process by SIGTERM.
    expect(unansweredReads()).toEqual([]);
    const said: string[] = [];
    const exits: number[] = [];
    await exitAfterDuckdbThreads(0, (line) => said.push(line), (code) => exits.push(code));
    expect(said).toEqual([]);
    expect(exits).toEqual([0]);
  });
});
