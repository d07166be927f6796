// The database-open step kind: can the target DATABOX_BACKEND names be opened? The local file as duckdb-open checks it
// (missing, held by a PID, corrupt …); MotherDuck by connecting and running SELECT 1 (no token, no extension …).
import { z } from 'zod';
import type { OpenStatus } from '../../duckdb/probe.js';
import { stepCommon } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetChoice, targetOf, type StepRunContext } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon } from './define-step-kind.js';
import { runDuckdbOpenStep } from './duckdb-open-step.js';
import { withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('database-open'),
  target: targetChoice,
});

/** duckdb-open's finer statuses, as this step reports them. */
const coarser = { 'dangling-link': 'missing', 'empty-file': 'not-duckdb', 'wal-damaged': 'corrupt', 'wal-not-a-file': 'unreadable' } as const satisfies Partial<Record<OpenStatus, OpenStatus>>;

export type DatabaseOpenStep = z.output<typeof schema> & ResolvedCommon;

async function runDatabaseOpen(step: DatabaseOpenStep, ctx: StepRunContext): Promise<StepResult> {
  const target = targetOf(ctx, step.target);
  if (target.name === 'local') {
    const opened = await runDuckdbOpenStep({ ...step, kind: 'duckdb-open', path: target.label, checkWritable: false, readersBlock: true, expectSchemas: [], movedByRecovery: false, newestOf: [] });
    // To the runbooks that only ask whether the database opens, a link to nothing is missing, an empty file not a
    // DuckDB file and a log's path that is no file unreadable, as DuckDB's open alone would find it; the summary says which.
    return { ...opened, status: (coarser as Partial<Record<string, OpenStatus>>)[opened.status] ?? opened.status };
  }
  return withStepDatabase(ctx, { target: step.target, writable: false, timeoutMs: step.timeoutMs }, async (session, _fail, started) => {
    await session.run('SELECT 1');
    return { status: 'ok', summary: `${target.label} answers SELECT 1`, durationMs: elapsedSince(started), outputs: { holderPid: 'unknown', heldAs: '', message: '' } };
  });
}

export const databaseOpenStepKind = defineStepKind({
  kind: 'database-open',
  schema,
  statuses: [...everyStatus<Exclude<OpenStatus, keyof typeof coarser>>({ ok: true, missing: true, 'not-a-file': true, 'not-duckdb': true, locked: true, corrupt: true, unreadable: true }), 'unreachable'],
  // Could not see: a file it could not open for a reason that is not damage, MotherDuck not reached.
  unseeingStatuses: ['unreadable', 'unreachable'],
  inUseStatuses: { locked: 'another process holds the file (a running job or load)' },
  // MotherDuck unreachable: its problem, and nothing of a file's.
  outputs: { holderPid: { shape: 'text', unsetWhen: ['unreachable'] }, heldAs: { shape: 'text', unsetWhen: ['unreachable'] }, message: { shape: 'text', unsetWhen: ['unreachable'] }, problem: { shape: 'text', onlyWhen: ['unreachable'] } },
  defaultTimeoutMs: 60_000,
  templates: () => [],
  resolve: (step) => ({ ...step }),
  describe: (step) => `open the ${step.target === 'backend' ? 'database DATABOX_BACKEND names' : step.target} read-only and run SELECT 1`,
  run: runDatabaseOpen,
});
