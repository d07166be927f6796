// The restore-rows step kind: put rows an export-rows step kept back into their table, only those that are not there.
import fs from 'node:fs';
import { z } from 'zod';
import { stepCommon, template } from '../../runbook/step-common.js';
import { quoteIdentifier } from '../../runbook/template.js';
import type { StepResult } from '../types.js';
import type { StepRunContext } from './context.js';
import { elapsedSince, targetChoice } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { firstNumber, inTransaction, withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('restore-rows'),
  table: template,
  /** The Parquet file an export-rows step wrote. */
  from: template,
  /** Comma-separated primary-key columns; rows whose key is already in the table are not inserted again. Empty: whole-row comparison. */
  key: z.string().default(''),
});

export type RestoreRowsStep = z.output<typeof schema> & ResolvedCommon;

export function runRestoreRowsStep(step: RestoreRowsStep, ctx: StepRunContext): Promise<StepResult> {
  if (!fs.existsSync(step.from)) {
    return Promise.resolve({ status: 'failed', summary: `the kept rows are not at ${step.from}`, durationMs: 0, outputs: {} });
  }
  const keys = step.key.split(',').map((k) => k.trim()).filter(Boolean).map(quoteIdentifier);
  const missing =
    keys.length > 0
      ? `SELECT kept.* FROM read_parquet($1) AS kept WHERE NOT EXISTS (SELECT 1 FROM ${step.table} AS present WHERE ${keys.map((k) => `present.${k} = kept.${k}`).join(' AND ')})`
      : `SELECT * FROM read_parquet($1) EXCEPT SELECT * FROM ${step.table}`;
  return withStepDatabase(ctx, { target: step.target, writable: true, timeoutMs: step.timeoutMs }, async (session, _fail, started) => {
    const kept = firstNumber(await session.run('SELECT count(*) FROM read_parquet($1)', [step.from]));
    const inserted = await inTransaction(session, async () => ({
      commit: true,
      value: firstNumber(await session.run(`INSERT INTO ${step.table} BY NAME ${missing}`, [step.from])),
    }));
    return {
      status: 'ok',
      summary: `re-inserted ${inserted} of ${kept} kept rows into ${step.table.replace(/"/g, '')}; ${kept - inserted} were already there`,
      durationMs: elapsedSince(started),
      outputs: { inserted, kept },
    };
  });
}

export const restoreRowsStepKind = defineStepKind({
  kind: 'restore-rows',
  schema,
  statuses: ['ok', 'failed'],
  outputs: ['inserted', 'kept'],
  defaultTimeoutMs: 30 * 60_000,
  rules: (step) => (step.mutates ? [] : [{ at: ['mutates'], message: 'a restore-rows step mutates: set mutates: true' }]),
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['key'], template: step.key, as: 'sql' },
  ],
  resolve: (step, tools) => ({ ...step, table: tools.sql(step.table), from: tools.inRoot(step.from), key: tools.text(step.key) }),
  describe: (step, { rel }) =>
    `INSERT INTO ${step.table} BY NAME SELECT * FROM read_parquet('${rel(step.from)}')  -- only rows not already there${step.key ? ` (by key ${step.key})` : ''}`,
  run: runRestoreRowsStep,
});
