// The sql step kind: one statement against a target (the DuckDB file or MotherDuck; read-only unless the step mutates).
// Values are bound as parameters, or, where DDL takes none, rendered as typed literals ({{at | timestamp}}).
import { z } from 'zod';
import { textTable } from '../../text-table.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { firstNumber, inTransaction, withStepDatabase } from './step-database.js';
import { overwritingStatements } from './sql-statements.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('sql'),
  target: targetChoice,
  /** SQL text; {{name}} stands for an identifier, {{name | kind}} for a typed literal; other values go through `params`. */
  sql: z.string().min(1),
  params: z.array(template).default([]),
  /**
   * For a data-changing statement: the number of rows it must change (usually a preview's count). The statement runs
   * in a transaction that is rolled back when the count differs.
   */
  expectRows: template.optional(),
});

export type SqlStep = z.output<typeof schema> & ResolvedCommon;

const changesData = /\b(insert|update|delete|drop|alter|create|copy|truncate|attach|detach|set|checkpoint|vacuum)\b/i;

export function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  return withStepDatabase(ctx, { target: step.target, writable: step.mutates, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    if (step.expectRows === undefined) {
      const { columns, rows } = await session.run(step.sql, step.params);
      return {
        status: 'ok',
        summary: columns.length > 0 ? `${rows.length} row${rows.length === 1 ? '' : 's'}` : 'done',
        output: columns.length > 0 ? textTable(columns, rows) : undefined,
        durationMs: elapsedSince(started),
        outputs: { rows, columns, rowCount: rows.length },
      };
    }
    const expected = Number(step.expectRows);
    const changed = await inTransaction(session, async () => {
      const count = firstNumber(await session.run(step.sql, step.params));
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
    // Marked or not, a statement that changes data already there is destructive: the plan marks it, a teammate approves
    // it, and on MotherDuck the engine takes a named snapshot before it. Editing the flag away must not skip that.
    ...(step.destructive
      ? []
      : overwritingStatements(step.sql).map(({ statement, why }) => ({
          at: ['destructive'],
          message: `the statement "${statement.length > 120 ? `${statement.slice(0, 117)}…` : statement}" changes data already there (${why}): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it`,
        }))),
  ],
  templates: (step) => [
    { at: ['sql'], template: step.sql, as: 'sql' },
    ...step.params.map((param, i) => ({ at: ['params', i], template: param, as: 'text' as const })),
    ...(step.expectRows ? [{ at: ['expectRows'], template: step.expectRows, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({ ...step, sql: tools.sql(step.sql), params: step.params.map(tools.text), expectRows: step.expectRows && tools.text(step.expectRows) }),
  describe: (step, { bound }) =>
    `${step.sql.trim()}${bound(step.params)}${step.expectRows ? `\n-- in a transaction: must change exactly ${step.expectRows} rows, or it is rolled back` : ''}`,
  run: runSqlStep,
});
