// The scenario-2 built-ins on real DuckDB files: checked deletes, kept rows, re-inserts and per-day counts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { dayCountsSql, judgeDay, repeatedKeysSql, runDayCountsStep, scanWindow } from '../../src/engine/steps/day-counts-step.js';
import { median } from '../../src/engine/steps/median.js';
import { compareBadDays, dayRanges } from '../../src/engine/steps/bad-days-compared.js';
import { runExportRowsStep } from '../../src/engine/steps/export-rows-step.js';
import { runRestoreRowsStep } from '../../src/engine/steps/restore-rows-step.js';
import { runSqlStep } from '../../src/engine/steps/sql-step.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import type { DatabaseTarget } from '../../src/database/target.js';
import { runForRows } from '../../src/duckdb/open.js';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('row-steps-');

async function database(): Promise<{ dir: string; ctx: StepRunContext; count: (where?: string) => Promise<number> }> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 200, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] } });
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
  const count = async (where = 'TRUE') => {
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT count(*) FROM raw_ebird.observations WHERE ${where}`)).getRowsJson();
    connection.closeSync();
    instance.closeSync();
    return Number(rows[0]?.[0]);
  };
  return { dir, ctx, count };
}

const common = { mutates: true, destructive: false, acceptStatuses: [], timeoutMs: 60_000, guard: false };
const window = `observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;

/** Changes a test's database in place, as a load or a mistake would. */
async function change(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

describe('a DELETE with expectRows', () => {
  it('rolls back and changes nothing when the count differs from the preview', async () => {
    const { ctx, count } = await database();
    const before = await count();
    const inWindow = await count(`observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: ['2026-04-19', '2026-04-20'], expectRows: String(inWindow - 1) } as ResolvedStep;
    const result = await runSqlStep(step as Extract<ResolvedStep, { kind: 'sql' }>, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`changed ${inWindow} rows where the preview counted ${inWindow - 1}: rolled back, nothing was changed`);
    // Said changed nothing to the run too: not "stopped part-way, and may have changed part of what it changes".
    expect(result.untouched).toBe(true);
    expect(changedBeforeStopping([step], [{ stepId: step.id, ...result }])).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('says it changed nothing when another process holds the file, so no rollback is offered for it', async () => {
    const { ctx, count } = await database();
    const before = await count();
    // A load holding the file's write lock, as dlt does while it writes.
    const holder = execa(process.execPath, ['-e', `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(ctx.databasePath)}).then((i) => i.connect()).then(() => { console.log('held'); setInterval(() => {}, 1000); })`], { cwd: path.resolve(import.meta.dirname, '..', '..') });
    try {
      await new Promise<void>((resolve) => holder.stdout?.on('data', (chunk: Buffer) => String(chunk).includes('held') && resolve()));
      const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: ['2026-04-19', '2026-04-20'], expectRows: '1' } as ResolvedStep;
      const result = await runSqlStep(step as Extract<ResolvedStep, { kind: 'sql' }>, ctx);
      expect(result.status).toBe('failed');
      expect(result.summary).toMatch(/^cannot open .*: .*lock.*; nothing was changed$/s);
      expect(result.untouched).toBe(true);
    } finally {
      holder.kill();
      await holder.catch(() => undefined);
    }
    expect(await count()).toBe(before);
  });

  it('says one row in the singular', async () => {
    const { ctx, count } = await database();
    const day = `observation_date = DATE '2026-04-19'`;
    await change(ctx.databasePath, `DELETE FROM raw_ebird.observations WHERE ${day} AND rowid <> (SELECT min(rowid) FROM raw_ebird.observations WHERE ${day})`);
    expect(await count(day)).toBe(1);
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: ['2026-04-19', '2026-04-19'], expectRows: '2' } as ResolvedStep;
    const result = await runSqlStep(step as Extract<ResolvedStep, { kind: 'sql' }>, ctx);
    expect(result.summary).toBe('changed 1 row where the preview counted 2: rolled back, nothing was changed');
  });

  it('says a statement that failed in its transaction changed nothing (rolled back), and so did one DuckDB refused alone on the local file', async () => {
    const { ctx, count } = await database();
    // The raw table's name on a view over the table that holds the rows: DuckDB deletes from base tables only.
    await change(ctx.databasePath, 'ALTER TABLE raw_ebird.observations RENAME TO observations_base; CREATE VIEW raw_ebird.observations AS SELECT * FROM raw_ebird.observations_base');
    const before = await count();
    const inWindow = await count(`observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: ['2026-04-19', '2026-04-20'], expectRows: String(inWindow) } as Extract<ResolvedStep, { kind: 'sql' }>;
    const result = await runSqlStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^Binder Error: Can only delete from base table.*: the statement ran in a transaction, rolled back, so nothing was changed$/);
    // Before: not untouched, so the run read "stopped part-way, and may have changed part of what it changes".
    expect(result.untouched).toBe(true);
    expect(changedBeforeStopping([step], [{ stepId: step.id, ...result }])).toEqual([]);
    expect(await count()).toBe(before);
    // Without expectRows the statement runs on its own, outside a transaction: DuckDB undoes a statement that fails whole.
    const { expectRows: _none, ...alone } = step;
    const unbound = await runSqlStep(alone, ctx);
    expect(unbound.status).toBe('failed');
    expect(unbound.untouched).toBe(true);
    expect(changedBeforeStopping([alone], [{ stepId: alone.id, ...unbound }])).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('commits when the count matches', async () => {
    const { ctx, count } = await database();
    const before = await count();
    const inWindow = await count(`observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: ['2026-04-19', '2026-04-20'], expectRows: String(inWindow) } as Extract<ResolvedStep, { kind: 'sql' }>;
    const result = await runSqlStep(step, ctx);
    expect(result.status).toBe('ok');
    expect(await count()).toBe(before - inWindow);
  });
});

describe('export-rows and restore-rows', () => {
  const exportStep = (to: string, expectRows?: string) =>
    ({ ...common, id: 'keep_raw', title: 'keep', kind: 'export-rows', target: 'local', table: 'raw_ebird.observations', where: window, params: ['2026-04-19', '2026-04-20'], to, expectRows }) as Extract<ResolvedStep, { kind: 'export-rows' }>;

  it('keeps exactly the window in Parquet, and never overwrites an earlier file', async () => {
    const { dir, ctx, count } = await database();
    const to = path.join(dir, 'var', 'backups', 'kept.parquet');
    const inWindow = await count(`observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
    const result = await runExportRowsStep(exportStep(to, String(inWindow)), ctx);
    expect(result.status).toBe('ok');
    // Its size and digest are recorded, so a rollback can tell it from another file put under its name since.
    expect(result.outputs).toEqual({ file: to, rowCount: inWindow, bytes: fs.statSync(to).size, sha256: createHash('sha256').update(fs.readFileSync(to)).digest('hex') });
    const again = await runExportRowsStep(exportStep(to, String(inWindow)), ctx);
    expect(again.status).toBe('failed');
    expect(again.summary).toContain('refusing to overwrite');
  });

  it('stops, keeping the file aside, when the rows written differ from the preview', async () => {
    const { dir, ctx } = await database();
    const to = path.join(dir, 'kept.parquet');
    const result = await runExportRowsStep(exportStep(to, '3'), ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/where the preview counted 3: the rows changed since the plan was made, so it stopped before anything is deleted/);
    // It changed no data: the run's end does not list it as a step that may have changed part of it.
    expect(result.untouched).toBe(true);
    expect(fs.existsSync(to)).toBe(false);
    expect(fs.existsSync(`${to}.count-mismatch`)).toBe(true);
  });

  it('re-inserts only the kept rows that are missing, by primary key', async () => {
    const { dir, ctx, count } = await database();
    const to = path.join(dir, 'kept.parquet');
    const before = await count();
    await runExportRowsStep(exportStep(to), ctx);
    const instance = await DuckDBInstance.create(ctx.databasePath);
    const connection = await instance.connect();
    // Half the window goes; the other half stays, so a blind re-insert would duplicate it.
    await connection.run(`DELETE FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-20'`);
    connection.closeSync();
    instance.closeSync();
    const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', table: '"raw_ebird"."observations"', from: to, key: 'id' } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    const result = await runRestoreRowsStep(restore, ctx);
    expect(result.status).toBe('ok');
    expect(await count()).toBe(before);
    expect(result.outputs.inserted).toBe(await count(`observation_date = DATE '2026-04-20'`));
    const noKey = await runRestoreRowsStep({ ...restore, key: '' }, ctx);
    expect(noKey.outputs.inserted).toBe(0);
    expect(await count()).toBe(before);
  });

  it('refuses to put a window back, changing nothing, when a row outside it now holds the key of a kept row', async () => {
    const { dir, ctx, count } = await database();
    const kept = path.join(dir, 'kept.parquet');
    await runExportRowsStep(exportStep(kept), ctx);
    const replace = { where: window, params: ['2026-04-19', '2026-04-20'], keepTo: path.join(dir, 'before-rollback.parquet') };
    const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', destructive: true, table: '"raw_ebird"."observations"', from: kept, key: 'id', replace } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    // Upstream corrected a day: a later load moved the window's two smallest ids out of it, to 2026-04-10 and a NULL date.
    const first = await count(`observation_date < DATE '2026-04-19'`);
    await change(ctx.databasePath, `UPDATE raw_ebird.observations SET observation_date = CASE id WHEN ${first + 1} THEN DATE '2026-04-10' ELSE NULL END WHERE id IN (${first + 1}, ${first + 2})`);
    const before = await count();
    const result = await runRestoreRowsStep(restore, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `2 rows of raw_ebird.observations outside the window hold the key (id) of a kept row: id ${first + 1} (observation_date 2026-04-10); id ${first + 2} (observation_date NULL). ` +
        `Put back, the kept rows would repeat those keys, so nothing was changed. Delete those rows first (or date them back into the window), then run this again; or put the window back by hand from the kept rows in ${kept}, left as it was`,
    );
    // Nothing changed: no row, no file of the window's rows of the moment; the run's end does not say it may have.
    expect(result.untouched).toBe(true);
    expect(await count()).toBe(before);
    expect(await count(`id = ${first + 1}`)).toBe(1);
    expect(fs.existsSync(replace.keepTo)).toBe(false);
    expect(fs.existsSync(kept)).toBe(true);

    // Those rows gone, it puts the window back: every kept id once.
    await change(ctx.databasePath, `DELETE FROM raw_ebird.observations WHERE id IN (${first + 1}, ${first + 2})`);
    const again = await runRestoreRowsStep(restore, ctx);
    expect(again.status).toBe('ok');
    expect(await count(`id IN (${first + 1}, ${first + 2})`)).toBe(2);
    expect(await count()).toBe(before);
  });

  it('says a put-back whose DELETE failed in its own transaction changed nothing, so the run does not read "part-way"', async () => {
    const { dir, ctx, count } = await database();
    const kept = path.join(dir, 'kept.parquet');
    await runExportRowsStep(exportStep(kept), ctx);
    // The table's name on a view over the table that holds the rows, run as it is named: DuckDB deletes from base tables only.
    await change(ctx.databasePath, 'ALTER TABLE raw_ebird.observations RENAME TO observations_base; CREATE VIEW raw_ebird.observations AS SELECT * FROM raw_ebird.observations_base');
    const keepTo = path.join(dir, 'before-rollback.parquet');
    const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', destructive: true, table: '"raw_ebird"."observations"', from: kept, key: 'id', replace: { where: window, params: ['2026-04-19', '2026-04-20'], keepTo } } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    const before = await count();
    const result = await runRestoreRowsStep(restore, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(`Binder Error: Can only delete from base table: the statement ran in a transaction, rolled back, so nothing was changed; the rows in the window are also kept in ${keepTo}`);
    expect(result.untouched).toBe(true);
    expect(result.outputs).toEqual({ file: keepTo });
    expect(changedBeforeStopping([restore], [{ stepId: restore.id, ...result }])).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('puts nothing back through a view that shows another table than when the plan was made (a SQLMesh plan applied since)', async () => {
    const { dir, ctx } = await database();
    const kept = path.join(dir, 'kept.parquet');
    await runExportRowsStep(exportStep(kept), ctx);
    // Planned while the view showed version 1; version 2 is served now.
    await change(ctx.databasePath, `CREATE TABLE raw_ebird.observations__1 AS SELECT * FROM raw_ebird.observations; CREATE TABLE raw_ebird.observations__2 AS SELECT * FROM raw_ebird.observations;
      DROP TABLE raw_ebird.observations; CREATE VIEW raw_ebird.observations AS SELECT * FROM raw_ebird.observations__2`);
    const servedThrough = { view: '"raw_ebird"."observations"', viewShown: 'raw_ebird.observations', table: '"raw_ebird"."observations__1"', shown: 'raw_ebird.observations__1' };
    const keepTo = path.join(dir, 'before-rollback.parquet');
    const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', destructive: true, table: servedThrough.table, servedThrough, from: kept, key: 'id', replace: { where: window, params: ['2026-04-19', '2026-04-20'], keepTo } } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    const result = await runRestoreRowsStep(restore, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      'raw_ebird.observations no longer shows raw_ebird.observations__1, the table this plan puts the rows back in, but raw_ebird.observations__2 (a SQLMesh plan applied since?): nothing was changed. Propose the rollback again, so its plan names the table the view shows now',
    );
    expect(result.untouched).toBe(true);
    expect(fs.existsSync(keepTo)).toBe(false);
  });
});

describe('a write between the keep and the delete', () => {
  const days = ['2026-04-19', '2026-04-20'];
  const keepStep = (to: string, expectRows?: string) =>
    ({ ...common, id: 'keep_raw', title: 'keep', kind: 'export-rows', target: 'local', table: 'raw_ebird.observations', where: window, params: days, to, expectRows }) as Extract<ResolvedStep, { kind: 'export-rows' }>;
  /** The window's first row, as another writer changes it (a load correcting a count): the same rows, the same count. */
  const firstInWindow = `id = (SELECT min(id) FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-19')`;
  const otherWrite = `UPDATE raw_ebird.observations SET how_many = 4242 WHERE ${firstInWindow}`;

  it("leaves a row another writer updated after the export-rows step kept it: the DELETE compares first, deletes nothing and says so", async () => {
    const { dir, ctx, count } = await database();
    const inWindow = await count(`observation_date BETWEEN DATE '2026-04-19' AND DATE '2026-04-20'`);
    const kept = path.join(dir, 'kept.parquet');
    expect((await runExportRowsStep(keepStep(kept, String(inWindow)), ctx)).status).toBe('ok');
    const before = await count();
    await change(ctx.databasePath, otherWrite);
    const keptIn = { step: 'keep_raw', verb: 'DELETE' as const, file: kept, table: 'raw_ebird.observations', where: window, params: days };
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: days, expectRows: String(inWindow), keptIn } as Extract<ResolvedStep, { kind: 'sql' }>;
    const result = await runSqlStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `the rows this DELETE removes changed after step "keep_raw" kept them in ${kept} (another writer wrote in between): 1 row there now is not in the kept file as it is, 1 kept row is no longer there as it was. ` +
        `Rolled back, nothing was deleted; the rows as they were kept are in ${kept}. Diagnose again, then propose the plan again on the rows as they are now`,
    );
    expect(result.untouched).toBe(true);
    expect(await count()).toBe(before);
    expect(await count(`${firstInWindow} AND how_many = 4242`)).toBe(1);

    // Nothing written since the keep: the same DELETE goes through, as before.
    await change(ctx.databasePath, `UPDATE raw_ebird.observations SET how_many = 1 WHERE ${firstInWindow}`);
    const fresh = path.join(dir, 'kept-again.parquet');
    expect((await runExportRowsStep(keepStep(fresh, String(inWindow)), ctx)).status).toBe('ok');
    const deleted = await runSqlStep({ ...step, keptIn: { ...keptIn, file: fresh } }, ctx);
    expect(deleted.status).toBe('ok');
    expect(await count()).toBe(before - inWindow);
  });

  it('refuses, changing nothing, when the comparison with the kept file itself fails', async () => {
    const { dir, ctx, count } = await database();
    const before = await count();
    const unreadable = path.join(dir, 'kept.parquet');
    fs.writeFileSync(unreadable, 'not a Parquet file');
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: days, expectRows: '420', keptIn: { step: 'keep_raw', verb: 'DELETE', file: unreadable, table: 'raw_ebird.observations', where: window, params: days } } as Extract<ResolvedStep, { kind: 'sql' }>;
    const result = await runSqlStep(step, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(new RegExp(`^the rows this DELETE removes could not be compared with those kept in ${unreadable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(step "keep_raw"\\): .+; rolled back before it ran, nothing was changed$`));
    expect(result.untouched).toBe(true);
    expect(await count()).toBe(before);
  });

  it('refuses, changing nothing, when the file its rows were to be kept in is not there', async () => {
    const { dir, ctx, count } = await database();
    const before = await count();
    const gone = path.join(dir, 'never-kept.parquet');
    const step = { ...common, id: 'delete_raw', title: 'delete', kind: 'sql', target: 'local', destructive: true, sql: `DELETE FROM raw_ebird.observations WHERE ${window}`, params: days, expectRows: '420', keptIn: { step: 'keep_raw', verb: 'DELETE', file: gone, table: 'raw_ebird.observations', where: window, params: days } } as Extract<ResolvedStep, { kind: 'sql' }>;
    const result = await runSqlStep(step, ctx);
    expect(result.summary).toBe(`the rows this DELETE removes were to be kept first in ${gone} (step "keep_raw"), and that file is not there: nothing was changed`);
    expect(result.untouched).toBe(true);
    expect(await count()).toBe(before);
  });

  it("leaves a row another writer updated between restore-rows' keep and its delete: the window and the kept rows as they were, said so", async () => {
    const { dir, ctx } = await database();
    const kept = path.join(dir, 'kept.parquet');
    expect((await runExportRowsStep(keepStep(kept), ctx)).status).toBe('ok');
    // The step's session and another writer's, on one DuckDB instance (two connections): the other writer's UPDATE is
    // committed between the step's two transactions, the keep's and the delete's, as a load on MotherDuck could be.
    const instance = await DuckDBInstance.create(ctx.databasePath);
    const writer = await instance.connect();
    const read = async (sql: string) => Number((await runForRows(writer, sql)).rows[0]?.[0]);
    try {
      const target: DatabaseTarget = {
        name: 'local',
        database: 'databox',
        label: ctx.databasePath,
        lockKey: ctx.databasePath,
        open: async () => {
          const connection = await instance.connect();
          let committed = false;
          return {
            run: async (sql, params) => {
              if (committed && /^BEGIN TRANSACTION/.test(sql)) {
                committed = false;
                await writer.run(otherWrite);
              }
              const result = await runForRows(connection, sql, params);
              if (sql === 'COMMIT') committed = true;
              return result;
            },
            interrupt: () => connection.interrupt(),
            close: async () => connection.closeSync(),
          };
        },
      };
      const before = await read('SELECT count(*) FROM raw_ebird.observations');
      const keepTo = path.join(dir, 'before-rollback.parquet');
      const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', destructive: true, table: '"raw_ebird"."observations"', from: kept, key: 'id', replace: { where: window, params: days, keepTo } } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
      const result = await runRestoreRowsStep(restore, { ...ctx, targets: { local: target, motherduck: target, backend: target } });
      expect(result.status).toBe('failed');
      expect(result.summary).toBe(
        `the window's rows changed after they were kept in ${keepTo} and before they were to be deleted (another writer wrote in between): 1 row there now is not in the kept file as it is, 1 kept row is no longer there as it was. ` +
          `Nothing was deleted or put back: the window is as that writer left it, the rows kept of it are in ${keepTo}, the rows to put back still in ${kept}. Propose the rollback again, so the rows there now are kept and replaced`,
      );
      expect(result.untouched).toBe(true);
      expect(await read('SELECT count(*) FROM raw_ebird.observations')).toBe(before);
      expect(await read(`SELECT how_many FROM raw_ebird.observations WHERE ${firstInWindow}`)).toBe(4242);
      expect(fs.existsSync(keepTo)).toBe(true);
    } finally {
      writer.closeSync();
      instance.closeSync();
    }
  });
});

describe("restore-rows' refusals before it reads the table", () => {
  it('says it changed nothing when the kept rows are gone, or the file for the rows of the moment is already there', async () => {
    const { dir, ctx, count } = await database();
    const before = await count();
    const restore = { ...common, id: 'restore_rows', title: 'restore', kind: 'restore-rows', target: 'local', table: '"raw_ebird"."observations"', from: path.join(dir, 'gone.parquet'), key: 'id' } as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    const missing = await runRestoreRowsStep(restore, ctx);
    expect(missing.status).toBe('failed');
    expect(missing.summary).toBe(`the kept rows are not at ${path.join(dir, 'gone.parquet')}`);
    expect(missing.untouched).toBe(true);

    const kept = path.join(dir, 'kept.parquet');
    await runExportRowsStep({ ...common, id: 'keep_raw', title: 'keep', kind: 'export-rows', target: 'local', table: 'raw_ebird.observations', where: window, params: ['2026-04-19', '2026-04-20'], to: kept } as Extract<ResolvedStep, { kind: 'export-rows' }>, ctx);
    const keepTo = path.join(dir, 'before-rollback.parquet');
    fs.writeFileSync(keepTo, 'an earlier rollback kept these');
    const replaced = await runRestoreRowsStep({ ...restore, from: kept, destructive: true, replace: { where: window, params: ['2026-04-19', '2026-04-20'], keepTo } }, ctx);
    expect(replaced.status).toBe('failed');
    expect(replaced.summary).toBe(`refusing to overwrite ${keepTo}: it already exists`);
    expect(replaced.untouched).toBe(true);
    expect(fs.readFileSync(keepTo, 'utf8')).toBe('an earlier rollback kept these');
    expect(await count()).toBe(before);
  });
});

describe('day counts', () => {
  it('judges zero, low (under 20% of the median), spike (over 5x) and normal', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(judgeDay(0, 100, 0.2, 5)).toBe('zero');
    expect(judgeDay(19, 100, 0.2, 5)).toBe('low');
    expect(judgeDay(20, 100, 0.2, 5)).toBe('normal');
    expect(judgeDay(500, 100, 0.2, 5)).toBe('normal');
    expect(judgeDay(501, 100, 0.2, 5)).toBe('spike');
  });

  it('scans the last complete days when no window is given', () => {
    expect(scanWindow({ from: '', to: '', scanDays: 30 }, new Date('2026-04-25T08:00:00Z'))).toEqual({ from: '2026-03-26', to: '2026-04-24', proposed: true });
    expect(scanWindow({ from: '2026-04-01', to: '2026-04-03', scanDays: 30 }, new Date('2026-04-25T08:00:00Z'))).toEqual({ from: '2026-04-01', to: '2026-04-03', proposed: false });
    // 02:00 UTC is 22:00 the day before in New York: a source there has 2026-04-24 under way, its last complete day 2026-04-23.
    expect(scanWindow({ from: '', to: '', scanDays: 30, timeZone: 'America/New_York' }, new Date('2026-04-25T02:00:00Z'))).toEqual({ from: '2026-03-25', to: '2026-04-23', proposed: true });
    expect(scanWindow({ from: '', to: '', scanDays: 30, timeZone: 'UTC' }, new Date('2026-04-25T02:00:00Z'))).toEqual({ from: '2026-03-26', to: '2026-04-24', proposed: true });
  });

  it('finds the planted days and proposes the window that covers them', async () => {
    const { ctx } = await database();
    const step = { ...common, mutates: false, id: 'mart_counts', title: 'counts', kind: 'day-counts', target: 'local', table: '"ebird"."fct_daily_bird_observations"', dateColumn: '"day_date"', key: '', from: '', to: '', baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000 } as Extract<ResolvedStep, { kind: 'day-counts' }>;
    const result = await runDayCountsStep(step, ctx);
    expect(result.status).toBe('anomalies');
    expect(result.outputs.badDays).toEqual(['2026-04-18', '2026-04-19', '2026-04-20']);
    expect([result.outputs.proposedFrom, result.outputs.proposedTo]).toEqual(['2026-04-18', '2026-04-20']);
    expect(result.output).toMatch(/2026-04-19\s+20\s+low/);
  });
});

describe('day counts that are not a bad window', () => {
  const rawCounts = (from: string, to: string, extra: Partial<Extract<ResolvedStep, { kind: 'day-counts' }>> = {}) =>
    ({ ...common, mutates: false, id: 'raw_counts', title: 'counts', kind: 'day-counts', target: 'local', table: '"raw_ebird"."observations"', dateColumn: '"observation_date"', key: '', from, to, baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000, ...extra }) as Extract<ResolvedStep, { kind: 'day-counts' }>;

  it('says today is still loading instead of calling it normal, and judges nothing when the window is today alone', async () => {
    const { ctx } = await database();
    const alone = await runDayCountsStep(rawCounts('2026-04-25', '2026-04-25'), ctx);
    expect(alone.status).toBe('not-judged');
    // The planted bad days just before it are said, judged as the window's days would be (a stretch it may be part of).
    expect(alone.summary).toMatch(
      /^nothing to judge in raw_ebird\.observations yet: today \(2026-04-25\) is still loading: 0 rows so far; 2026-04-18 … 2026-04-20, before the window, look wrong in raw_ebird\.observations too, judged as its days are \(zero, low and spike: 0, 20, 1600 rows against a median of [\d.]+\/day\); diagnose a window that takes them in: from=2026-04-18 to=2026-04-20$/,
    );
    const withToday = await runDayCountsStep(rawCounts('2026-04-22', '2026-04-25'), ctx);
    expect(withToday.status).toBe('ok');
    expect(withToday.summary).toMatch(/^all 3 days normal in raw_ebird\.observations \(2026-04-22 … 2026-04-25, .*\); 2026-04-18 … 2026-04-20, before the window, look wrong in raw_ebird\.observations too, [^;]*; diagnose a window that takes them in: from=2026-04-18 to=2026-04-20; today \(2026-04-25\) is still loading: 0 rows so far, not judged$/);
    const one = await runDayCountsStep(rawCounts('2026-04-24', '2026-04-24'), ctx);
    expect(one.summary).toMatch(/^the one day is normal in raw_ebird\.observations \(2026-04-24 … 2026-04-24, /);
  });

  it('tells a window with no rows before or after all of the table\'s, or an empty table, from a bad window', async () => {
    const { ctx } = await database();
    const before = await runDayCountsStep(rawCounts('1970-01-01', '1970-01-31'), ctx);
    expect(before.status).toBe('no-data');
    expect(before.summary).toBe('no rows in raw_ebird.observations for 1970-01-01 … 1970-01-31: its rows run from 2026-02-24 to 2026-04-24, all after the window');
    expect(before.outputs).toMatchObject({ firstDay: '2026-02-24', lastDay: '2026-04-24' });
    const later = { ...ctx, clock: () => new Date('2026-09-01T08:00:00Z') };
    const after = await runDayCountsStep(rawCounts('2026-08-01', '2026-08-20'), later);
    expect(after.status).toBe('no-data');
    expect(after.summary).toBe('no rows in raw_ebird.observations for 2026-08-01 … 2026-08-20: its rows run from 2026-02-24 to 2026-04-24, so it stopped loading on 2026-04-24');
    // Partly after the last row: the days before it are judged, and the empty ones after it are said for what they are.
    const across = await runDayCountsStep(rawCounts('2026-04-20', '2026-05-05'), later);
    expect(across.status).toBe('anomalies');
    expect(across.summary).toMatch(/; no rows after 2026-04-24: it stopped loading on 2026-04-24$/);
    await change(ctx.databasePath, 'DELETE FROM raw_ebird.observations');
    const emptied = await runDayCountsStep(rawCounts('2026-04-10', '2026-04-20'), ctx);
    expect(emptied.status).toBe('empty');
    expect(emptied.summary).toBe('raw_ebird.observations has no rows at all (no day has any, in the window or out of it)');
  });

  it('says the rows dated after today, and still sees that the source stopped loading behind them', async () => {
    const { ctx } = await database();
    const later = { ...ctx, clock: () => new Date('2026-09-01T08:00:00Z') };
    // Ten mis-dated rows next March: before, the last day read as then, and "stopped loading" was not said.
    await change(ctx.databasePath, "INSERT INTO raw_ebird.observations SELECT id + 10000000, DATE '2027-03-01', species, how_many FROM raw_ebird.observations LIMIT 10");
    const across = await runDayCountsStep(rawCounts('2026-04-20', '2026-05-05'), later);
    expect(across.status).toBe('anomalies');
    expect(across.summary).toMatch(/; no rows after 2026-04-24: it stopped loading on 2026-04-24;.* 10 rows are dated after today, up to 2027-03-01: mis-dated \(a wrong date is a day's rows missing from it\), in no day judged here$/);
    expect(across.output).toContain('rows in raw_ebird.observations run from 2026-02-24 to 2026-04-24, and 10 rows are dated after today (up to 2027-03-01)');
    // Every row in the future: no rows up to today, said so, not "no rows at all".
    await change(ctx.databasePath, "DELETE FROM raw_ebird.observations WHERE observation_date < DATE '2027-01-01'");
    const onlyLater = await runDayCountsStep(rawCounts('2026-08-01', '2026-08-20'), later);
    expect(onlyLater.summary).toMatch(/^raw_ebird\.observations has no rows dated up to today; 10 rows are dated after today, up to 2027-03-01/);
    expect(onlyLater.output).toContain('raw_ebird.observations has no rows dated up to today, and 10 rows are dated after today (up to 2027-03-01)');
  });

  it('says the rows dated -infinity mis-dated, as those after today are, and does not take them for the first row', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "INSERT INTO raw_ebird.observations SELECT id + 10000000, DATE '-infinity', species, how_many FROM raw_ebird.observations LIMIT 3");
    const counts = await runDayCountsStep(rawCounts('2026-04-20', '2026-04-22'), ctx);
    expect(counts.summary).toMatch(/; 3 rows are dated -infinity: mis-dated \(a wrong date is a day's rows missing from it\), in no day judged here$/);
    expect(counts.output).toContain('rows in raw_ebird.observations run from 2026-02-24 to 2026-04-24, and 3 rows are dated -infinity');
    expect(counts.outputs.firstDay).toBe('2026-02-24');
    // Every row mis-dated: no day has any, said so, not "no rows at all".
    await change(ctx.databasePath, "DELETE FROM raw_ebird.observations WHERE isfinite(observation_date)");
    const onlyMisdated = await runDayCountsStep(rawCounts('2026-04-20', '2026-04-22'), ctx);
    expect(onlyMisdated.summary).toMatch(/^raw_ebird\.observations has no rows on any day up to today; 3 rows are dated -infinity: mis-dated/);
    expect(onlyMisdated.output).toContain('raw_ebird.observations has no rows on any day up to today, and 3 rows are dated -infinity');
  });

  it('counts the rows that repeat a key each day: a day loaded twice is not normal', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-22'");
    const unkeyed = await runDayCountsStep(rawCounts('2026-04-21', '2026-04-23'), ctx);
    // Without a key, about twice the day's rows is all there is to tell it by: not ok, nor a bad day by count alone.
    expect(unkeyed.status).toBe('doubled');
    const keyed = await runDayCountsStep(rawCounts('2026-04-21', '2026-04-23', { key: 'id' }), ctx);
    expect(keyed.status).toBe('duplicates');
    expect(keyed.outputs.badDays).toEqual(['2026-04-22']);
    expect(keyed.summary).toMatch(/^1 of 3 days looks wrong in raw_ebird\.observations \(.*\): 2026-04-22 duplicates \((\d+) rows, (\d+) repeat a key of the day\); 2026-04-18 … 2026-04-20, before the window, look wrong in raw_ebird\.observations too, judged as its days are \(zero, low and spike: 0, 20, 1600 rows against a median of [\d.]+\/day\); diagnose a window that takes them in: from=2026-04-18 to=2026-04-22$/);
    const [, rows, repeated] = /\((\d+) rows, (\d+) repeat/.exec(keyed.summary) ?? [];
    expect(Number(rows)).toBe(2 * Number(repeated));
    expect(keyed.output).toMatch(/2026-04-22\s+\d+\s+\d+\s+duplicates/);
  });

  it('calls a day with any repeated key duplicates, said part of it loaded again under 10% of its rows', async () => {
    const { ctx } = await database();
    // One stray repeat on 2026-04-21; 40 of ~235 rows (17%) on 2026-04-22; 20 of ~215 (9%) on 2026-04-23.
    await change(
      ctx.databasePath,
      `INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-21' ORDER BY id LIMIT 1;
       INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-22' ORDER BY id LIMIT 40;
       INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-23' ORDER BY id LIMIT 20`,
    );
    const result = await runDayCountsStep(rawCounts('2026-04-21', '2026-04-24', { key: 'id' }), ctx);
    expect(result.status).toBe('duplicates');
    // Before: 2026-04-22 alone, the others said as "under 10% of the day's rows: not a day loaded twice", left out of
    // the window proposed, and their repeats left in the table by its recovery.
    expect(result.outputs.badDays).toEqual(['2026-04-21', '2026-04-22', '2026-04-23']);
    expect(result.summary).toMatch(
      /^3 of 4 days look wrong in raw_ebird\.observations \(.*\): 2026-04-21 duplicates \(\d+ rows, 1 repeats a key of the day: 1%, part of the day loaded again\), 2026-04-22 duplicates \(\d+ rows, 40 repeat a key of the day\), 2026-04-23 duplicates \(\d+ rows, 20 repeat a key of the day: 9%, part of the day loaded again\); 2026-04-18 … 2026-04-20, before the window, look wrong/,
    );
    expect(result.summary).not.toContain('not a day loaded twice');
  });

  it('says the repeats of a day already bad by its count once, with their share: most of its rows repeated is a day loaded more than once', async () => {
    const { ctx } = await database();
    // 2026-04-22: 2,000 keys five times over (10,000 rows, 8,000 repeats: a spike); 2026-04-23: 10 keys three times (30
    // rows, 20 repeats: low); 2026-04-21: 29 keys, one of them twice (30 rows, 1 repeat: low, and a stray repeat).
    await change(
      ctx.databasePath,
      `DELETE FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-21' AND DATE '2026-04-23';
       INSERT INTO raw_ebird.observations SELECT 10000000 + k.range, DATE '2026-04-22', 's', 1 FROM range(2000) AS k, range(5) AS copies;
       INSERT INTO raw_ebird.observations SELECT 20000000 + k.range, DATE '2026-04-23', 's', 1 FROM range(10) AS k, range(3) AS copies;
       INSERT INTO raw_ebird.observations SELECT 30000000 + least(range, 28), DATE '2026-04-21', 's', 1 FROM range(30)`,
    );
    const result = await runDayCountsStep(rawCounts('2026-04-21', '2026-04-24', { key: 'id' }), ctx);
    expect(result.status).toBe('anomalies');
    expect(result.outputs.badDays).toEqual(['2026-04-21', '2026-04-22', '2026-04-23']);
    // Before, each was said twice, the second time as "under 10% of the day's rows: not a day loaded twice".
    expect(result.summary).toMatch(
      /^3 of 4 days look wrong in raw_ebird\.observations \([^)]*\): 2026-04-21 low \(30 rows, 1 of them \(3%\) repeats a key of the day\), 2026-04-22 spike \(10000 rows, 8000 of them \(80%\) repeat a key of the day: loaded more than once\), 2026-04-23 low \(30 rows, 20 of them \(67%\) repeat a key of the day: loaded more than once\); 2026-04-18 … 2026-04-20, before the window, look wrong in raw_ebird\.observations too, judged as its days are \(zero, low and spike: 0, 20, 1600 rows against a median of [\d.]+\/day\): running into the window's first day, the bad stretch began before the window, on 2026-04-18; diagnose a window that takes them in: from=2026-04-18 to=2026-04-23$/,
    );
  });

  it('counts repeated keys on the judged days only, exactly on small days and in a slice of the keys, said "about", on large ones', async () => {
    const step = rawCounts('', '', { key: 'id' });
    // The per-day count over the window and its baseline is a plain count; the repeats are read for the judged days alone.
    expect(dayCountsSql(step)).not.toMatch(/DISTINCT/i);
    expect(repeatedKeysSql(step)).toMatch(/COUNT\(DISTINCT "id"\)[\s\S]*hash\("id"\) % CAST\(\$3 AS UBIGINT\) = 0/);
    const dir = tempDir();
    const file = path.join(dir, 'large.duckdb');
    // 60 days of 60,000 rows, 2026-04-20 loaded twice: over the 50,000 rows a day counted exactly.
    await change(
      file,
      `CREATE SCHEMA raw_ebird;
       CREATE TABLE raw_ebird.observations AS SELECT range AS id, DATE '2026-04-24' - CAST(range % 60 AS INTEGER) AS observation_date FROM range(3600000);
       INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-20'`,
    );
    const { ctx } = await database();
    const result = await runDayCountsStep(rawCounts('2026-04-18', '2026-04-22', { key: 'id' }), { ...ctx, databasePath: file });
    expect(result.status).toBe('duplicates');
    expect(result.outputs.badDays).toEqual(['2026-04-20']);
    const [, estimate] = /2026-04-20 duplicates \(120000 rows, about (\d+) repeat a key of the day\)/.exec(result.summary) ?? [];
    expect(Math.abs(Number(estimate) - 60_000)).toBeLessThan(3_000);
    // A day with no repeat has none in any slice of its keys: never a stray estimate.
    const days = result.outputs.days as { day: string; repeated: number }[];
    expect(days.filter((d) => d.day !== '2026-04-20').map((d) => d.repeated)).toEqual([0, 0, 0, 0]);
    expect(result.output).toMatch(/repeated keys \(~\): estimated from the keys in a 1-in-3 slice by hash/);

    // The runbook's settings: counted exactly up to a larger day, and a higher share before a day is said loaded twice.
    const exact = await runDayCountsStep(rawCounts('2026-04-18', '2026-04-22', { key: 'id', exactRepeatsUpTo: 200_000 }), { ...ctx, databasePath: file });
    expect(exact.summary).toMatch(/2026-04-20 duplicates \(120000 rows, 60000 repeat a key of the day\)/);
    expect(exact.output).not.toMatch(/estimated/);
    const lenient = await runDayCountsStep(rawCounts('2026-04-18', '2026-04-22', { key: 'id', exactRepeatsUpTo: 200_000, repeatsFrom: 0.6 }), { ...ctx, databasePath: file });
    expect(lenient.status).toBe('duplicates');
    expect(lenient.summary).toMatch(/2026-04-20 duplicates \(120000 rows, 60000 repeat a key of the day: 50%, part of the day loaded again\)/);
  });

  it('takes no rows on a weekday that had none in every week of the baseline (a source that skips weekends) as usual, not bad', async () => {
    const { ctx } = await database();
    const noaa = { table: '"raw_noaa"."daily_weather"', key: 'id' };
    await change(ctx.databasePath, 'DELETE FROM raw_noaa.daily_weather WHERE dayofweek(observation_date) IN (0, 6)');
    const weekdaysOnly = await runDayCountsStep(rawCounts('2026-04-13', '2026-04-24', noaa), ctx);
    expect(weekdaysOnly.status).toBe('ok');
    expect(weekdaysOnly.outputs.badDays).toEqual([]);
    expect(weekdaysOnly.summary).toMatch(
      /^all 12 days normal in raw_noaa\.daily_weather \(.*\); no rows on 2026-04-18, 2026-04-19 \(Saturdays and Sundays\), as on every one of those weekdays in the 14 days before: as usual for this source, not bad days$/,
    );
    expect(weekdaysOnly.output).toMatch(/2026-04-18\s+0\s+0\s+quiet/);
    // A weekday the source does load on, empty: bad as ever.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-22'");
    const wednesday = await runDayCountsStep(rawCounts('2026-04-13', '2026-04-24', noaa), ctx);
    expect(wednesday.status).toBe('anomalies');
    expect(wednesday.outputs.badDays).toEqual(['2026-04-22']);
  });

  it('does not judge the days before the table\'s first row: a source younger than the scan is not a bad window', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date < DATE '2026-04-05'");
    const noaa = { table: '"raw_noaa"."daily_weather"', key: 'id' };
    const young = await runDayCountsStep(rawCounts('', '', noaa), ctx);
    // No rows in the 14 days before the window either: nothing to judge its days by, so not "all normal".
    expect(young.status).toBe('no-baseline');
    expect(young.outputs.badDays).toEqual([]);
    // "All 20 days" of a 30-day window says from when; no "median 0/day" beside "no baseline".
    expect(young.summary).toMatch(/^all 20 days from its first row have rows in raw_noaa\.daily_weather, but none can be judged further \(2026-03-26 … 2026-04-24; no baseline .*\); its rows start on 2026-04-05: 10 days before it not judged$/);
    expect(young.output).toMatch(/2026-04-04\s+0\s+0\s+before-first-row/);
    // Every complete day before the first row: no data, as for a window wholly before the table's rows.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date < DATE '2026-04-25'; INSERT INTO raw_noaa.daily_weather SELECT 1, DATE '2026-04-25', 's', 1");
    const today = await runDayCountsStep(rawCounts('2026-04-20', '2026-04-25', noaa), ctx);
    expect(today.status).toBe('no-data');
    expect(today.summary).toMatch(/^no rows in raw_noaa\.daily_weather for 2026-04-20 … 2026-04-24: its rows run from 2026-04-25 to 2026-04-25, all after the window/);
  });
});

describe('a baseline with empty days', () => {
  const noaaCounts = (from: string, to: string) =>
    ({ ...common, mutates: false, id: 'raw_counts', title: 'counts', kind: 'day-counts', target: 'local', table: '"raw_noaa"."daily_weather"', dateColumn: '"observation_date"', key: '', from, to, baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000 }) as Extract<ResolvedStep, { kind: 'day-counts' }>;

  it('is judged by the days before the window that have rows: a week-long outage before it hides no bad day', async () => {
    const { ctx } = await database();
    // 8 of the 14 days before 2026-04-15 empty (an outage), the 6 others ~200 rows; 2026-04-17 has 10 rows.
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-04' AND DATE '2026-04-11';
       DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-17' AND id NOT IN (SELECT id FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-17' ORDER BY id LIMIT 10)`,
    );
    const result = await runDayCountsStep(noaaCounts('2026-04-15', '2026-04-21'), ctx);
    // Before, the median of the 14 days was 0: "no baseline (the days before have no rows)", every day "normal".
    expect(result.status).toBe('anomalies');
    expect(result.outputs.badDays).toEqual(['2026-04-17']);
    expect(result.outputs.baselineMedian).toBeGreaterThan(180);
    expect(result.summary).toMatch(
      /^1 of 7 days looks wrong in raw_noaa\.daily_weather \(2026-04-15 … 2026-04-21, baseline median [\d.]+\/day; 8 of the 14 days before the window are empty; judged by the 6 that have rows\): 2026-04-17 low \(10\); 2026-04-04 … 2026-04-11, before the window, look wrong in raw_noaa\.daily_weather too, judged as its days are \(zero: no rows against a median of [\d.]+\/day\); diagnose a window that takes them in: from=2026-04-04 to=2026-04-17$/,
    );
    expect(result.output).toMatch(/baseline: median [\d.]+ rows\/day over 2026-04-01 … 2026-04-14, of the 6 days with rows/);
  });

  it('takes no weekday an outage emptied for one the source skips: an empty Saturday after a week-long outage is a bad day', async () => {
    const { ctx } = await database();
    // Both Saturdays of the baseline (04-04, 04-11) fall in the outage; the window's Saturday 04-18 is empty too.
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-04' AND DATE '2026-04-11';
       DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-18'`,
    );
    const result = await runDayCountsStep(noaaCounts('2026-04-15', '2026-04-21'), ctx);
    expect(result.status).toBe('anomalies');
    expect(result.outputs.badDays).toEqual(['2026-04-18']);
    expect(result.summary).not.toContain('as usual for this source');
    expect(result.summary).toMatch(/2026-04-18 zero \(0\)/);
  });

  it('says one empty day before the window in the singular', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-10'");
    const result = await runDayCountsStep(noaaCounts('2026-04-15', '2026-04-21'), ctx);
    expect(result.summary).toContain('; 1 of the 14 days before the window is empty; judged by the 13 that have rows');
  });

  it('is none when too few of the days before have rows, said as such, not as days with no rows at all', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-01' AND DATE '2026-04-12'");
    const result = await runDayCountsStep(noaaCounts('2026-04-15', '2026-04-21'), ctx);
    expect(result.status).toBe('no-baseline');
    expect(result.outputs.baselineMedian).toBe(0);
    expect(result.summary).toBe(
      'all 7 days have rows in raw_noaa.daily_weather, but none can be judged further (2026-04-15 … 2026-04-21; no baseline (only 2 of the 14 days before the window have rows: too few to judge by), so only empty days can be judged)',
    );
  });
});

