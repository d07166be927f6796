// readAllHere (src/duckdb/read-here.ts): a query run task by task on this thread lets go of its database when it fails
// or is stopped, and a stop asked for while the query was being prepared is not lost.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/duckdb/open.js';
import { readAllHere } from '../../src/duckdb/read-here.js';
import { scanTables } from '../../src/duckdb/scan.js';
import { createDuckdbFile, scriptsDir, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-read-here-');

/** Whether another process can open the file read-write now: "ready", or what it said when it could not. */
async function anotherProcessOpensReadWrite(file: string): Promise<string> {
  const holder = execa('node', [path.join(scriptsDir, 'hold-duckdb.mjs'), file], { reject: false, timeout: 60_000 });
  try {
    return await new Promise<string>((resolve) => {
      let seen = '';
      holder.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('ready')) resolve('ready');
      });
      void holder.then((result) => resolve(String(result.stderr)));
    });
  } finally {
    holder.kill('SIGKILL');
    await holder;
  }
}

describe('readAllHere', () => {
  it('returns the rows, as the awaited calls do', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 1_000 });
    const database = await openDatabase(file, false);
    try {
      expect(await readAllHere(database.connection, 'SELECT count(*), min(id) FROM t')).toEqual([[1000n, 0n]]);
    } finally {
      database.close();
    }
  });

  it('fails with DuckDB’s own text, and the closed database no longer holds the file', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 1_000 });
    const database = await openDatabase(file, false);
    await expect(readAllHere(database.connection, "SELECT error('boom') FROM t")).rejects.toThrow(/^Invalid Input Error: boom$/);
    database.close();
    expect(await anotherProcessOpensReadWrite(file)).toBe('ready');
  });

  it('a full read that runs out of time lets go of the file once it ends', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { events: 3_000_000 });
    // Far shorter than the read (a fast machine reads these 3 M rows in about 150 ms).
    const scan = await scanTables(file, { timeoutMs: 5 });
    expect(scan.status).toBe('timeout');
    expect(await anotherProcessOpensReadWrite(file)).toBe('ready');
  });

  it('stops a query whose stop was asked for while it was being prepared', async () => {
    const database = await openDatabase(':memory:', true);
    try {
      let stop = false;
      const reading = readAllHere(database.connection, 'SELECT sum(hash(range)) FROM range(300000000)', () => stop);
      // Within start(): DuckDB clears this interrupt when the query begins.
      stop = true;
      database.connection.interrupt();
      await expect(reading).rejects.toThrow(/Interrupted/);
    } finally {
      database.close();
    }
  });
});
