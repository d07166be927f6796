// A table a plan counts and keeps that is not there yet (a mart SQLMesh has not built): said by the preview, skipped by the keep.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runExportRowsStep } from '../../src/engine/steps/export-rows-step.js';
import { previewValueSaid, runPreviews } from '../../src/engine/previews.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('table-not-built-');

async function database(): Promise<{ dir: string; file: string; ctx: StepRunContext }> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  await createDuckdbFile(file, { raw_ebird: 100 });
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
  return { dir, file, ctx };
}

const combinedCount = {
  id: 'combined_rows',
  title: 'Combined mart rows the restate will replace',
  sql: 'SELECT count(*) FROM {{table}} WHERE id < ?',
  params: ['10'],
  ifTableMissing: { table: '{{table}}', said: 'nothing of it to keep', refuses: false },
};

const keep = (dir: string, table: string, expectRows: string) =>
  ({
    mutates: true,
    destructive: false,
    acceptStatuses: [],
    timeoutMs: 60_000,
    guard: false,
    id: 'keep_combined',
    title: 'keep',
    kind: 'export-rows',
    target: 'local',
    table,
    where: 'id < ?',
    params: ['10'],
    to: path.join(dir, 'kept.parquet'),
    expectRows,
    ifTableMissing: 'skip',
  }) as Extract<ResolvedStep, { kind: 'export-rows' }>;

describe('a preview of a table that may not be there (ifTableMissing)', () => {
  it('counts the table when it is there, and says it does not exist, bound as 0, when it is not', async () => {
    const { file } = await database();
    const [there] = await runPreviews([combinedCount], { table: 'raw_ebird' }, localTarget(file));
    expect(there).toMatchObject({ value: 10 });
    expect(there?.missing).toBeUndefined();
    const [missing] = await runPreviews([combinedCount], { table: 'analytics.fct_species_environment_daily' }, localTarget(file));
    expect(missing).toMatchObject({ value: 0, missing: `analytics.fct_species_environment_daily does not exist in ${file}: nothing of it to keep` });
    expect(previewValueSaid(missing!)).toBe(`none, analytics.fct_species_environment_daily does not exist in ${file}: nothing of it to keep`);
  });

  it('refuses the plan, saying why, when the preview says a missing table refuses it', async () => {
    const { file } = await database();
    const refusing = { ...combinedCount, ifTableMissing: { ...combinedCount.ifTableMissing, said: 'build it first', refuses: true } };
    await expect(runPreviews([refusing], { table: 'raw_ebird' }, localTarget(file))).resolves.toMatchObject([{ value: 10 }]);
    await expect(runPreviews([refusing], { table: 'analytics.fct_species_environment_daily' }, localTarget(file))).rejects.toThrow(
      `nothing was proposed: analytics.fct_species_environment_daily does not exist in ${file}: build it first`,
    );
  });
});

describe('export-rows with ifTableMissing: skip', () => {
  it('ends skipped, keeping no file, when the table is not there and the preview counted none', async () => {
    const { dir, ctx } = await database();
    const result = await runExportRowsStep(keep(dir, '"analytics"."fct_species_environment_daily"', '0'), ctx);
    expect(result).toMatchObject({ status: 'skipped', summary: 'analytics.fct_species_environment_daily does not exist: nothing to keep', untouched: true });
    expect(fs.existsSync(path.join(dir, 'kept.parquet'))).toBe(false);
  });

  it('stops the plan when the preview counted rows of a table that is gone since', async () => {
    const { dir, ctx } = await database();
    const result = await runExportRowsStep(keep(dir, '"analytics"."fct_species_environment_daily"', '7'), ctx);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^analytics\.fct_species_environment_daily does not exist, where the preview counted 7 rows of it: it went since the plan was made, so nothing was kept/);
  });

  it('keeps the rows of a table that is there, as without it', async () => {
    const { dir, ctx } = await database();
    const result = await runExportRowsStep(keep(dir, '"raw_ebird"', '10'), ctx);
    expect(result).toMatchObject({ status: 'ok', outputs: { rowCount: 10 } });
  });
});