describe('bad days told apart from the mart\'s', () => {
  it('names the days bad in both, in the mart only and in the raw table only, and the window covering them all', () => {
    expect(dayRanges(['2026-04-20', '2026-04-18', '2026-04-19', '2026-04-23'])).toBe('2026-04-18 … 2026-04-20, 2026-04-23');
    const raw = 'raw_ebird.observations';
    const mart = 'ebird.fct_daily_bird_observations';
    expect(compareBadDays({ table: raw, badDays: ['2026-04-18', '2026-04-19'] }, { table: mart, badDays: ['2026-04-18', '2026-04-19'] })).toEqual({
      comparison: `${raw} shows the same bad days as ${mart} (2026-04-18 … 2026-04-19)`,
      unionFrom: '2026-04-18',
      unionTo: '2026-04-19',
      normalBetween: '',
    });
    expect(compareBadDays({ table: raw, badDays: ['2026-04-18', '2026-04-25'] }, { table: mart, badDays: ['2026-04-16', '2026-04-18', '2026-04-20'] })).toEqual({
      comparison: `bad in ${raw} and so in ${mart}: 2026-04-18; bad in ${mart} only, their rows in ${raw} look normal: 2026-04-16, 2026-04-20; bad in ${raw} only, ${mart} looks normal there: 2026-04-25`,
      unionFrom: '2026-04-16',
      unionTo: '2026-04-25',
      // Runs 04-16, 04-18, 04-20 and 04-25 in a window of 10 days: 6 of them normal in both tables.
      normalBetween:
        ' The window 2026-04-16 … 2026-04-25 also holds 6 normal days between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first). To leave them as they are, recover each run of bad days on its own, diagnosing again after each (a plan is made on a diagnosis of the database as it is): from=2026-04-16 to=2026-04-16, then from=2026-04-18 to=2026-04-18, then from=2026-04-20 to=2026-04-20, then from=2026-04-25 to=2026-04-25.',
    });
  });

  it('reads the mart step\'s bad days from the run, as the diagnosis runs', async () => {
    const { ctx } = await database();
    const mart = { status: 'anomalies', summary: '', durationMs: 0, outputs: { table: 'ebird.fct_daily_bird_observations', badDays: ['2026-04-16', '2026-04-18'] } };
    const step = { ...common, mutates: false, id: 'raw_counts', title: 'counts', kind: 'day-counts', target: 'local', table: '"raw_ebird"."observations"', dateColumn: '"observation_date"', key: '', from: '2026-04-14', to: '2026-04-20', baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000, tellApartFrom: 'mart_counts' } as Extract<ResolvedStep, { kind: 'day-counts' }>;
    const result = await runDayCountsStep(step, { ...ctx, earlier: new Map([['mart_counts', mart]]) });
    expect(result.outputs).toMatchObject({
      comparison: 'bad in raw_ebird.observations and so in ebird.fct_daily_bird_observations: 2026-04-18; bad in ebird.fct_daily_bird_observations only, their rows in raw_ebird.observations look normal: 2026-04-16; bad in raw_ebird.observations only, ebird.fct_daily_bird_observations looks normal there: 2026-04-19 … 2026-04-20',
      unionFrom: '2026-04-16',
      unionTo: '2026-04-20',
    });
  });
});

