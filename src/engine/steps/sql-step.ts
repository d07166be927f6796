// Runs one SQL step against the DuckDB file (read-only unless the step mutates), values bound as parameters.
import { textTable } from '../../text-table.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { openDatabase, withTimeout } from '../../duckdb/open.js';

type SqlStep = Extract<ResolvedStep, { kind: 'sql' }>;

export async function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const failed = (summary: string): StepResult => ({ status: 'failed', summary: ctx.redact(summary), durationMs: elapsedSince(started), outputs: {} });
  const location = step.database === 'motherduck' ? 'md:' : ctx.databasePath;
  let database;
  try {
    database = await openDatabase(location, step.mutates);
  } catch (error) {
    return failed(`cannot open ${location}: ${(error as Error).message}`);
  }
  const { connection } = database;
  try {
    return await withTimeout(connection, step.timeoutMs, async () => {
      if (step.expectRows === undefined) {
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
      }
      const expected = Number(step.expectRows);
      await connection.run('BEGIN TRANSACTION');
      try {
        const reader = await connection.runAndReadAll(step.sql, step.params);
        const changed = Number((reader.getRowsJson() as unknown[][])[0]?.[0] ?? 0);
        if (changed !== expected) {
          await connection.run('ROLLBACK');
          return failed(`changed ${changed} rows where the preview counted ${expected}: rolled back, nothing was changed`);
        }
        await connection.run('COMMIT');
        return { status: 'ok', summary: `changed ${changed} rows, as previewed; committed`, durationMs: elapsedSince(started), outputs: { rowCount: changed } };
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
