// The sql step kind: its SQL (one statement, or several run one by one) against a target (the DuckDB file or MotherDuck; read-only unless the step mutates).
// Values are bound as parameters, or, where DDL takes none, rendered as typed literals ({{at | timestamp}}).
import fs from 'node:fs';
import { z } from 'zod';
import { textTable } from '../../text-table.js';
import { renderedRowCount, rowCount, stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { driverFaultSaid, isDriverFault } from './driver-fault.js';
import { defineStepKind, unsetAlike, type ResolvedCommon } from './define-step-kind.js';
import type { QueryResult, TargetSession } from '../../database/target.js';
import { ChangedNothing, firstNumber, inTransaction, StoppedPartWay, withStepDatabase, type Fail } from './step-database.js';
import { appliedStatementsSaid, runsOwnTransaction, runStatementsApart } from './sql-statements-apart.js';
import { boundValueIssues } from './bound-values.js';
import { keptIn, rowsKeptFirst, type KeptIn } from './rows-kept-first.js';
import { changedSinceKept } from './changed-since-kept.js';
import { connectionLost, rolledBackWords } from './rolled-back.js';
import { changesData, makesOnlyNewDatabases, overwritingStatements, sqlStatementTexts } from './sql-statements.js';
import { rowsSaid } from '../../plural.js';
import { firstLine } from '../../excerpt.js';
import { classifiedStatuses, readResult, resultClassifyRule, resultOutputIssues, resultOutputs, resultRuleCovers } from './sql-result-outputs.js';
import { ruleSaid, shadowedRules } from './shadowed-rules.js';
import { takenStatusIssues } from './classify-status-taken.js';

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
  /** Columns of a one-row result read as outputs ({{steps.<id>.n}}): a result without them fails the step. */
  outputs: resultOutputs,
  /** Turns an output's value into a status, as a command's classify does its output; first match wins; none: ok. */
  classify: z.array(resultClassifyRule).min(1).optional(),
});

export type SqlStep = z.output<typeof schema> &
  ResolvedCommon & {
    /**
     * For a DELETE or UPDATE bound to a count whose rows an export-rows step before it keeps (found when the plan is
     * made): the rows its WHERE picks are compared with that file first, in its transaction.
     */
    keptIn?: KeptIn;
  };

export function runSqlStep(step: SqlStep, ctx: StepRunContext): Promise<StepResult> {
  return withStepDatabase(ctx, { target: step.target, writable: step.mutates, timeoutMs: step.timeoutMs }, async (session, fail, started) => {
    try {
      return await runStatement(step, session, fail, started);
    } catch (error) {
      // Rolled back (its ROLLBACK answered): nothing was applied, whatever the error was.
      if (error instanceof ChangedNothing || !step.mutates) throw error;
      // A fault is the statement's it stopped at, past those applied before it (said first, with their count kept).
      const [fault, stoppedAt] = error instanceof StoppedPartWay ? [error.cause, error.message.slice(0, Math.max(0, error.message.lastIndexOf(error.cause.message)))] : [error as Error, ''];
      const { statementsDone, statements } = error instanceof StoppedPartWay ? error.outputs : {};
      // A fault on this side may come before the statement was sent or after MotherDuck applied it: nobody can tell.
      const target = targetOf(ctx, step.target ?? 'backend');
      const why = isDriverFault(fault)
        ? `${driverFaultSaid(fault, target.label)}. Whether the statement reached ${target.label} and was applied is not known`
        : connectionLost.test(fault.message) && `${fault.message.split('\n')[0]}: the connection went while the statement ran, so it may or may not have been applied`;
      // MotherDuck may have committed it before the answer was lost (as a swap's COPY … OVERWRITE can be).
      if (why) {
        return {
          status: 'unknown',
          summary: ctx.redact(`${stoppedAt}${why}. Look at the database as it is now (diagnose again) before anything else, a rollback included`),
          durationMs: elapsedSince(started),
          // Its end unknown anyway: what it says is how many statements before it were applied.
          outputs: statements === undefined ? {} : { statementsDone, statements },
        };
      }
      // DuckDB's own answer on a local file: the statement failed whole (DuckDB undoes a statement that fails), and
      // none before it was applied. MotherDuck's CREATE or ALTER DATABASE runs in no transaction: no such word there.
      const noneApplied = !(error instanceof StoppedPartWay) || (error.outputs.statementsDone === 0 && error.outputs.transactionOutcome === undefined);
      if (target.name === 'local' && noneApplied) throw new ChangedNothing((error as Error).message, {}, fault);
      throw error;
    }
  });
}