describe('a raw table with no rows in the window, or on days of it', () => {
  const counts = (id: string, table: string, dateColumn: string, from: string, to: string, extra: Partial<Extract<ResolvedStep, { kind: 'day-counts' }>> = {}) =>
    ({ ...common, mutates: false, id, title: 'counts', kind: 'day-counts', target: 'local', table, dateColumn, key: '', from, to, baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000, ...extra }) as Extract<ResolvedStep, { kind: 'day-counts' }>;
  const diagnose = async (ctx: StepRunContext, from: string, to: string) => {
    const mart = await runDayCountsStep(counts('mart_counts', '"noaa"."fct_daily_weather"', '"day_date"', from, to), ctx);
    return runDayCountsStep(counts('raw_counts', '"raw_noaa"."daily_weather"', '"observation_date"', from, to, { key: 'id', tellApartFrom: 'mart_counts' }), { ...ctx, earlier: new Map([['mart_counts', mart]]) });
  };

  it('whose mart, built from it, has those days: its rows were removed, not days the source never had', async () => {
    const { ctx } = await database();
    // Its rows from March on deleted: a table emptied whole is another status (emptied), below.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date >= DATE '2026-03-01'");
    const raw = await diagnose(ctx, '2026-04-10', '2026-04-20');
    // Before: "no-data", as for a window the source never had.
    expect(raw.status).toBe('rows-removed');
    expect(raw.summary).toMatch(
      /^no rows in raw_noaa\.daily_weather for 2026-04-10 … 2026-04-20; yet noaa\.fct_daily_weather, built from it, has \d+ rows on 11 days of the window \(2026-04-10 … 2026-04-20\): the rows raw_noaa\.daily_weather had on them were removed; raw_noaa\.daily_weather also has no rows on 2026-03-27 … 2026-04-09, 2026-04-21 … 2026-04-24, before and after the window, which noaa\.fct_daily_weather has: the rows were removed there too; diagnose a window that takes them in: from=2026-03-27 to=2026-04-24$/,
    );
    expect([raw.outputs.proposedFrom, raw.outputs.proposedTo]).toEqual(['2026-04-10', '2026-04-20']);
    // Gone from both tables: nothing says the source had those days.
    const neither = await diagnose(ctx, '1970-01-01', '1970-01-31');
    expect(neither.status).toBe('no-data');
  });

  it('whose every row is gone while its mart has rows: emptied whole, said with where the mart\'s rows run, not a window of days', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, 'DELETE FROM raw_noaa.daily_weather');
    const raw = await diagnose(ctx, '2026-04-10', '2026-04-20');
    // Before: "rows-removed" for the window, with windows before and after it to diagnose next.
    expect(raw.status).toBe('emptied');
    expect(raw.summary).toBe(
      'raw_noaa.daily_weather has no rows at all (no day has any, in the window or out of it), while noaa.fct_daily_weather, built from it, has rows from 2026-02-24 to 2026-04-24: the raw table was emptied whole (a DELETE, or a load that replaced it with nothing), not days of a window',
    );
    expect([raw.outputs.proposedFrom, raw.outputs.removedAround]).toEqual(['', '']);
  });

  it('whose mart has those days inside a window that has rows: their rows were removed, not a mart not rebuilt yet', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-14' AND DATE '2026-04-15'");
    const raw = await diagnose(ctx, '2026-04-10', '2026-04-20');
    // Before: "anomalies" (two zero days), read as bad days in the raw table that the mart may not have been rebuilt for.
    expect(raw.status).toBe('rows-removed');
    expect(raw.summary).toMatch(
      /^no rows in raw_noaa\.daily_weather on 2 of the 11 days of 2026-04-10 … 2026-04-20 \(2026-04-14 … 2026-04-15\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on those days: the rows raw_noaa\.daily_weather had on them were removed$/,
    );
    expect(raw.outputs).toMatchObject({ badDays: ['2026-04-14', '2026-04-15'], proposedFrom: '2026-04-14', proposedTo: '2026-04-15', normalBetween: '' });
    // Another day removed apart from them: the window to reload covers all three, and says the normal days between.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-18'");
    const apart = await diagnose(ctx, '2026-04-10', '2026-04-20');
    expect(apart.summary).toContain('on 3 of the 11 days of 2026-04-10 … 2026-04-20 (2026-04-14 … 2026-04-15, 2026-04-18), ');
    expect(apart.outputs).toMatchObject({ proposedFrom: '2026-04-14', proposedTo: '2026-04-18' });
    expect(apart.outputs.normalBetween).toContain('The window 2026-04-14 … 2026-04-18 also holds 2 normal days between the bad ones');
  });

  it('whose rows were deleted from the start of its history, the window reaching past the deletion: removed, not a table that starts there', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date <= DATE '2026-04-15'");
    const raw = await diagnose(ctx, '2026-04-12', '2026-04-18');
    // Before: "no-baseline" (no rows before the window to judge by), and no path offered.
    expect(raw.status).toBe('rows-removed');
    expect(raw.summary).toMatch(/^no rows in raw_noaa\.daily_weather on 4 of the \d+ days of 2026-04-12 … 2026-04-18 \(2026-04-12 … 2026-04-15\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on those days/);
    expect([raw.outputs.proposedFrom, raw.outputs.proposedTo]).toEqual(['2026-04-12', '2026-04-15']);
  });

  it('tells those days from days empty as usual (a quiet weekday), an outage (empty in the mart too) and today', async () => {
    const { ctx } = await database();
    // The source skips weekends; the mart has rows on every day, today's too (a calendar of days, say).
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE dayofweek(observation_date) IN (0, 6);
       INSERT INTO noaa.fct_daily_weather SELECT DATE '2026-04-25', 0, 's', 1`,
    );
    expect((await diagnose(ctx, '2026-04-13', '2026-04-25')).status).toBe('ok');
    // An outage on Wednesday 2026-04-22, no rows in either table: a bad day of the load, as ever.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-22'; DELETE FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-22'");
    const outage = await diagnose(ctx, '2026-04-13', '2026-04-25');
    expect(outage.status).toBe('anomalies');
    expect(outage.outputs.badDays).toEqual(['2026-04-22']);
    // Thursday's raw rows deleted, the mart's left: removed, and the outage beside it is in the window to reload too,
    // said apart (before: "1 other day looks wrong in raw_noaa.daily_weather (…): 2026-04-22 zero (0)", as if removed).
    // A day low in the raw table alone, the mart holding its usual rows: part of its rows removed (before: "1 other day
    // looks wrong", read as a mart not rebuilt yet).
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-23'");
    const removed = await diagnose(ctx, '2026-04-13', '2026-04-25');
    expect(removed.status).toBe('rows-removed');
    expect(removed.summary).toMatch(
      /^no rows in raw_noaa\.daily_weather on 1 of the 12 days of 2026-04-13 … 2026-04-25 \(2026-04-23\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on that day: the rows raw_noaa\.daily_weather had on it were removed; 1 other day has no rows in noaa\.fct_daily_weather either \(2026-04-22\): empty in both tables, an outage or a failed load, not rows removed; reloaded with the others; no rows on 2026-04-18, 2026-04-19 \(Saturdays and Sundays\), as on every one of those weekdays in the 14 days before: as usual for this source, not bad days; today \(2026-04-25\) is still loading: 0 rows so far, not judged$/,
    );
    expect(removed.outputs).toMatchObject({ proposedFrom: '2026-04-22', proposedTo: '2026-04-23', normalBetween: '' });
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-14' AND id NOT IN (SELECT id FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-14' ORDER BY id LIMIT 10)");
    expect((await diagnose(ctx, '2026-04-13', '2026-04-25')).summary).toMatch(
      /were removed; raw_noaa\.daily_weather has only part of its usual rows on 2026-04-14 \(10 rows, low\), while noaa\.fct_daily_weather, built from it, has its usual rows there \(2026-04-14: \d+ rows\): the rows raw_noaa\.daily_weather lacks there were removed; 1 other day has no rows in noaa\.fct_daily_weather either \(2026-04-22\): empty in both tables/,
    );
  });

  it('says raw rows removed before and after the window too (not an outage there), with the window or windows that take them in', async () => {
    const { ctx } = await database();
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-01' AND DATE '2026-04-03' OR observation_date BETWEEN DATE '2026-04-22' AND DATE '2026-04-23' OR observation_date = DATE '2026-04-06';
       DELETE FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-06'`,
    );
    // Before: "all 11 days normal": the days around the window were never compared with the mart's.
    const raw = await diagnose(ctx, '2026-04-10', '2026-04-20');
    expect(raw.status).toBe('ok');
    expect(raw.summary).toMatch(
      /; raw_noaa\.daily_weather also has no rows on 2026-04-01 … 2026-04-03, 2026-04-22 … 2026-04-23, before and after the window, which noaa\.fct_daily_weather has: the rows were removed there too; diagnose a window that takes them in: from=2026-04-01 to=2026-04-23$/,
    );
    const mart = await runDayCountsStep(counts('mart_counts', '"noaa"."fct_daily_weather"', '"day_date"', '2026-04-10', '2026-04-20'), ctx);
    const again = { command: '/databox diagnose backfill source=noaa', maxDays: 20 };
    const split = await runDayCountsStep(counts('raw_counts', '"raw_noaa"."daily_weather"', '"observation_date"', '2026-04-10', '2026-04-20', { tellApartFrom: 'mart_counts', diagnoseAgain: again }), { ...ctx, earlier: new Map([['mart_counts', mart]]) });
    expect(split.outputs.removedAround).toBe(
      ' Outside the window: raw_noaa.daily_weather also has no rows on 2026-04-01 … 2026-04-03, 2026-04-22 … 2026-04-23, before and after the window, which noaa.fct_daily_weather has: the rows were removed there too; a window that takes them in (2026-04-01 … 2026-04-23) is over 20 days: diagnose them on their own, `/databox diagnose backfill source=noaa from=2026-04-01 to=2026-04-03`, then `/databox diagnose backfill source=noaa from=2026-04-22 to=2026-04-23`.',
    );
  });

  it('says the quiet days between removed ones as days with no rows as usual, reloaded with nothing to keep, not normal days kept first', async () => {
    const { ctx } = await database();
    // The source skips weekends, in the mart too; Friday 2026-04-17's and Monday 2026-04-20's raw rows deleted.
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE dayofweek(observation_date) IN (0, 6) OR observation_date IN (DATE '2026-04-17', DATE '2026-04-20');
       DELETE FROM noaa.fct_daily_weather WHERE dayofweek(day_date) IN (0, 6)`,
    );
    const raw = await diagnose(ctx, '2026-04-13', '2026-04-24');
    expect(raw.status).toBe('rows-removed');
    expect(raw.outputs).toMatchObject({ proposedFrom: '2026-04-17', proposedTo: '2026-04-20' });
    // Before: "also holds 2 normal days between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first)".
    expect(raw.outputs.normalBetween).toBe(' The window 2026-04-17 … 2026-04-20 also holds 2 days with no rows, as usual for this source (Saturdays and Sundays): reloaded too, nothing to keep.');
    // A normal day between them too: said as ever, and the runs to recover apart.
    await change(ctx.databasePath, "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-22'");
    expect((await diagnose(ctx, '2026-04-13', '2026-04-24')).outputs.normalBetween).toBe(
      ' The window 2026-04-17 … 2026-04-22 also holds 1 normal day between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first); and 2 days with no rows, as usual for this source (Saturdays and Sundays): reloaded too, nothing to keep. To leave them as they are, recover each run of bad days on its own, diagnosing again after each (a plan is made on a diagnosis of the database as it is): from=2026-04-17 to=2026-04-17, then from=2026-04-20 to=2026-04-20, then from=2026-04-22 to=2026-04-22.',
    );
  });

  it('says a built day at eight times its rows over a raw day with part of its rows as having its usual rows or more, not its usual rows', async () => {
    const { ctx } = await database();
    const copies = Array.from({ length: 7 }, (_, i) => `INSERT INTO noaa.fct_daily_weather SELECT day_date, id + ${(i + 1) * 100_000_000}, species, how_many FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-16' AND id < 100000000;`).join('\n');
    await change(ctx.databasePath, `DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-16' AND id % 10 <> 0;\n${copies}`);
    const raw = await diagnose(ctx, '2026-04-13', '2026-04-24');
    expect(raw.status).toBe('rows-removed');
    // Before: "has its usual rows there", of a mart day at eight times them.
    expect(raw.summary).toMatch(/^raw_noaa\.daily_weather has only part of its usual rows on 2026-04-16 \(\d+ rows, low\), while noaa\.fct_daily_weather, built from it, has its usual rows or more there \(2026-04-16: \d+ rows\)/);
  });

  it('says a doubled day between removed ones apart, not as a normal day', async () => {
    const { ctx } = await database();
    // Friday 2026-04-17's and Monday 2026-04-20's raw rows deleted; Saturday 2026-04-18's loaded twice (new ids).
    await change(
      ctx.databasePath,
      `DELETE FROM raw_noaa.daily_weather WHERE observation_date IN (DATE '2026-04-17', DATE '2026-04-20');
       INSERT INTO raw_noaa.daily_weather SELECT id + 100000000, observation_date, species, how_many FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-18'`,
    );
    const raw = await diagnose(ctx, '2026-04-13', '2026-04-24');
    expect(raw.outputs).toMatchObject({ proposedFrom: '2026-04-17', proposedTo: '2026-04-20' });
    // Before: "also holds 2 normal days between the bad ones", the doubled 2026-04-18 one of them.
    expect(raw.outputs.normalBetween).toMatch(/^ The window 2026-04-17 … 2026-04-20 also holds 1 normal day between the bad ones: .*; and 1 day with about twice its usual rows \(doubled: 2026-04-18\): replaced whole too, its rows kept first\./);
  });
});

