// The sql step kind: one statement against the DuckDB file (read-only unless the step mutates), values bound as parameters.
import { z } from 'zod';
import { textTable } from '../../text-table.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { firstNumber, inTransaction, withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('sql'),
  database: z.enum(['duckdb', 'motherduck']).default('duckdb'),
  /** SQL text; {{name}} may stand only for identifiers, values go through `params` as bound parameters. */
  sql: z.string().min(1),
  params: z.array(template).default([]),
  /**
   * MotherDuck: the database to take a named snapshot of (CREATE SNAPSHOT … OF) right before this statement.
   * Required for a destructive MotherDuck statement, so a point-in-time restore is always possible afterwards.
   */
  snapshotOf: template.optional(),
  /**
   * For a data-changing statement: the number of rows it must change (usually a preview's count). The statement runs
   * in a transaction that is rolled back when the count differs.
   */
  expectRows: template.optional(),
});

export type SqlStep = z.output<typeof schema> & ResolvedCommon;

const changesData = /\b(insert|update|delete|drop|alter|create|copy|truncate|attach|detach|set|checkpoint|vacuum)\b/i;

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

export const sqlStepKind = defineStepKind({
  kind: 'sql',
  schema,
  statuses: ['ok', 'failed'],
  outputs: (step) => (step.expectRows === undefined ? ['rows', 'columns', 'rowCount'] : ['rowCount']),
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => [
    ...(changesData.test(step.sql.replace(/'[^']*'/g, "''")) && !step.mutates ? [{ at: ['mutates'], message: 'this SQL changes data: set mutates: true' }] : []),
    ...(step.database === 'motherduck' && step.destructive && !step.snapshotOf
      ? [{ at: ['snapshotOf'], message: 'a destructive MotherDuck statement needs snapshotOf: the database to snapshot first' }]
      : []),
  ],
  templates: (step) => [
    { at: ['sql'], template: step.sql, as: 'sql' },
    ...step.params.map((param, i) => ({ at: ['params', i], template: param, as: 'text' as const })),
    ...(step.snapshotOf ? [{ at: ['snapshotOf'], template: step.snapshotOf, as: 'sql' as const }] : []),
    ...(step.expectRows ? [{ at: ['expectRows'], template: step.expectRows, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({ ...step, sql: tools.sql(step.sql), params: step.params.map(tools.text), expectRows: step.expectRows && tools.text(step.expectRows) }),
  /**
   * A statement with snapshotOf is preceded by a generated CREATE SNAPSHOT step, shown in the plan like any other, so the
   * named snapshot the runbook's "known gaps" ask for is never forgotten.
   */
  precededBy: (step, tools) => {
    if (!step.snapshotOf) return [];
    const snapshotName = `databox_bot_${tools.text('{{incident_id}}_{{now}}')}_${step.id}`.replace(/[^A-Za-z0-9_]/g, '_');
    return [
      {
        id: `${step.id}_snapshot`,
        title: `Named snapshot before "${step.title}"`,
        kind: 'sql',
        database: step.database,
        sql: `CREATE SNAPSHOT '${snapshotName}' OF ${tools.sql(step.snapshotOf)}`,
        params: [],
        mutates: true,
        destructive: false,
        acceptStatuses: [],
        timeoutMs: 10 * 60_000,
        guard: step.guard,
      },
    ];
  },
  describe: (step, { bound }) =>
    `${step.sql.trim()}${bound(step.params)}${step.expectRows ? `\n-- in a transaction: must change exactly ${step.expectRows} rows, or it is rolled back` : ''}`,
  run: runSqlStep,
});
