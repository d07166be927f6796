// A New York source's days around a window, on real DuckDB files: the rollback's reload rows around it and the validation's kept-file lookup read them in its zone, not UTC.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { resolveStep } from '../../src/engine/resolve.js';
import { runRestoreRowsStep } from '../../src/engine/steps/restore-rows-step.js';
import { runRowsOutsideWindowStep } from '../../src/engine/steps/rows-outside-window-step.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import type { Step } from '../../src/runbook/schema.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('source-zone-around-window-');
const zone = 'America/New_York';
/** The window, in New York's days: 2026-04-19 and 2026-04-20. Its day before is 2026-04-18 there, its day after 2026-04-21. */
const [from, to] = ['2026-04-19', '2026-04-20'];

/** Runs `sql` on a DuckDB file (or in memory), as a load or the recovery before the step left things. */
async function run(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

/** The ids of `relation` (a table, or read_parquet(…)) in `file`'s database, in order. */
async function ids(file: string, relation: string): Promise<number[]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(`SELECT id FROM ${relation} ORDER BY id`)).getRowsJson();
  connection.closeSync();
  instance.closeSync();
  return rows.map((row) => Number(row[0]));
}

/** rows: [id, moment in UTC, dlt load]. */
const values = (rows: [number, string, string][]) => rows.map(([id, at, load]) => `(${id}, TIMESTAMPTZ '${at}+00', '${load}')`).join(', ');

const backfill = loadRunbooks(path.join(projectRoot, 'runbooks')).get('backfill');
const pathA = backfill?.recovery.find((p) => p.id === 'a');

/**
 * backfill.yml's `step` resolved as a plan for usgs working in New York (its raw table as the runbook names it), over the
 * window; `recovery` is what path A's steps recorded.
 */
function resolvedForNewYork(step: Step | undefined, dir: string, recovery: Record<string, unknown> = {}): ResolvedStep {
  expect(step).toBeDefined();
  const source = { _value: 'usgs', raw_table: 'raw_usgs.daily_values', raw_date_column: 'observation_date', primary_key: 'id', time_zone: zone };
  const values = { source, from, to, recovery, state_dir: path.join(dir, 'var'), incident_id: 'dbx-1', now: '20260425T080000Z' };
  return resolveStep(step as Step, { root: dir, values, now: new Date('2026-04-25T08:00:00Z') });
}