describe('per-day counts that cannot be taken or trusted say why in a line, DuckDB\'s text kept as the output', () => {
  const rawCounts = { ...common, mutates: false, id: 'raw_counts', title: 'counts', kind: 'day-counts', target: 'local', table: '"raw_ebird"."observations"', dateColumn: '"observation_date"', key: '', from: '2026-04-10', to: '2026-04-20', baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000 } as Extract<ResolvedStep, { kind: 'day-counts' }>;

  it('names a missing table, where it looked and what is there', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, 'DROP TABLE raw_ebird.observations');
    const result = await runDayCountsStep(rawCounts, ctx);
    expect(result.status).toBe('no-table');
    expect(result.summary).toBe(
      `raw_ebird.observations does not exist in ${ctx.databasePath} (tables there: analytics.fct_species_environment_daily, ebird.fct_daily_bird_observations, noaa.fct_daily_weather, raw_noaa.daily_weather, raw_usgs.daily_values, usgs.fct_daily_streamflow)`,
    );
    expect(result.output).toMatch(/^Catalog Error: Table with name observations does not exist!/);
  });

  it('names a missing date column and the columns there are', async () => {
    const { ctx } = await database();
    const result = await runDayCountsStep({ ...rawCounts, dateColumn: '"observed_on"' }, ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('raw_ebird.observations has no column observed_on (its columns: id, observation_date, species, how_many)');
    expect(result.output).toMatch(/^Binder Error: Referenced column "observed_on" not found/);
  });

  it('counts the values that do not read as dates and shows a few, instead of a conversion error', async () => {
    const { ctx } = await database();
    await change(
      ctx.databasePath,
      `ALTER TABLE raw_ebird.observations ALTER observation_date TYPE VARCHAR;
       UPDATE raw_ebird.observations SET observation_date = CASE WHEN id <= 3 THEN '2026-13-45' WHEN id <= 5 THEN 'n/a' END WHERE id <= 6`,
    );
    const result = await runDayCountsStep(rawCounts, ctx);
    expect(result.status).toBe('bad-dates');
    expect(result.summary).toBe(
      'observation_date in raw_ebird.observations: 5 values are not dates (e.g. "2026-13-45", "n/a") and 1 value is empty (NULL); a row without a readable date belongs to no day, so the counts per day cannot be trusted',
    );
    expect(result.output).toMatch(/^Conversion Error: date field value out of range: "2026-13-45"/);
  });

  it('counts the days as ever when some rows have no date (NULL), and says how many are in no day\'s count', async () => {
    const { ctx } = await database();
    await change(ctx.databasePath, 'UPDATE raw_ebird.observations SET observation_date = NULL WHERE id % 50 = 0');
    const result = await runDayCountsStep(rawCounts, ctx);
    expect(result.status).toBe('anomalies');
    expect(result.summary).toMatch(/^\d+ of \d+ days looks? wrong in raw_ebird\.observations .*; \d+ rows have no observation_date \(NULL\): in no day's count, and untouched by a window's recovery$/);
    expect(result.output).toMatch(/2026-04-18\s+\d+\s+zero/);
  });
});
