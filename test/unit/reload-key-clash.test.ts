// The rollback's key check over a reload that moved ids across the window's edge, on real DuckDB files: the reload's own rows it deletes are no clash (nor, under a PRIMARY KEY, a constraint error); another row is, warned of in the plan and refused, its time in the source's zone.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { stepKind } from '../../src/engine/steps/index.js';
import { resolveStep } from '../../src/engine/resolve.js';
import { describeStep } from '../../src/engine/describe.js';
import { runRestoreRowsStep } from '../../src/engine/steps/restore-rows-step.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import type { Step } from '../../src/runbook/schema.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('reload-key-clash-');
/** The window: 2026-11-17 … 2026-11-19 in the source's days. */
const [from, to] = ['2026-11-17', '2026-11-19'];

type RestoreStep = Extract<ResolvedStep, { kind: 'restore-rows' }>;

async function run(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

/** [id, moment in UTC, dlt load] of the table, by id and moment. */
async function rowsOf(file: string): Promise<[string, string, string][]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const rows = (await connection.runAndReadAll(`SELECT id, strftime(observation_date, '%Y-%m-%d %H:%M'), _dlt_load_id FROM raw_ebird.observations ORDER BY id, observation_date`)).getRowsJson();
  connection.closeSync();
  instance.closeSync();
  return rows.map((row) => [String(row[0]), String(row[1]), String(row[2])]);
}

/** rows: [id, moment in UTC, dlt load]. */
const values = (rows: [string, string, string][]) => rows.map(([id, at, load]) => `('${id}', TIMESTAMPTZ '${at}:00+00', '${load}')`).join(', ');

const backfill = loadRunbooks(path.join(projectRoot, 'runbooks')).get('backfill');
const restoreRows = backfill?.recovery.find((p) => p.id === 'a')?.rollback?.steps.find((step) => step.id === 'restore_rows');

/** backfill.yml's restore_rows resolved for ebird working in `zone`, over the window, putting back `kept`. */
function restoreFor(zone: string, dir: string, kept: string): RestoreStep {
  expect(restoreRows).toBeDefined();
  const source = { _value: 'ebird', raw_table: 'raw_ebird.observations', raw_date_column: 'observation_date', primary_key: 'id', time_zone: zone };
  const values = { source, from, to, recovery: { keep_raw: { file: kept } }, state_dir: path.join(dir, 'var'), incident_id: 'dbx-1', now: '20261121T080000Z' };
  return resolveStep(restoreRows as Step, { root: dir, values, now: new Date('2026-11-21T08:00:00Z') }) as RestoreStep;
}

