// Tests that a changing step that fails after writing a file of kept rows leaves it on the record (src/engine/files-left.ts), and the postmortem's "Kept on disk" names it.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { executeSteps } from '../../src/engine/execute-steps.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep, StepResult } from '../../src/engine/types.js';
import type { IncidentState, Run } from '../../src/incidents/state.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { keptOnDisk } from '../../src/postmortem/kept-on-disk.js';
import { runCommand } from '../../src/process/run-command.js';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('files-left-');

async function runSql(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

describe('a rollback step that fails after keeping the window\'s rows aside', () => {
  it('leaves that file on its record, and the postmortem\'s "Kept on disk" names it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 50, ebird: {} });
    // Rows to put back that the table cannot take (a column it lacks): the INSERT fails after the window was kept aside.
    const from = path.join(dir, 'kept.parquet');
    await runSql(file, `COPY (SELECT 1 AS no_such_column) TO '${from}' (FORMAT parquet)`);
    const keepTo = path.join(dir, 'var', 'backups', 'raw_ebird.observations.before-rollback.parquet');
    const step = {
      id: 'restore_rows', title: 'Put the window back', kind: 'restore-rows', target: 'local', mutates: true, destructive: true, acceptStatuses: [], timeoutMs: 60_000, guard: false,
      table: '"raw_ebird"."observations"', from, key: '',
      replace: { where: 'observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)', params: ['2026-04-19', '2026-04-20'], keepTo },
    } as unknown as ResolvedStep;
    const ctx: Omit<StepRunContext, 'progress'> = {
      root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-20260425-0001', runId: 'dbx-20260425-0001/4',
      diskFullPercent: 95, runCommand, redact: (text) => text, clock: () => new Date('2026-04-25T08:00:00Z'),
    };
    const results: StepResult[] = [];
    await executeSteps([step], ctx, { stepStarted: async () => {}, stepProgress: () => {}, stepFinished: async (_step, result) => void results.push(result) }, { stopOnFailure: true });
    const [result] = results;
    expect(result?.status).toBe('failed');
    expect(fs.existsSync(keepTo), 'the step kept the window before it failed').toBe(true);
    expect(result?.wrote).toEqual([keepTo]);

    const run = { id: 'dbx-20260425-0001/4', title: 'Rollback of path A', steps: [step] } as unknown as Run;
    const state = { runs: new Map([[run.id, run]]) } as unknown as IncidentState;
    const record = { type: 'step.finished', data: { runId: run.id, result: { stepId: step.id, ...result } } } as unknown as JournalRecord;
    expect(keptOnDisk([record], state)).toEqual([
      { path: keepTo, how: 'rows of raw_ebird.observations kept aside by Rollback of path A (`dbx-20260425-0001/4`), step 1 "Put the window back", which then ended failed' },
    ]);
  });

  it('leaves nothing on the record of one that failed before it wrote a file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 50, ebird: {} });
    const keepTo = path.join(dir, 'var', 'backups', 'before-rollback.parquet');
    const step = {
      id: 'restore_rows', title: 'Put the window back', kind: 'restore-rows', target: 'local', mutates: true, destructive: true, acceptStatuses: [], timeoutMs: 60_000, guard: false,
      table: '"raw_ebird"."observations"', from: path.join(dir, 'gone.parquet'), key: '',
      replace: { where: 'observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)', params: ['2026-04-19', '2026-04-20'], keepTo },
    } as unknown as ResolvedStep;
    const ctx: Omit<StepRunContext, 'progress'> = {
      root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-20260425-0001', runId: 'dbx-20260425-0001/4',
      diskFullPercent: 95, runCommand, redact: (text) => text, clock: () => new Date('2026-04-25T08:00:00Z'),
    };
    const results: StepResult[] = [];
    await executeSteps([step], ctx, { stepStarted: async () => {}, stepProgress: () => {}, stepFinished: async (_step, result) => void results.push(result) }, { stopOnFailure: true });
    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.wrote).toBeUndefined();
  });
});
