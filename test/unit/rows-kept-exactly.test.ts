// Rows kept before a delete are kept exactly or not at all: the Parquet file read back, as text, on real DuckDB files.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { exportRowsStepKind, runExportRowsStep } from '../../src/engine/steps/export-rows-step.js';
import { restoreRowsStepKind, runRestoreRowsStep } from '../../src/engine/steps/restore-rows-step.js';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTarget } from '../../src/database/target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { limitReadOnly, readOnlyLimits } from '../../src/duckdb/open.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('rows-kept-exactly-');

type ExportStep = Extract<ResolvedStep, { kind: 'export-rows' }>;
type RestoreStep = Extract<ResolvedStep, { kind: 'restore-rows' }>;

const common = { mutates: true, destructive: false, acceptStatuses: [], timeoutMs: 60_000, guard: false };
const window = `observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;
const days = ['2026-04-19', '2026-04-20'];

async function sql(file: string, text: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(text)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Scenario 2's database with two more columns in raw_ebird.observations, set on the window's rows by `values` (SQL
 * expressions of id): what a source's schema may hold that Parquet stores another way.
 */
async function database(columns: Record<string, { type: string; value: string }>): Promise<{ dir: string; ctx: StepRunContext; file: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 200 });
  for (const [name, { type, value }] of Object.entries(columns)) {
    await sql(file, `ALTER TABLE raw_ebird.observations ADD COLUMN ${name} ${type}; UPDATE raw_ebird.observations SET ${name} = ${value} WHERE observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
  }
  const ctx: StepRunContext = {
    root: dir,
    databasePath: file,
    stateDir: path.join(dir, 'var'),
    incidentId: 'dbx-20260425-0001',
    runId: 'dbx-20260425-0001/2',
    diskFullPercent: 95,
    runCommand,
    redact: (text) => text,
    clock: () => new Date('2026-04-25T08:00:00Z'),
    progress: () => {},
  };
  return { dir, ctx, file };
}

const exportStep = (to: string): ExportStep =>
  ({ ...common, id: 'keep_raw', title: 'Keep the window', kind: 'export-rows', target: 'local', table: '"raw_ebird"."observations"', where: window, params: days, to }) as ExportStep;

/** The tester's columns: counts past 2^53 (HUGEINT) and local times with their offset (TIMETZ). */
const testersColumns = {
  big_count: { type: 'HUGEINT', value: `CASE WHEN id % 3 = 0 THEN 12345678901234567000 WHEN id % 3 = 1 THEN 12345678901234567001 ELSE 9007199254740993 END` },
  local_time: { type: 'TIMETZ', value: `TIMETZ '10:00:00+05:30'` },
};