/**
 * The rows the statement is to change, compared with those kept: a comparison that fails (out of memory, the step's
 * timeout) is a refusal that changed nothing, the transaction rolled back before the statement ran.
 */
async function comparedWithKept(session: TargetSession, kept: NonNullable<SqlStep['keptIn']>): Promise<string | undefined> {
  try {
    return await changedSinceKept(session, { table: kept.table, where: kept.where, params: kept.params, file: kept.file });
  } catch (error) {
    throw new ChangedNothing(
      `the rows this ${kept.verb} ${kept.verb === 'DELETE' ? 'removes' : 'changes'} could not be compared with those kept in ${kept.file} (step "${kept.step}"): ${firstLine((error as Error).message)}; rolled back before it ran, nothing was changed`,
      { file: kept.file },
    );
  }
}

/** The statements a changing step runs one by one (two or more, none bound: DuckDB prepares no several at once), or none. */
function statementsRunApart(step: Pick<SqlStep, 'sql' | 'params' | 'mutates'>): string[] {
  const statements = step.mutates && step.params.length === 0 ? sqlStatementTexts(step.sql) : [];
  return statements.length > 1 ? statements : [];
}

/** The step's SQL, its last statement's result: several statements run one by one, so a failure says how many were applied (runStatementsApart). */
async function runWritten(step: SqlStep, session: TargetSession): Promise<QueryResult> {
  const statements = statementsRunApart(step);
  return statements.length === 0 ? session.run(step.sql, step.params) : runStatementsApart(session, statements);
}

async function runStatement(step: SqlStep, session: TargetSession, fail: Fail, started: number): Promise<StepResult> {
  if (step.expectRows === undefined) {
    const { columns, rows } = await runWritten(step, session);
    const output = columns.length > 0 ? textTable(columns, rows) : undefined;
    const read = step.outputs ? readResult(step, columns, rows) : { outputs: {}, status: 'ok' };
    if ('problem' in read) return { ...fail(`the result ${read.problem}`), output };
    const values = Object.entries(read.outputs).map(([name, value]) => `${name} ${value}`);
    return {
      status: read.status,
      summary: values.length > 0 ? values.join(', ') : columns.length > 0 ? rowsSaid(rows.length) : 'done',
      output,
      durationMs: elapsedSince(started),
      outputs: { rows, columns, rowCount: rows.length, ...read.outputs },
    };
  }
  const expected = Number(step.expectRows);
  const kept = step.keptIn;
  const changes = kept?.verb === 'DELETE' ? 'removes' : 'changes';
  if (kept && !fs.existsSync(kept.file)) {
    return { ...fail(`the rows this ${kept.verb} ${changes} were to be kept first in ${kept.file} (step "${kept.step}"), and that file is not there: nothing was changed`), untouched: true };
  }
  const changed = await inTransaction<{ count: number; since?: string }>(session, async () => {
    // The keep was an earlier step's transaction: a write in between (an UPDATE changes no count) would have this change
    // rows that were never kept. Only the rows kept, as they were kept, may be deleted or changed.
    const since = kept && (await comparedWithKept(session, kept));
    if (since) return { commit: false, value: { count: 0, since } };
    const count = firstNumber(await session.run(step.sql, step.params));
    return { commit: count === expected, value: { count } };
  }, rolledBackWords);
  if (kept && changed.since) {
    const done = kept.verb === 'DELETE' ? 'deleted' : 'changed';
    return {
      ...fail(
        `the rows this ${kept.verb} ${changes} changed after step "${kept.step}" kept them in ${kept.file} (another writer wrote in between): ${changed.since}. ` +
          `Rolled back, nothing was ${done}; the rows as they were kept are in ${kept.file}. Diagnose again, then propose the plan again on the rows as they are now`,
        { file: kept.file },
      ),
      untouched: true,
    };
  }
  // Its ROLLBACK answered (inTransaction throws otherwise): nothing changed, so the run does not say it stopped part-way.
  if (changed.count !== expected) return { ...fail(`changed ${rowsSaid(changed.count)} where the preview counted ${expected}: rolled back, nothing was changed`), untouched: true };
  return { status: 'ok', summary: `changed ${rowsSaid(changed.count)}, as previewed; committed`, durationMs: elapsedSince(started), outputs: { rowCount: changed.count } };
}

