// Runs one SQL step against the DuckDB file (read-only unless the step mutates), values bound as parameters.
import { DuckDBInstance } from '@duckdb/node-api';
import { textTable } from '../../text-table.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

type SqlStep = Extract<ResolvedStep, { kind: 'sql' }>;

function databaseLocation(step: SqlStep, ctx: StepRunContext): string {
  return step.database === 'motherduck' ? 'md:' : ctx.databasePath;
}

export async function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const location = databaseLocation(step, ctx);
  let instance: DuckDBInstance | undefined;
  const timer = setTimeout(() => connection?.interrupt(), step.timeoutMs);
  let connection: Awaited<ReturnType<DuckDBInstance['connect']>> | undefined;
  try {
    instance = await DuckDBInstance.create(location, step.mutates ? {} : { access_mode: 'READ_ONLY' });
    connection = await instance.connect();
    const reader = await connection.runAndReadAll(step.sql, step.params);
    const columns = reader.columnNames();
    const rows = reader.getRowsJson() as unknown[][];
    return {
      status: 'ok',
      summary: columns.length > 0 ? `${rows.length} row${rows.length === 1 ? '' : 's'}` : 'done',
      output: columns.length > 0 ? textTable(columns, rows) : undefined,
      durationMs: elapsedSince(started),
      outputs: { rows, columns, rowCount: rows.length },
    };
  } catch (error) {
    return { status: 'failed', summary: ctx.redact((error as Error).message), durationMs: elapsedSince(started), outputs: {} };
  } finally {
    clearTimeout(timer);
    connection?.closeSync();
    instance?.closeSync();
  }
}
