// DATABOX_DUCKDB_MEMORY_LIMIT and DATABOX_DUCKDB_THREADS: read-only opens get DuckDB's memory_limit (with a block
// allocator of that size, up to what DuckDB takes) and threads, writes do not; the reader thread's full reads run on an
// instance with the caps it was given.
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { hostMemory } from '../../src/duckdb/memory-sizes.js';
import { limitReader, scanTablesOffThread } from '../../src/duckdb/off-thread.js';
import { limitReadOnly, openDatabase } from '../../src/duckdb/open.js';
import { createDuckdbFile, projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-limits-');
/** Never DuckDB's own default (one thread per core), so the cap shows. */
const threads = os.availableParallelism() + 1;

async function settingsOf(file: string, writable: boolean): Promise<unknown[]> {
  const database = await openDatabase(file, writable);
  try {
    const reader = await database.connection.runAndReadAll("SELECT current_setting('memory_limit'), current_setting('block_allocator_memory'), current_setting('threads')");
    return reader.getRows()[0] as unknown[];
  } finally {
    database.close();
  }
}

afterEach(() => limitReadOnly({}));

describe('the caps of read-only opens', () => {
  it('applies the configured memory limit, as the cap and the block pool, and threads to read-only opens only', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 10 });
    const uncapped = await settingsOf(file, false);
    limitReadOnly({ memoryLimit: '100MB', threads });
    expect(await settingsOf(file, false)).toEqual(['95.3 MiB', '95.3 MiB', BigInt(threads)]);
    expect(await settingsOf(file, true)).toEqual(uncapped);
  });

  it('runs the reader thread’s full read with the caps it was given, and says so', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 10 });
    limitReader({ memoryLimit: '100MB', threads });
    const scan = await scanTablesOffThread(file, { timeoutMs: 30_000 });
    expect(scan.status).toBe('ok');
    expect(scan.settings).toEqual({ threads, memoryLimit: '95.3 MiB' });
  });

  // A reader thread started before the caps were set (a test's read without a bot, an earlier bot in the same process)
  // kept the caps it started with: a diagnosis then read with DuckDB's default, 80% of the host's memory.
  it('runs the reader thread’s full reads with caps set after it started', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 10 });
    limitReader({ memoryLimit: '100MB', threads });
    expect((await scanTablesOffThread(file, { timeoutMs: 30_000 })).settings).toEqual({ threads, memoryLimit: '95.3 MiB' });
    limitReader({ memoryLimit: '200MB', threads });
    expect((await scanTablesOffThread(file, { timeoutMs: 30_000 })).settings).toEqual({ threads, memoryLimit: '190.7 MiB' });
  });

  it('opens with a memory limit over 80% of the memory DuckDB sees, its block pool capped there, where a pool that size aborted the process', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 10 });
    const memory = hostMemory().bytes;
    // 24GB on a 23.5 GiB host: taken by the configuration (under the host's memory), and DuckDB aborted the whole bot
    // at the first read-only open ("Attempted to dereference unique_ptr that is NULL!", exit 134). In a child process,
    // so an abort is this test's failure, not the test run's end.
    const limit = `${Math.floor((memory * 0.9) / 1e6)}MB`;
    const script = `const { limitReadOnly, openDatabase } = await import(${JSON.stringify(path.join(projectRoot, 'dist', 'src', 'duckdb', 'open.js'))});
      limitReadOnly({ memoryLimit: ${JSON.stringify(limit)} });
      const db = await openDatabase(${JSON.stringify(file)}, false);
      const reader = await db.connection.runAndReadAll("SELECT current_setting('memory_limit'), current_setting('block_allocator_memory'), (SELECT count(*) FROM t)::INTEGER");
      console.log(JSON.stringify(reader.getRowsJson()[0]));
      db.close();`;
    const result = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, reject: false });
    expect({ exitCode: result.exitCode, signal: result.signal, stderr: result.stderr }).toEqual({ exitCode: 0, signal: undefined, stderr: '' });
    const [memoryLimit, blockPool, rows] = JSON.parse(result.stdout) as [string, string, number];
    expect(rows).toBe(10);
    expect(blockPool, `the pool under the ${memoryLimit} cap`).not.toBe(memoryLimit);
  });
});
