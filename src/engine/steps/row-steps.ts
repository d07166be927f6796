// Built-in steps that keep rows before a delete (export to Parquet) and put them back (re-insert what is missing).
import fs from 'node:fs';
import path from 'node:path';
import { quoteIdentifier } from '../../runbook/template.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { moveWithoutOverwriting } from './file-steps.js';
import { firstNumber, inTransaction, withStepDatabase } from './step-database.js';

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function runExportRowsStep(step: Extract<ResolvedStep, { kind: 'export-rows' }>, ctx: StepRunContext): Promise<StepResult> {
  if (fs.existsSync(step.to)) {
    return Promise.resolve({ status: 'failed', summary: `refusing to overwrite ${step.to}: it already exists`, durationMs: 0, outputs: {} });
  }
  fs.mkdirSync(path.dirname(step.to), { recursive: true });
  return withStepDatabase(ctx, { writable: false, timeoutMs: step.timeoutMs }, async (connection, fail, started) => {
    const written = firstNumber(await connection.runAndReadAll(`COPY (SELECT * FROM ${step.table} WHERE ${step.where}) TO ${sqlString(step.to)} (FORMAT parquet)`, step.params));
    const inFile = firstNumber(await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(step.to)})`));
    const expected = step.expectRows === undefined ? written : Number(step.expectRows);
    if (written !== expected || inFile !== expected) {
      // The file is kept under another name for inspection, never removed.
      const aside = moveWithoutOverwriting(step.to, `${step.to}.count-mismatch`, 'suffix', ctx.clock());
      return fail(`kept ${inFile} rows where the preview counted ${expected}: stopping before anything is deleted (the file is at ${aside})`, { file: aside });
    }
    return { status: 'ok', summary: `kept ${inFile} rows in ${step.to}`, durationMs: elapsedSince(started), outputs: { file: step.to, rowCount: inFile } };
  });
}

export function runRestoreRowsStep(step: Extract<ResolvedStep, { kind: 'restore-rows' }>, ctx: StepRunContext): Promise<StepResult> {
  if (!fs.existsSync(step.from)) {
    return Promise.resolve({ status: 'failed', summary: `the kept rows are not at ${step.from}`, durationMs: 0, outputs: {} });
  }
  const keys = step.key.split(',').map((k) => k.trim()).filter(Boolean).map(quoteIdentifier);
  const missing =
    keys.length > 0
      ? `SELECT kept.* FROM read_parquet($1) AS kept WHERE NOT EXISTS (SELECT 1 FROM ${step.table} AS present WHERE ${keys.map((k) => `present.${k} = kept.${k}`).join(' AND ')})`
      : `SELECT * FROM read_parquet($1) EXCEPT SELECT * FROM ${step.table}`;
  return withStepDatabase(ctx, { writable: true, timeoutMs: step.timeoutMs }, async (connection, _fail, started) => {
    const kept = firstNumber(await connection.runAndReadAll('SELECT count(*) FROM read_parquet($1)', [step.from]));
    const inserted = await inTransaction(connection, async () => ({
      commit: true,
      value: firstNumber(await connection.runAndReadAll(`INSERT INTO ${step.table} BY NAME ${missing}`, [step.from])),
    }));
    return {
      status: 'ok',
      summary: `re-inserted ${inserted} of ${kept} kept rows into ${step.table.replace(/"/g, '')}; ${kept - inserted} were already there`,
      durationMs: elapsedSince(started),
      outputs: { inserted, kept },
    };
  });
}