describe('rows kept in Parquet before a delete', () => {
  it('keep as text the values Parquet would change (a HUGEINT past 2^53, a UHUGEINT at 2^128 - 1, a time with its offset, an INTERVAL in microseconds), and put them back as they were', async () => {
    const { dir, ctx, file } = await database({
      ...testersColumns,
      huge: { type: 'UHUGEINT', value: '340282366920938463463374607431768211455' },
      pause: { type: 'INTERVAL', value: `INTERVAL '1 day 0.000123 seconds'` },
      local_times: { type: 'TIMETZ[]', value: `[TIMETZ '23:59:59.999999-15:59', NULL]` },
    });
    const values = `SELECT id, big_count::VARCHAR, huge::VARCHAR, local_time::VARCHAR, pause::VARCHAR, local_times::VARCHAR FROM raw_ebird.observations ORDER BY id`;
    const before = await sql(file, values);
    const to = path.join(dir, 'var', 'backups', 'kept.parquet');
    const result = await runExportRowsStep(exportStep(to), ctx);
    expect(result.summary).toMatch(/^kept \d+ rows in .*kept\.parquet, read back exactly$/);
    expect(result.status).toBe('ok');
    // The file holds them as text, which a reader of the file sees as written, and casts back to their types exactly.
    expect(await sql(file, `SELECT DISTINCT local_time FROM read_parquet('${to}')`)).toEqual([['10:00:00+05:30']]);
    await sql(file, `DELETE FROM raw_ebird.observations WHERE ${window.replace('$1', `'${days[0]}'`).replace('$2', `'${days[1]}'`)}`);
    const restore = { ...common, id: 'restore_rows', title: 'Put the rows back', kind: 'restore-rows', target: 'local', table: '"raw_ebird"."observations"', from: to, key: 'id' } as RestoreStep;
    expect((await runRestoreRowsStep(restore, ctx)).status).toBe('ok');
    expect(await sql(file, values)).toEqual(before);
    // A rollback's replace puts them back exactly too, its own keep of the window read back as the first.
    const keepTo = path.join(dir, 'var', 'backups', 'before-rollback.parquet');
    await sql(file, `UPDATE raw_ebird.observations SET big_count = 1 WHERE observation_date = DATE '2026-04-20'`);
    const rollback = { ...restore, destructive: true, replace: { where: window, params: days, keepTo } };
    const planned = await restoreRowsStepKind.readWhenPlanned!(rollback, { target: () => localTarget(file) });
    expect(restoreRowsStepKind.planWarning!(planned)).toMatch(/^Parquet would not keep every value of raw_ebird\.observations exactly: big_count \(HUGEINT: .*"Put the rows back" keeps those columns in the file as text/);
    const replaced = await runRestoreRowsStep(rollback, ctx);
    expect(replaced.status).toBe('ok');
    expect(await sql(file, values)).toEqual(before);
  });

  it('are kept when every value reads back as it is: a HUGEINT within 2^53, a time at +00, nested and unusual types', async () => {
    const { dir, ctx } = await database({
      small_count: { type: 'HUGEINT', value: 'id * 1000' },
      utc_time: { type: 'TIMETZ', value: `TIMETZ '10:00:00+00'` },
      tags: { type: 'STRUCT(a INTEGER, b VARCHAR[])', value: `{'a': id, 'b': ['x', NULL]}` },
      mood: { type: `ENUM('calm', 'busy')`, value: `'busy'` },
      ratio: { type: 'DOUBLE', value: `id / 3` },
    });
    const to = path.join(dir, 'kept.parquet');
    const result = await runExportRowsStep(exportStep(to), ctx);
    expect(result.status).toBe('ok');
    expect(result.summary).toMatch(/^kept \d+ rows in .*kept\.parquet, read back exactly$/);
    // One row is said as one.
    const one = path.join(dir, 'one.parquet');
    expect((await runExportRowsStep({ ...exportStep(one), where: 'id = 1', params: [] }, ctx)).summary).toBe(`kept 1 row in ${one}, read back exactly`);
  });

  it('are said in the singular when one row is kept, or one is to be, where the preview counted another number', async () => {
    const { dir, ctx } = await database({});
    const step = { ...exportStep(path.join(dir, 'one.parquet')), where: 'id = 1', params: [], expectRows: '2' };
    expect((await runExportRowsStep(step, ctx)).summary).toMatch(/^kept 1 row where the preview counted 2: the rows changed since the plan was made/);
    const planned = { ...step, expectRows: '1' };
    expect(exportRowsStepKind.describe(planned, { root: dir, rel: (p) => p, showArg: (a) => a, bound: () => '' })).toContain('\n-- must write exactly 1 row, or the plan stops here\n');
  });

  it('are said in the plan, before anyone approves it, to keep as text the columns Parquet stores another way', async () => {
    const { dir, file } = await database({ ...testersColumns, tags: { type: `ENUM('HUGEINT')`, value: `'HUGEINT'` } });
    const step = { ...exportStep(path.join(dir, 'kept.parquet')), title: 'Keep the window' } as ExportStep;
    const planned = await exportRowsStepKind.readWhenPlanned!(step, { target: () => localTarget(file) });
    expect(exportRowsStepKind.planWarning!(planned)).toBe(
      'Parquet would not keep every value of raw_ebird.observations exactly: big_count (HUGEINT: stored as DOUBLE, exact only up to 2^53), local_time (TIME WITH TIME ZONE: stored in UTC, its offset lost). ' +
        '"Keep the window" keeps those columns in the file as text, which puts each value back as it was, and reads the file back and compares it with the table before anything is deleted.',
    );
    expect(exportRowsStepKind.describe(planned, { root: dir, rel: (p) => p, showArg: (a) => a, bound: () => '' })).toContain('-- then read back, each value cast to its column');
    // A table whose columns Parquet keeps as they are gets no warning.
    await sql(file, 'ALTER TABLE raw_ebird.observations DROP COLUMN big_count; ALTER TABLE raw_ebird.observations DROP COLUMN local_time');
    const plain = await exportRowsStepKind.readWhenPlanned!(step, { target: () => localTarget(file) });
    expect(exportRowsStepKind.planWarning!(plain)).toBeUndefined();
  });
});

describe('rows kept under a memory cap too small to keep and compare them', () => {
  it('are refused in a line saying DuckDB ran out of memory under DATABOX_DUCKDB_MEMORY_LIMIT, and nothing was deleted', async () => {
    const { dir, ctx, file } = await database({});
    await sql(file, `INSERT INTO raw_ebird.observations SELECT 1000000 + i, DATE '2026-04-19', md5(i::VARCHAR) || md5((i + 1)::VARCHAR), 1 FROM range(100000) AS r(i)`);
    const caps = readOnlyLimits();
    limitReadOnly({ ...caps, memoryLimit: '16MB' });
    try {
      const to = path.join(dir, 'kept.parquet');
      const result = await runExportRowsStep(exportStep(to), ctx);
      expect(result.status).toBe('failed');
      // The COPY ran out part-way (DuckDB 1.5.6), leaving what it wrote: unchecked, it is no copy to rely on.
      expect(result.summary).toBe(
        `DuckDB ran out of memory keeping the rows of raw_ebird.observations and comparing them with the file, under DATABOX_DUCKDB_MEMORY_LIMIT. Nothing was deleted (what was written of the file, unchecked, is at ${to}.unchecked): raise it and restart the bot, or recover a shorter window, then propose again`,
      );
      expect(result.output).toMatch(/Out of Memory/);
      expect(result.untouched).toBe(true);
      expect(fs.existsSync(to)).toBe(false);
      expect(fs.existsSync(`${to}.unchecked`)).toBe(true);
      expect(result.outputs.file).toBe(`${to}.unchecked`);
    } finally {
      limitReadOnly(caps);
    }
  });
});

/**
 * The local file as the step's target, with every statement run as it is but the comparison of the kept file with the
 * table, which fails as an interrupted one does (a step's timeout, DuckDB's own words).
 */
function comparisonInterrupted(file: string): DatabaseTargets {
  const real = localTarget(file);
  const target: DatabaseTarget = {
    ...real,
    open: async (options) => {
      const session = await real.open(options);
      return {
        ...session,
        run: (text, params) => (/UNION ALL\s+SELECT .* FROM read_parquet/s.test(text) ? Promise.reject(new Error('INTERRUPT Error: Interrupted!')) : session.run(text, params)),
      };
    },
  };
  return { local: target, motherduck: target, backend: target };
}

describe('rows kept in a file that cannot be checked against the table', () => {
  it('are moved aside from the name a later step would take for a copy, and the step says why and that nothing was deleted', async () => {
    const { dir, ctx, file } = await database({});
    const to = path.join(dir, 'kept.parquet');
    const result = await runExportRowsStep(exportStep(to), { ...ctx, targets: comparisonInterrupted(file) });
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `the rows of raw_ebird.observations were kept in a Parquet file, but could not be checked against it (INTERRUPT Error: Interrupted!). Nothing was deleted; the file, unchecked, is at ${to}.unchecked`,
    );
    expect(result.untouched).toBe(true);
    expect(fs.existsSync(to)).toBe(false);
    expect(fs.existsSync(`${to}.unchecked`)).toBe(true);
    expect(result.outputs.file).toBe(`${to}.unchecked`);
  });

  it("stop a rollback's window before anything is deleted or put back, the step changing nothing", async () => {
    const { dir, ctx, file } = await database({});
    const kept = path.join(dir, 'kept.parquet');
    expect((await runExportRowsStep(exportStep(kept), ctx)).status).toBe('ok');
    await sql(file, `UPDATE raw_ebird.observations SET how_many = how_many + 1 WHERE observation_date = DATE '2026-04-20'`);
    const before = await sql(file, 'SELECT count(*), sum(how_many) FROM raw_ebird.observations');
    const keepTo = path.join(dir, 'before-rollback.parquet');
    const restore = { ...common, id: 'restore_rows', title: 'Put the window back', kind: 'restore-rows', target: 'local', destructive: true, table: '"raw_ebird"."observations"', from: kept, key: 'id', replace: { where: window, params: days, keepTo } } as RestoreStep;
    const result = await runRestoreRowsStep(restore, { ...ctx, targets: comparisonInterrupted(file) });
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `the rows of raw_ebird.observations were kept in a Parquet file, but could not be checked against it (INTERRUPT Error: Interrupted!). Nothing was deleted; the file, unchecked, is at ${keepTo}.unchecked`,
    );
    expect(result.untouched).toBe(true);
    expect(fs.existsSync(keepTo)).toBe(false);
    expect(result.outputs.file).toBe(`${keepTo}.unchecked`);
    expect(await sql(file, 'SELECT count(*), sum(how_many) FROM raw_ebird.observations')).toEqual(before);
  });
});