function context(dir: string, file: string): StepRunContext {
  return { root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-1', runId: 'dbx-1/3', diskFullPercent: 95, runCommand, redact: (t) => t, clock: () => new Date('2026-11-21T08:00:00Z'), progress: () => {} };
}

/** The step as its plan is made (readWhenPlanned), and the warning the plan shows at its top. */
async function planned(step: RestoreStep, file: string): Promise<{ step: RestoreStep; warning: string }> {
  const kind = stepKind('restore-rows');
  const read = (await kind.readWhenPlanned?.(step, { target: () => localTarget(file) })) as RestoreStep;
  return { step: read, warning: kind.planWarning?.(read) ?? '' };
}

/**
 * The database path A left: the window's rows (load KEPT, at 17:00 UTC) kept in `kept` and deleted, and the reload's
 * (RELOAD) written in their place with the same ids at `reloadedAt` (an upstream correction of their time); `others`
 * beside them. `primaryKey`: id is the table's PRIMARY KEY, as a raw table may declare it.
 */
async function afterPathA(
  dir: string,
  reloaded: [string, string, string][],
  others: [string, string, string][] = [],
  primaryKey = false,
): Promise<{ file: string; kept: string; before: [string, string, string][] }> {
  const file = path.join(dir, 'databox.duckdb');
  const kept = path.join(dir, 'kept.parquet');
  const before: [string, string, string][] = [
    ['OBS20261117-00', '2026-11-17 17:00', 'KEPT'],
    ['OBS20261118-00', '2026-11-18 17:00', 'KEPT'],
    ['OBS20261119-00', '2026-11-19 17:00', 'KEPT'],
  ];
  await run(':memory:', `COPY (SELECT * FROM (VALUES ${values(before)}) AS t(id, observation_date, _dlt_load_id)) TO '${kept}' (FORMAT parquet)`);
  await run(
    file,
    `CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations (id VARCHAR${primaryKey ? ' PRIMARY KEY' : ''}, observation_date TIMESTAMPTZ, _dlt_load_id VARCHAR);
     INSERT INTO raw_ebird.observations VALUES ${values([...reloaded, ...others])}`,
  );
  return { file, kept, before: [...before, ...others] };
}

describe("the rollback of a reload that moved a kept id across the window's edge", () => {
  it("in New York: the reload's row on the day before, which the rollback deletes, is no clash; the window goes back as kept", async () => {
    const dir = tempDir();
    // The reload dates each id at 00:00 UTC: OBS20261117-00 falls on 2026-11-16 in New York (19:00 there), the day before.
    const { file, kept, before } = await afterPathA(dir, [
      ['OBS20261117-00', '2026-11-17 00:00', 'RELOAD015317'],
      ['OBS20261118-00', '2026-11-18 00:00', 'RELOAD015317'],
      ['OBS20261119-00', '2026-11-19 00:00', 'RELOAD015317'],
    ]);
    const restore = restoreFor('America/New_York', dir, kept);
    const plan = await planned(restore, file);
    // Nothing warns that it will refuse; the note of the reload's rows around the window says the key they hold goes with them.
    expect(plan.warning).not.toContain('will refuse');
    expect(plan.warning).toContain('2026-11-16 (the day before the window): 1 row of dlt load RELOAD015317');
    expect(plan.warning).toContain('1 of them holds the key of a kept row (the reload dated it outside the window): deleted with them, it repeats no key');
    const result = await runRestoreRowsStep(plan.step, context(dir, file));
    expect(result.summary).not.toContain('holds the key');
    expect(result.status).toBe('ok');
    expect(await rowsOf(file)).toEqual(before);
  });

  it("with id the table's PRIMARY KEY: the reload's row holding a kept id around the window goes before the kept rows go in, so the rollback succeeds", async () => {
    const dir = tempDir();
    // DuckDB checks a PRIMARY KEY at each statement, not at the commit: the kept OBS20261119-00 inserted while the
    // reload's row of it (2026-11-20 01:00 UTC, the day after the window) is still there would fail and roll back.
    const { file, kept, before } = await afterPathA(
      dir,
      [
        ['OBS20261117-00', '2026-11-17 17:00', 'RELOAD1'],
        ['OBS20261118-00', '2026-11-18 17:00', 'RELOAD1'],
        ['OBS20261119-00', '2026-11-20 01:00', 'RELOAD1'],
      ],
      [],
      true,
    );
    const plan = await planned(restoreFor('UTC', dir, kept), file);
    // The plan lists the statements in the order they run: the reload's rows around the window go before the INSERT.
    const statements = describeStep(plan.step, dir).split('\n').filter((line) => /^(DELETE|INSERT)/.test(line));
    expect(statements.map((line) => line.slice(0, 40))).toEqual(['DELETE FROM "raw_ebird"."observations" W', 'DELETE FROM "raw_ebird"."observations" W', 'INSERT INTO "raw_ebird"."observations" B']);
    expect(statements[1]).toContain("<the reload's rows around the window, below>");
    expect(plan.warning).not.toContain('will refuse');
    expect(plan.warning).toContain('1 of them holds the key of a kept row (the reload dated it outside the window): deleted with them, it repeats no key');
    const result = await runRestoreRowsStep(plan.step, context(dir, file));
    expect(result.summary).not.toContain('rolled back');
    expect(result.status).toBe('ok');
    expect(await rowsOf(file)).toEqual(before);
  });

  it("in New York: a row the rollback does not delete still refuses, warned at the plan's top, its time in New York's and its load named", async () => {
    const dir = tempDir();
    // The reload's row of OBS20261117-00 lands two days before the window in New York (2026-11-15 19:00 there): not
    // around it, so the rollback leaves it, and the kept row would repeat its id.
    const { file, kept } = await afterPathA(dir, [
      ['OBS20261117-00', '2026-11-16 00:00', 'RELOAD015317'],
      ['OBS20261118-00', '2026-11-18 17:00', 'RELOAD015317'],
      ['OBS20261119-00', '2026-11-19 17:00', 'RELOAD015317'],
    ]);
    const restore = restoreFor('America/New_York', dir, kept);
    const plan = await planned(restore, file);
    const clash =
      '1 row of raw_ebird.observations outside the window holds the key (id) of a kept row, and this rollback does not delete it: id OBS20261117-00 (observation_date 2026-11-15 19:00:00 America/New_York; ' +
      "written by dlt load RELOAD015317, which wrote the window after the recovery's delete: the reload's, outside the days around the window it takes out)";
    expect(plan.warning.startsWith(`"${restore.title}" will refuse, changing nothing, as the database is now: ${clash}.`)).toBe(true);
    const before = await rowsOf(file);
    const result = await runRestoreRowsStep(plan.step, context(dir, file));
    expect(result.status).toBe('failed');
    expect(result.summary).toContain(`${clash}. Put back, the kept rows would repeat that key, so nothing was changed.`);
    expect(result.untouched).toBe(true);
    expect(await rowsOf(file)).toEqual(before);
  });

  it("in UTC: a reload that moved a kept id past the window's last day takes it out with it; another load's row with a kept id refuses", async () => {
    const dir = tempDir();
    // The reload dates OBS20261119-00 on 2026-11-20 01:00 UTC, the day after the window.
    const moved = await afterPathA(dir, [
      ['OBS20261117-00', '2026-11-17 17:00', 'RELOAD1'],
      ['OBS20261118-00', '2026-11-18 17:00', 'RELOAD1'],
      ['OBS20261119-00', '2026-11-20 01:00', 'RELOAD1'],
    ]);
    const restore = restoreFor('UTC', dir, moved.kept);
    const plan = await planned(restore, moved.file);
    expect(plan.warning).not.toContain('will refuse');
    expect(plan.warning).toContain('2026-11-20 (the day after the window): 1 row of dlt load RELOAD1');
    const result = await runRestoreRowsStep(plan.step, context(dir, moved.file));
    expect(result.status).toBe('ok');
    expect(await rowsOf(moved.file)).toEqual(moved.before);

    // An earlier load (not one that wrote the window) holds a kept id on the day after: it stays, so the put-back refuses.
    const other = tempDir();
    const clashing = await afterPathA(other, [
      ['OBS20261117-00', '2026-11-17 17:00', 'RELOAD1'],
      ['OBS20261118-00', '2026-11-18 17:00', 'RELOAD1'],
      ['OBS20261119-00', '2026-11-19 17:00', 'RELOAD1'],
    ], [['OBS20261119-00', '2026-11-20 01:00', 'EARLIER']]);
    const restoreOther = restoreFor('UTC', other, clashing.kept);
    const otherPlan = await planned(restoreOther, clashing.file);
    const clash = '1 row of raw_ebird.observations outside the window holds the key (id) of a kept row, and this rollback does not delete it: id OBS20261119-00 (observation_date 2026-11-20 01:00:00 UTC; written by dlt load EARLIER)';
    expect(otherPlan.warning.startsWith(`"${restoreOther.title}" will refuse, changing nothing, as the database is now: ${clash}.`)).toBe(true);
    const before = await rowsOf(clashing.file);
    const refused = await runRestoreRowsStep(otherPlan.step, context(other, clashing.file));
    expect(refused.status).toBe('failed');
    expect(refused.summary).toContain(`${clash}. Put back, the kept rows would repeat that key, so nothing was changed.`);
    expect(await rowsOf(clashing.file)).toEqual(before);
  });
});
