// Built-in steps that keep rows before a delete (export to Parquet) and put them back (re-insert what is missing).
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, withTimeout } from '../../duckdb/open.js';
import { quoteIdentifier } from '../../runbook/template.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function runExportRowsStep(step: Extract<ResolvedStep, { kind: 'export-rows' }>, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const failed = (summary: string, outputs: Record<string, unknown> = {}): StepResult => ({ status: 'failed', summary: ctx.redact(summary), durationMs: elapsedSince(started), outputs });
  if (fs.existsSync(step.to)) return failed(`refusing to overwrite ${step.to}: it already exists`);
  fs.mkdirSync(path.dirname(step.to), { recursive: true });
  let database;
  try {
    database = await openDatabase(ctx.databasePath, false);
  } catch (error) {
    return failed(`cannot open ${ctx.databasePath}: ${(error as Error).message}`);
  }
  const { connection } = database;
  try {
    return await withTimeout(connection, step.timeoutMs, async () => {
      const copy = await connection.runAndReadAll(`COPY (SELECT * FROM ${step.table} WHERE ${step.where}) TO ${sqlString(step.to)} (FORMAT parquet)`, step.params);
      const written = Number((copy.getRowsJson() as unknown[][])[0]?.[0] ?? 0);
      const readBack = await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(step.to)})`);
      const inFile = Number((readBack.getRowsJson() as unknown[][])[0]?.[0] ?? -1);
      const expected = step.expectRows === undefined ? written : Number(step.expectRows);
      if (written !== expected || inFile !== expected) {
        // The file is kept under another name for inspection, never removed.
        const aside = `${step.to}.count-mismatch`;
        fs.renameSync(step.to, aside);
        return failed(`kept ${inFile} rows where the preview counted ${expected}: stopping before anything is deleted (the file is at ${aside})`, { file: aside });
      }
      return {
        status: 'ok',
        summary: `kept ${inFile} rows in ${step.to}`,
        durationMs: elapsedSince(started),
        outputs: { file: step.to, rowCount: inFile },
      };
    });
  } catch (error) {
    return failed((error as Error).message);
  } finally {
    database.close();
  }
}

export async function runRestoreRowsStep(step: Extract<ResolvedStep, { kind: 'restore-rows' }>, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const failed = (summary: string): StepResult => ({ status: 'failed', summary: ctx.redact(summary), durationMs: elapsedSince(started), outputs: {} });
  if (!fs.existsSync(step.from)) return failed(`the kept rows are not at ${step.from}`);
  const keys = step.key.split(',').map((k) => k.trim()).filter(Boolean).map(quoteIdentifier);
  const missing = keys.length > 0
    ? `SELECT kept.* FROM read_parquet($1) AS kept WHERE NOT EXISTS (SELECT 1 FROM ${step.table} AS present WHERE ${keys.map((k) => `present.${k} = kept.${k}`).join(' AND ')})`
    : `SELECT * FROM read_parquet($1) EXCEPT SELECT * FROM ${step.table}`;
  let database;
  try {
    database = await openDatabase(ctx.databasePath, true);
  } catch (error) {
    return failed(`cannot open ${ctx.databasePath}: ${(error as Error).message}`);
  }
  const { connection } = database;
  try {
    return await withTimeout(connection, step.timeoutMs, async () => {
      const kept = Number((await connection.runAndReadAll('SELECT count(*) FROM read_parquet($1)', [step.from])).getRowsJson()[0]?.[0] ?? 0);
      await connection.run('BEGIN TRANSACTION');
      try {
        const inserted = await connection.runAndReadAll(`INSERT INTO ${step.table} BY NAME ${missing}`, [step.from]);
        const count = Number((inserted.getRowsJson() as unknown[][])[0]?.[0] ?? 0);
        await connection.run('COMMIT');
        return {
          status: 'ok',
          summary: `re-inserted ${count} of ${kept} kept rows into ${step.table}; ${kept - count} were already there`,
          durationMs: elapsedSince(started),
          outputs: { inserted: count, kept },
        };
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  } catch (error) {
    return failed((error as Error).message);
  } finally {
    database.close();
  }
}