describe('rows that cannot be kept at all before a window is put back', () => {
  it('stop the rollback with the database as it was, the step saying it changed nothing', async () => {
    const { dir, ctx, file } = await database({});
    const kept = path.join(dir, 'kept.parquet');
    expect((await runExportRowsStep(exportStep(kept), ctx)).status).toBe('ok');
    const before = await sql(file, 'SELECT count(*), sum(how_many) FROM raw_ebird.observations');
    // A file DuckDB cannot open to write (as another OS account's folder refuses it): a link to a folder that is not there.
    const keepTo = path.join(dir, 'before-rollback.parquet');
    fs.symlinkSync(path.join(dir, 'not-there', 'before-rollback.parquet'), keepTo);
    const restore = { ...common, id: 'restore_rows', title: 'Put the window back', kind: 'restore-rows', target: 'local', destructive: true, table: '"raw_ebird"."observations"', from: kept, key: 'id', replace: { where: window, params: days, keepTo } } as RestoreStep;
    const result = await runRestoreRowsStep(restore, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^the rows of raw_ebird\.observations could not be kept in .*before-rollback\.parquet \(IO Error: .*\), and no file was written\. Nothing was deleted or changed$/);
    expect(result.untouched).toBe(true);
    expect(await sql(file, 'SELECT count(*), sum(how_many) FROM raw_ebird.observations')).toEqual(before);
  });
});
