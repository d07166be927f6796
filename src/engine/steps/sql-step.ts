// The sql step kind: one statement against a target (the DuckDB file or MotherDuck; read-only unless the step mutates).
// Values are bound as parameters, or, where DDL takes none, rendered as typed literals ({{at | timestamp}}).
import { z } from 'zod';
import { textTable } from '../../text-table.js';
import { renderedRowCount, rowCount, stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import type { TargetSession } from '../../database/target.js';
import { firstNumber, inTransaction, withStepDatabase, type Fail } from './step-database.js';
import { boundValueIssues } from './bound-values.js';
import { rowsKeptFirst } from './rows-kept-first.js';
import { changesData, overwritingStatements } from './sql-statements.js';

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
  expectRows: rowCount.optional(),
});

export type SqlStep = z.output<typeof schema> & ResolvedCommon;

/** Errors after which nobody can tell whether a statement sent was applied: the connection went while it ran. */
const connectionLost = /connection (to \S+ )?(was )?(lost|closed|reset)|lost connection|broken pipe|ECONNRESET|EPIPE|socket hang up|network error/i;

export function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  return withStepDatabase(ctx, { target: step.target, writable: step.mutates, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    try {
      return await runStatement(step, session, fail, started);
    } catch (error) {
      const message = (error as Error).message;
      if (!step.mutates || !connectionLost.test(message)) throw error;
      // MotherDuck may have committed it before the answer was lost (as a swap's COPY … OVERWRITE can be).
      return {
        status: 'unknown',
        summary: ctx.redact(
          `${message.split('\n')[0]}: the connection went while the statement ran, so it may or may not have been applied. Look at the database as it is now (diagnose again) before anything else, a rollback included`,
        ),
        durationMs: elapsedSince(started),
        outputs: {},
      };
    }
  });
}

async function runStatement(step: SqlStep, session: TargetSession, fail: Fail, started: number): Promise<StepResult> {
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
}

export const sqlStepKind = defineStepKind({
  kind: 'sql',
  describesSql: true,
  schema,
  statuses: ['ok', 'failed', 'unknown'],
  outputs: (step) => (step.expectRows === undefined ? ['rows', 'columns', 'rowCount'] : ['rowCount']),
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => [
    ...boundValueIssues(step.sql, step.params, ['params']),
    ...(changesData(step.sql) && !step.mutates ? [{ at: ['mutates'], message: 'this SQL changes data: set mutates: true' }] : []),
    // Marked or not, a statement that changes data already there is destructive: the plan marks it, a teammate approves
    // it, and on MotherDuck the engine takes a named snapshot before it. Editing the flag away must not skip that.
    ...(step.destructive
      ? []
      : overwritingStatements(step.sql).map(({ statement, why }) => ({
          at: ['destructive'],
          message: `the statement "${statement.length > 120 ? `${statement.slice(0, 117)}…` : statement}" changes data already there (${why}): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it`,
        }))),
  ],
  references: (step, { earlier }) => rowsKeptFirst(step, earlier),
  templates: (step) => [
    { at: ['sql'], template: step.sql, as: 'sql' },
    ...step.params.map((param, i) => ({ at: ['params', i], template: param, as: 'text' as const })),
    ...(step.expectRows ? [{ at: ['expectRows'], template: step.expectRows, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({ ...step, sql: tools.sql(step.sql), params: step.params.map(tools.text), expectRows: step.expectRows && renderedRowCount(tools.text(step.expectRows)) }),
  describe: (step, { bound }) =>
    `${step.sql.trim()}${bound(step.params)}${step.expectRows ? `\n-- in a transaction: must change exactly ${step.expectRows} rows, or it is rolled back` : ''}`,
  run: runSqlStep,
});
