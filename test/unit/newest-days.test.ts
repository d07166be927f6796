// Tests newestDays (src/duckdb/newest-days.ts) through probeOpen on real DuckDB files: it reads each mart's date column, not its other columns, and a read past its time is stopped and said as slow, not as damage.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { isDamage, probeOpen } from '../../src/duckdb/probe.js';
import { scanTables } from '../../src/duckdb/scan.js';
import { openDatabase } from '../../src/duckdb/open.js';
import { newestDays } from '../../src/duckdb/newest-days.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-newest-days-');

/** Where DuckDB keeps block `id` in its file: after the main header and the two database headers, 4 KiB each. */
const blockSize = 262_144;
const blockAt = (id: number) => 3 * 4_096 + id * blockSize;

/** A mart of day_date and a wide note column, the note's own blocks (none shared with day_date) overwritten after their checksum. */
async function martWithDamagedNotes(file: string): Promise<number[]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`
    CREATE SCHEMA ebird;
    CREATE TABLE ebird.fct_daily_bird_observations AS
      SELECT DATE '2026-12-04' - CAST(range % 60 AS INTEGER) AS day_date, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS note FROM range(200000);
    CHECKPOINT;
  `);
  const segments = (await connection.runAndReadAll(`SELECT column_name, block_id FROM pragma_storage_info('ebird.fct_daily_bird_observations') WHERE block_id >= 0`)).getRows();
  connection.closeSync();
  instance.closeSync();
  const dateBlocks = new Set(segments.filter(([column]) => column === 'day_date').map(([, block]) => Number(block)));
  const noteBlocks = [...new Set(segments.filter(([column]) => column === 'note').map(([, block]) => Number(block)))].filter((block) => !dateBlocks.has(block));
  const handle = fs.openSync(file, 'r+');
  try {
    // The 8-byte checksum at each block's start is kept: what follows it no longer matches.
    for (const block of noteBlocks) fs.writeSync(handle, Buffer.alloc(blockSize - 8, 0x5a), 0, blockSize - 8, blockAt(block) + 8);
  } finally {
    fs.closeSync(handle);
  }
  return noteBlocks;
}

describe("a mart whose other column's blocks are damaged, its date column whole", () => {
  it("reads its newest day (only the date column is read), and the plan's full read of the file still finds the damage", async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    const damaged = await martWithDamagedNotes(file);
    expect(damaged.length, 'the note column has blocks of its own to damage').toBeGreaterThan(0);
    const opened = await probeOpen(file, [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date' }]);
    expect(opened.status).toBe('ok');
    expect(opened.newest).toEqual([{ table: 'ebird.fct_daily_bird_observations', newest: '2026-12-04' }]);
    const scan = await scanTables(file, { timeoutMs: 60_000 });
    expect(scan.status).toBe('damaged');
    expect(scan.message).toMatch(/checksum/i);
  });
});

describe('a mart not read within the time the probe gives it', () => {
  it('is interrupted and said as not read in time, as are the marts after it, none of it said as damage', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`CREATE SCHEMA ebird; CREATE TABLE ebird.fct_daily_bird_observations AS SELECT DATE '2026-12-04' - CAST(range % 60 AS INTEGER) AS day_date FROM range(2000000); CREATE SCHEMA noaa; CREATE TABLE noaa.fct_daily_weather AS SELECT DATE '2026-12-04' AS day_date`);
    connection.closeSync();
    instance.closeSync();
    const database = await openDatabase(file, false);
    try {
      const marts = [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date' }, { table: 'noaa.fct_daily_weather', dateColumn: 'day_date' }];
      // The time runs out once the first mart's read has begun: it is interrupted, and the second is not begun.
      let asked = 0;
      const days = await newestDays(database.connection, marts, { withinMs: 10_000, over: () => ++asked > 1 });
      expect(days).toEqual([
        { table: 'ebird.fct_daily_bird_observations', problem: 'not read within 10 s, the time the check gives all marts together (a large mart, or a busy host): the plan\'s first step reads it in full' },
        { table: 'noaa.fct_daily_weather', problem: 'not read: the time the check gives all marts together, 10 s, ran out before it' },
      ]);
      expect(days.filter((day) => isDamage(day.problem ?? '')), 'a plan is not refused for a slow read').toEqual([]);
    } finally {
      database.close();
    }
  });
});
