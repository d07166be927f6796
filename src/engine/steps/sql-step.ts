// Runs one SQL step against the DuckDB file (read-only unless the step mutates), values bound as parameters.
import { textTable } from '../../text-table.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { firstNumber, inTransaction, withStepDatabase } from './step-database.js';

type SqlStep = Extract<ResolvedStep, { kind: 'sql' }>;

export function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  const location = step.database === 'motherduck' ? 'md:' : ctx.databasePath;
  return withStepDatabase(ctx, { location, writable: step.mutates, timeoutMs: step.timeoutMs }, async (connection, fail, started) => {
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
    const changed = await inTransaction(connection, async () => {
      const count = firstNumber(await connection.runAndReadAll(step.sql, step.params));
      return { commit: count === expected, value: count };
    });
    if (changed !== expected) return fail(`changed ${changed} rows where the preview counted ${expected}: rolled back, nothing was changed`);
    return { status: 'ok', summary: `changed ${changed} rows, as previewed; committed`, durationMs: elapsedSince(started), outputs: { rowCount: changed } };
  });
}