function context(dir: string, file: string): StepRunContext {
  return { root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-1', runId: 'dbx-1/3', diskFullPercent: 95, runCommand, redact: (t) => t, clock: () => new Date('2026-04-25T08:00:00Z'), progress: () => {} };
}

describe("the rollback of a New York source's reload", () => {
  it("keeps and deletes the reload's rows on New York's day before and day after the window, not UTC's", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    const kept = path.join(dir, 'kept.parquet');
    // The window's rows before the recovery, as its export-rows step kept them (load L1).
    await run(':memory:', `COPY (SELECT * FROM (VALUES ${values([[1, '2026-04-19 14:00:00', 'L1'], [2, '2026-04-20 14:00:00', 'L1']])}) AS t(id, observation_date, _dlt_load_id)) TO '${kept}' (FORMAT parquet)`);
    await run(
      file,
      `CREATE SCHEMA raw_usgs; CREATE TABLE raw_usgs.daily_values (id BIGINT, observation_date TIMESTAMPTZ, _dlt_load_id VARCHAR);
       INSERT INTO raw_usgs.daily_values VALUES ${values([
         // An earlier load's row on the day before: not the reload's, it stays.
         [100, '2026-04-18 16:00:00', 'L0'],
         // The reload (L2) after path A emptied the window: in the window in New York (21:00 on 04-20 there is 04-21 in UTC)…
         [201, '2026-04-19 15:00:00', 'L2'],
         [202, '2026-04-21 01:00:00', 'L2'],
         // …on New York's day before (22:00 on 04-18; 04-19 in UTC) and day after (22:00 on 04-21; 04-22 in UTC)…
         [203, '2026-04-19 02:00:00', 'L2'],
         [204, '2026-04-22 02:00:00', 'L2'],
         // …and two days before in New York (23:00 on 04-17), the day before in UTC: not around the window, it stays.
         [205, '2026-04-18 03:00:00', 'L2'],
       ])}`,
    );
    const restore = resolvedForNewYork(pathA?.rollback?.steps.find((step) => step.id === 'restore_rows'), dir, { keep_raw: { file: kept } }) as Extract<ResolvedStep, { kind: 'restore-rows' }>;
    expect(restore.replace?.reloadRowsAround?.timeZone).toBe(zone);
    const aroundTo = restore.replace?.reloadRowsAround?.keepTo as string;
    const result = await runRestoreRowsStep(restore, context(dir, file));
    expect(result.status).toBe('ok');
    expect(result.summary).toContain(`the 2 rows the reload wrote around the window (2026-04-18 (the day before the window): 1 row of dlt load L2 (_dlt_load_id); 2026-04-21 (the day after the window): 1 row of dlt load L2 (_dlt_load_id)) are kept in ${aroundTo} and deleted`);
    expect(result.outputs).toMatchObject({ reloadRowsAround: 2, reloadRowsAroundFile: aroundTo });
    expect(await ids(aroundTo, `read_parquet('${aroundTo}')`)).toEqual([203, 204]);
    // The window as it was kept, and the rows of other days and loads as they were.
    expect(await ids(file, 'raw_usgs.daily_values')).toEqual([1, 2, 100, 205]);
  });
});

describe("the validation of a New York source's window", () => {
  it("finds the rows a day before the window lost in the kept file by New York's day, where UTC's is the window's first", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    // The day before the window (04-18 in New York) had 3 rows when the plan was made; 1 is left.
    await run(file, `CREATE SCHEMA raw_usgs; CREATE TABLE raw_usgs.daily_values (id BIGINT, observation_date TIMESTAMPTZ); INSERT INTO raw_usgs.daily_values VALUES (1, TIMESTAMPTZ '2026-04-18 16:00:00+00')`);
    const keptIn = path.join(dir, 'var', 'backups', 'dbx-1');
    fs.mkdirSync(keptIn, { recursive: true });
    const keptFile = path.join(keptIn, `raw_usgs.daily_values.${from}_${to}.20260425T080000Z.parquet`);
    // A DELETE by UTC day took them with the window: 22:00 and 23:30 on 04-18 in New York, 04-19 in UTC.
    await run(
      ':memory:',
      `COPY (SELECT * FROM (VALUES (2, TIMESTAMPTZ '2026-04-19 02:00:00+00'), (3, TIMESTAMPTZ '2026-04-19 03:30:00+00'), (4, TIMESTAMPTZ '2026-04-19 15:00:00+00')) AS t(id, observation_date)) TO '${keptFile}' (FORMAT parquet)`,
    );
    const resolved = resolvedForNewYork(backfill?.validation?.steps.find((step) => step.id === 'outside_window'), dir) as Extract<ResolvedStep, { kind: 'rows-outside-window' }>;
    expect(resolved).toMatchObject({ timeZone: zone, keptIn });
    // As path A's plan counted the days around the window before its reload.
    const step = { ...resolved, before: { '2026-04-18': 3, '2026-04-21': 0 } };
    const result = await runRowsOutsideWindowStep(step, context(dir, file));
    expect(result.status).toBe('rows-gone');
    expect(result.summary).toContain('2026-04-18 (the day before the window): 2 rows gone (3 when the plan was made, 1 now)');
    expect(result.summary).toContain(`The recovery kept rows of those days before deleting them: 2 rows of 2026-04-18 in ${keptFile}. Put the missing ones back from there`);
  });
});