export const sqlStepKind = defineStepKind({
  kind: 'sql',
  describesSql: true,
  schema,
  // unreachable: its target (MotherDuck) could not be reached, so nothing ran (withStepDatabase).
  // Its classify rules' statuses besides: what a verdict tells a one-row result's values by.
  statuses: (step) => ['ok', 'failed', 'unknown', 'unreachable', ...classifiedStatuses(step)],
  // Could not see: its answer lost, its database not reached.
  unseeingStatuses: ['unknown', 'unreachable'],
  // A statement that failed, whose answer was lost (unknown) or that never ran (unreachable) set none; unreachable says why.
  outputs: (step) =>
    unsetAlike(
      step.expectRows === undefined ? { rows: 'list', columns: 'list', rowCount: 'text', ...Object.fromEntries((step.outputs ?? []).map((name) => [name, 'text' as const])) } : { rowCount: 'text' },
      ['failed', 'unknown', 'unreachable'],
      {
        problem: { shape: 'text', onlyWhen: ['unreachable'] },
        // How far a changing step of several statements got before one failed, or its answer was lost (runWritten): only then.
        ...(statementsRunApart(step).length > 0 ? { statementsDone: { shape: 'text', onlyWhen: ['failed', 'unknown'] }, statements: { shape: 'text', onlyWhen: ['failed', 'unknown'] } } : {}),
        // A transaction (expectRows, or one the SQL begins) whose COMMIT, or ROLLBACK after an error, was not answered: only then.
        ...(step.expectRows !== undefined || runsOwnTransaction(statementsRunApart(step)) ? { transactionOutcome: { shape: 'text', onlyWhen: ['failed'] } } : {}),
      },
    ),
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => [
    ...boundValueIssues(step.sql, step.params, ['params']),
    ...resultOutputIssues(step),
    ...shadowedRules(step.id, step.classify ?? [], resultRuleCovers, (rule) => ruleSaid(rule, ['output', 'match', 'below', 'atLeast', 'status'])),
    ...takenStatusIssues(step.id, step.classify ?? [], {
      unknown: 'its answer was lost, so whether its statement was applied is not known',
      unreachable: 'its database (MotherDuck) could not be reached, its problem saying why',
    }),
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
  resolve: (step, tools) => {
    const resolved = { ...step, sql: tools.sql(step.sql), params: step.params.map(tools.text), expectRows: step.expectRows && renderedRowCount(tools.text(step.expectRows)) };
    const kept = resolved.expectRows === undefined ? undefined : keptIn(resolved, tools.earlier ?? []);
    return kept ? { ...resolved, keptIn: kept } : resolved;
  },
  describe: (step, { bound, rel }) =>
    `${step.sql.trim()}${bound(step.params)}` +
    (step.expectRows ? `\n-- in a transaction: must change exactly ${rowsSaid(Number(step.expectRows))}, or it is rolled back` : '') +
    (step.keptIn ? `\n-- and before it, in that transaction: the rows its WHERE picks must still be, value by value, those kept in '${rel(step.keptIn.file)}' (another writer may have changed them), or nothing is changed` : ''),
  // A clone made FROM the database (path A's, the swap's broken state) is a new database beside it: it changes nothing there.
  onlyMakesNew: (step) => makesOnlyNewDatabases(step.sql),
  // A failure it knows changed nothing says so (untouched: its transaction's ROLLBACK answered, the kept rows changed
  // since, MotherDuck not reached, DuckDB's own error for the first statement on a local file). Any other may have
  // changed something: the statements applied before the one that failed (statementsDone), a COMMIT whose failure
  // leaves unknown whether it was applied, DDL MotherDuck runs outside any transaction (CREATE or ALTER DATABASE), and
  // a failure journaled by a build that did not yet tell these apart.
  partWay: { statuses: ['failed'], changed: () => true },
  stoppedPartWay: (_step, result) => {
    const { statementsDone, statements, transactionOutcome } = result.outputs ?? {};
    if (typeof statementsDone !== 'number' || typeof statements !== 'number') return undefined;
    const before = statementsDone > 0 ? `; ${appliedStatementsSaid(statementsDone, statements)}` : '';
    if (transactionOutcome === 'unknown') return `the end of the transaction its SQL began was not answered, so what it wrote there may or may not stand${before}; look at the database before acting on it or running the step again`;
    if (statementsDone === 0) return undefined;
    return `${appliedStatementsSaid(statementsDone, statements)}; look at the database before acting on it or running the step again`;
  },
  run: runSqlStep,
});
