// The export-rows step kind: keep rows of one table in a Parquet file before they are deleted, checked against a preview and read back.
import fs from 'node:fs';
import { z } from 'zod';
import { renderedRowCount, rowCount, stepCommon, template } from '../../runbook/step-common.js';
import { rowsSaid } from '../../plural.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, type StepRunContext } from './context.js';
import { boundValueIssues } from './bound-values.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { keepRows } from './keep-rows.js';
import { keptFileIdentity } from './kept-file-identity.js';
import { keptFilesNotPerRun } from './kept-file-per-run.js';
import { keptFileThereSaid } from './kept-file-there.js';
import { notKeptExactlySaid, parquetChangesWarning, parquetChangesWhenPlanned, readBackLine, type ParquetChange } from './parquet-changes.js';
import { ChangedNothing, withStepDatabase } from './step-database.js';
import { plainName, tableExists } from './table-exists.js';
import { makeKeptRowsFolder } from './kept-rows-folder.js';

const schema = z.strictObject({
  ...stepCommon,
  target: targetChoice,
  kind: z.literal('export-rows'),
  table: template,
  /** A WHERE clause; {{name}} stands only for identifiers, values go through `params`. */
  where: z.string().min(1),
  params: z.array(template).default([]),
  /** The Parquet file the rows are kept in; it must not exist yet. */
  to: template,
  expectRows: rowCount.optional(),
  /**
   * fail (the default): a table that is not there fails the step, as any read of it. skip: a table that is not there (a
   * mart SQLMesh has not built yet) has nothing to keep, and the step ends skipped,
   * as the preview that counts it said (ifTableMissing there, bound as 0); one the preview counted rows of still fails.
   */
  ifTableMissing: z.enum(['fail', 'skip']).optional(),
});

export type ExportRowsStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The table's columns Parquet may not keep exactly, read when the plan was made: said in its warnings. */
    parquetChanges?: ParquetChange[];
  };

export async function runExportRowsStep(step: ExportRowsStep, ctx: StepRunContext): Promise<StepResult> {
  // It reads the database and writes only its own file: one that fails has changed no data, which the run's end says
  // (a plan stopped by a count that moved is no database left part-way).
  if (fs.existsSync(step.to)) {
    return { status: 'failed', summary: `refusing to overwrite ${step.to}: it already exists`, durationMs: 0, outputs: {}, untouched: true };
  }
  const unmade = makeKeptRowsFolder(step.to, step.table);
  if (unmade) return unmade;
  const result = await withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs, explain: outOfMemory(step.table) }, async (session, fail, started) => {
    const expectRows = step.expectRows === undefined ? undefined : Number(step.expectRows);
    if (step.ifTableMissing === 'skip' && !(await tableExists(session, step.table))) {
      const table = plainName(step.table);
      if (expectRows) return fail(`${table} does not exist, where the preview counted ${rowsSaid(expectRows)} of it: it went since the plan was made, so nothing was kept, and the plan stopped before anything is deleted or replaced. Nothing in the database changed: diagnose again, then propose on what is there now`);
      return { status: 'skipped', summary: `${table} does not exist: nothing to keep`, durationMs: elapsedSince(started), outputs: {} };
    }
    const { kept, expected, aside, notExact } = await keepRows(session, { ...step, expected: expectRows }, ctx.clock());
    if (aside && notExact) {
      return fail(`${notKeptExactlySaid(step.table, kept, notExact)}; the plan stopped here, and nothing in the database changed (the file is at ${aside})`, { file: aside });
    }
    if (aside) {
      return fail(
        `kept ${rowsSaid(kept)} where the preview counted ${expected}: the rows changed since the plan was made, so it stopped before anything is deleted (the file is at ${aside}). Nothing in the database changed: diagnose again, then propose on what is there now`,
        { file: aside },
      );
    }
    // What tells this file from another later put under its name (cut short, other rows): a rollback checks it before putting them back.
    const { bytes, sha256 } = await keptFileIdentity(step.to);
    return { status: 'ok', summary: `kept ${rowsSaid(kept)} in ${step.to}, read back exactly`, durationMs: elapsedSince(started), outputs: { file: step.to, rowCount: kept, bytes, sha256 } };
  });
  return result.status === 'ok' ? result : { ...result, untouched: true };
}

/**
 * DuckDB out of memory under the bot's cap on reads (DATABOX_DUCKDB_MEMORY_LIMIT): comparing the file with the table
 * holds a window's rows as text, which a small cap may not fit. Said with what to do; any other error as DuckDB has it.
 */
