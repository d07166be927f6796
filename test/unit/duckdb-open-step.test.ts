// Tests the duckdb-open step (src/engine/steps/duckdb-open-step.ts): a path that is a symbolic link (said only of the file a recovery moves), what is said of a write-ahead log beside a file that opens, and a file cut short whose marts fail to read.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runDuckdbOpenStep, type DuckdbOpenStep } from '../../src/engine/steps/duckdb-open-step.js';
import { scanTables } from '../../src/duckdb/scan.js';
import { createDuckdbFile, scriptsDir, useTempDirs } from '../support/fixtures.js';
import { createHealthyDatabase, stackMarts, writeMartsThrough } from '../helpers/databox-checkout.js';

const tempDir = useTempDirs('databox-open-step-');

const step = (file: string, movedByRecovery: boolean): DuckdbOpenStep => ({
  id: 'open',
  title: 'Open it',
  kind: 'duckdb-open',
  path: file,
  mutates: false,
  destructive: false,
  acceptStatuses: [],
  checkWritable: false,
  readersBlock: true,
  expectSchemas: [],
  movedByRecovery,
  newestOf: [],
  timeoutMs: 30_000,
  guard: false,
});

describe('a path that is a symbolic link to a DuckDB file', () => {
  it("is said, with what to do, for the stack's database a recovery moves; not for a backup only read and copied", async () => {
    const dir = tempDir();
    const target = path.join(dir, 'databox-2026-04-20.duckdb');
    await createDuckdbFile(target, { observations: 100 });
    const link = path.join(dir, 'latest.duckdb');
    fs.symlinkSync(target, link);
    const database = await runDuckdbOpenStep(step(link, true));
    expect(database.status).toBe('ok');
    expect(database.summary).toBe(
      `opens read-only; SELECT 1 succeeds (read through a symbolic link to ${target}: a recovery is refused through it, as moving it would move the link; to recover, set DATABOX_DATABASE_PATH to ${target} itself (a running bot reads it when it starts), and diagnose again (\`/databox diagnose duckdb\`))`,
    );
    const backup = await runDuckdbOpenStep(step(link, false));
    expect(backup.status).toBe('ok');
    expect(backup.summary).toBe('opens read-only; SELECT 1 succeeds');
  });
});

describe('a file at the write-ahead log\'s path beside a file that opens', () => {
  /** The file with a table only its log holds: written by a process killed before any checkpoint, as a crash leaves it. */
  async function writerKilledMidWay(file: string): Promise<void> {
    const writer = execa('node', [path.join(scriptsDir, 'write-then-hold-duckdb.mjs'), file, 'CREATE TABLE only_in_log AS SELECT 1 AS id'], { reject: false });
    await new Promise<void>((resolve, reject) => {
      writer.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      void writer.then((ended) => reject(new Error(`the writer ended before it was ready: ${ended.stderr}`)));
    });
    writer.kill('SIGKILL');
    await writer;
  }

  it("is said replayed when it is a log DuckDB wrote (a writer killed mid-way): what only it held was read", async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { observations: 100 });
    await writerKilledMidWay(file);
    expect(fs.statSync(`${file}.wal`).size).toBeGreaterThan(0);
    const opened = await runDuckdbOpenStep(step(file, true));
    expect(opened.status).toBe('ok');
    expect(opened.outputs?.log).toMatch(/^Its write-ahead log .*databox\.duckdb\.wal \(\d+ bytes, written .* UTC\) was replayed into what was read: most often the file's own writes not yet checkpointed/);
  });

  it('is not said replayed when it is random bytes, which DuckDB reads nothing from: it is said read past, with what becomes of it', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { observations: 100 });
    fs.writeFileSync(`${file}.wal`, crypto.randomBytes(5000));
    const opened = await runDuckdbOpenStep(step(file, true));
    expect(opened.status).toBe('ok');
    // Before: "Its write-ahead log … (5000 bytes …) was replayed into what was read: most often the file's own writes…".
    expect(opened.outputs?.log).not.toContain('replayed');
    expect(opened.outputs?.log).toMatch(
      /^A file is at its write-ahead log's path, .*databox\.duckdb\.wal \(5000 bytes, written .* UTC\), that does not begin as a DuckDB write-ahead log does, so DuckDB read nothing from it: what was read is the file as of its last checkpoint\. .*the stack's next checkpoint deletes it: copy it aside first/,
    );
  });
});

describe("a backup cut short about half-way, whose marts' statistics are in the catalog it still has", () => {
  it('ends corrupt, naming the marts that fail to read and where the file ends, never a newest day DuckDB gave from statistics alone', async () => {
    const dir = tempDir();
    const whole = path.join(dir, 'databox.duckdb');
    await createHealthyDatabase(whole);
    await writeMartsThrough(whole, '2026-12-04');
    // As a tester cut one: a copy of a real database, truncated to about half (SELECT 1 and the catalog still read).
    const cut = path.join(dir, 'bk-trunc.duckdb');
    fs.copyFileSync(whole, cut);
    const bytes = Math.floor(fs.statSync(whole).size / 2);
    fs.truncateSync(cut, bytes);
    const marts = stackMarts.map((table) => ({ table, dateColumn: 'day_date', maxLag: 36 * 3_600_000, maxLagAsWritten: '36h' }));
    const backup = await runDuckdbOpenStep({ ...step(cut, false), newestOf: marts });
    expect(backup.status).toBe('corrupt');
    expect(backup.summary).toMatch(/^opens read-only and SELECT 1 succeeds, but 4 of 4 marts fail to read: ebird\.fct_daily_bird_observations, noaa\.fct_daily_weather, usgs\.fct_daily_streamflow, analytics\.fct_species_environment_daily \(ebird\.fct_daily_bird_observations: IO Error: Could not read enough bytes/);
    expect(backup.summary).toContain(`the file ends early: ${bytes.toLocaleString('en')} bytes`);
    expect(backup.outputs?.newest).not.toContain('2026-12-04');
    // The whole file still says each mart's newest day.
    const healthy = await runDuckdbOpenStep({ ...step(whole, false), newestOf: marts });
    expect(healthy.summary).toContain('usgs.fct_daily_streamflow 2026-12-04');
  });
});

describe('a file cut short, read through a symbolic link', () => {
  it('is said to end early, as when read directly: DuckDB names the file the link points at', async () => {
    const dir = tempDir();
    const cut = path.join(dir, 'bk-trunc.duckdb');
    await createHealthyDatabase(cut);
    await writeMartsThrough(cut, '2026-12-04');
    const bytes = Math.floor(fs.statSync(cut).size / 2);
    fs.truncateSync(cut, bytes);
    const link = path.join(dir, 'databox.duckdb');
    fs.symlinkSync(cut, link);
    const early = `the file ends early: ${bytes.toLocaleString('en')} bytes, where DuckDB reads on to byte`;
    for (const file of [cut, link]) {
      const scan = await scanTables(file, { timeoutMs: 60_000 });
      expect(scan.status, file).toBe('damaged');
      expect(scan.message, file).toContain(early);
      const marts = stackMarts.map((table) => ({ table, dateColumn: 'day_date', maxLag: 36 * 3_600_000, maxLagAsWritten: '36h' }));
      const opened = await runDuckdbOpenStep({ ...step(file, false), newestOf: marts });
      expect(opened.summary, file).toContain(early);
    }
  });
});
