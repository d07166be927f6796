// What every SQL-running step shares: open the file for the step, bound it in time, turn errors into a failed result.
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { openDatabase, withTimeout } from '../../duckdb/open.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

export type Fail = (summary: string, outputs?: Record<string, unknown>) => StepResult;

export async function withStepDatabase(
  ctx: StepRunContext,
  options: { location?: string; writable: boolean; timeoutMs: number },
  work: (connection: DuckDBConnection, fail: Fail, started: number) => Promise<StepResult>,
): Promise<StepResult> {
  const started = performance.now();
  const fail: Fail = (summary, outputs = {}) => ({ status: 'failed', summary: ctx.redact(summary), durationMs: elapsedSince(started), outputs });
  const location = options.location ?? ctx.databasePath;
  let database;
  try {
    database = await openDatabase(location, options.writable);
  } catch (error) {
    return fail(`cannot open ${location}: ${(error as Error).message}`);
  }
  try {
    return await withTimeout(database.connection, options.timeoutMs, () => work(database.connection, fail, started));
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    database.close();
  }
}

/** Runs `work` in a transaction: committed when it returns commit: true, rolled back otherwise or on an error. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<{ commit: boolean; value: T }>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const { commit, value } = await work();
    await connection.run(commit ? 'COMMIT' : 'ROLLBACK');
    return value;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The first column of the first row as a number: a count, or the rows a statement changed. */
export function firstNumber(result: DuckDBResultReader): number {
  return Number((result.getRowsJson() as unknown[][])[0]?.[0] ?? 0);
}

/** A string literal for SQL text where a value cannot be bound (a COPY target). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