const outOfMemory = (table: string) => async (error: Error) => {
  if (!/out of memory/i.test(error.message)) throw error;
  // Out of memory once the COPY had written some or all of the file: keep-rows moved it aside, unchecked.
  const file = error instanceof ChangedNothing ? error.outputs.file : undefined;
  return {
    status: 'failed',
    summary: `DuckDB ran out of memory keeping the rows of ${table.replace(/"/g, '')} and comparing them with the file, under DATABOX_DUCKDB_MEMORY_LIMIT. Nothing was deleted${file ? ` (what was written of the file, unchecked, is at ${file})` : ''}: raise it and restart the bot, or recover a shorter window, then propose again`,
  };
};

export const exportRowsStepKind = defineStepKind({
  kind: 'export-rows',
  describesSql: true,
  schema,
  // unreachable: its target (MotherDuck) could not be reached, so nothing was read (withStepDatabase).
  statuses: (step) => ['ok', 'failed', 'unreachable', ...(step.ifTableMissing === 'skip' ? (['skipped'] as const) : [])],
  // Could not see: its database not reached.
  unseeingStatuses: ['unreachable'],
  // No partWay: it changes no data, only writes its own new file, and a failure moves what it wrote aside, named in its
  // summary (file); a timeout's file is no checked copy, and its rollback part (rows put back from it) must not be built.
  // A failed keep may name the file it moved aside as its file; rows it kept, never. Unreachable, it says why alone.
  outputs: {
    file: { shape: 'text', unsetWhen: ['failed', 'skipped', 'unreachable'] },
    rowCount: { shape: 'text', unsetWhen: ['failed', 'skipped', 'unreachable'] },
    bytes: { shape: 'text', unsetWhen: ['failed', 'skipped', 'unreachable'] },
    sha256: { shape: 'text', unsetWhen: ['failed', 'skipped', 'unreachable'] },
    problem: { shape: 'text', onlyWhen: ['unreachable'] },
  },
  defaultTimeoutMs: 30 * 60_000,
  // A `to:` naming the same file on every run: every run after the first would find its file there.
  references: (step, { names }) => keptFilesNotPerRun(step, 'recovery', [{ at: ['to'], said: 'to:', template: step.to, holds: 'its rows' }], names),
  rules: (step) => [...(step.mutates ? [] : [{ at: ['mutates'], message: 'an export-rows step mutates: set mutates: true' }]), ...boundValueIssues(step.where, step.params, ['params'])],
  templates: (step) => [
    { at: ['table'], template: step.table, as: 'sql' },
    { at: ['where'], template: step.where, as: 'sql' },
    ...step.params.map((param, i) => ({ at: ['params', i], template: param, as: 'text' as const })),
    { at: ['to'], template: step.to, as: 'text' },
    ...(step.expectRows ? [{ at: ['expectRows'], template: step.expectRows, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({
    ...step,
    table: tools.sql(step.table),
    where: tools.sql(step.where),
    params: step.params.map(tools.text),
    to: tools.inRoot(step.to),
    expectRows: step.expectRows && renderedRowCount(tools.text(step.expectRows)),
  }),
  // Read when the plan is made, so the approver is told before the rows are kept that some may not be kept exactly.
  readWhenPlanned: async (step, { target }) => {
    const changes = await parquetChangesWhenPlanned(target, step.target, step.table);
    return changes.length > 0 ? { ...step, parquetChanges: changes } : step;
  },
  planWarning: (step) => parquetChangesWarning(step.table, step.parquetChanges, step.title),
  // Refused when the plan is made, not only when the step runs: the plan would stop there after its approval. A `to:`
  // with no part unique to each run is refused at load (references); this is for a file there all the same.
  refusal: (step) => (fs.existsSync(step.to) ? keptFileThereSaid(step.to) : undefined),
  // The file the rows are kept in: a later restore-rows step of the same plan may put them back from it.
  writesFiles: (step) => [step.to],
  describe: (step, { rel, bound }) =>
    `COPY (SELECT * FROM ${step.table} WHERE ${step.where.trim()}) TO '${rel(step.to)}' (FORMAT parquet)${bound(step.params)}` +
    (step.expectRows ? `\n-- must write exactly ${rowsSaid(Number(step.expectRows))}, or the plan stops here` : '') +
    (step.ifTableMissing === 'skip' && Number(step.expectRows ?? 0) === 0 ? `\n-- skipped if ${plainName(step.table)} does not exist (nothing to keep), as its preview said` : '') +
    `\n${readBackLine}`,
  run: runExportRowsStep,
});
