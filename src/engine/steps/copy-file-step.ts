// The copy-file step kind: copy a file into place (a backup, say), never overwriting anything.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fileAt, fileChange, regularFileAt, shownFile, type FileAsPlanned } from '../../disk/file-identity.js';
import { walRefusal } from '../../duckdb/wal.js';
import { isReadOnlyFileSystem, readOnlyFix, readOnlySaid } from '../../disk/read-only-file-system.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { formatDuration } from '../../format-duration.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('copy-file'),
  from: template,
  to: template,
});

export type CopyFileStep = z.output<typeof schema> & ResolvedCommon & { asPlanned?: FileAsPlanned };

/** Why the file is no longer the one the plan showed (a backup job wrote a newer one since), or undefined. */
function changedSincePlanned(step: CopyFileStep): string | undefined {
  const change = step.asPlanned && fileChange(step.asPlanned, fileAt(step.from));
  return change && `${step.from} changed since the plan was made (${change}): propose the plan again, so its approver sees the file that will be copied`;
}

/**
 * A copy that failed and left nothing at `to` (its partial file removed): what is there now and what to do, said so
 * the failure is not read as a copy that may have changed part of what it changes. Out of space, free space first; on
 * a file system mounted read-only, check the disk and remount it.
 */
function nothingCopiedSaid(step: CopyFileStep, error: unknown, databasePath: string | undefined): string {
  const what = step.to === databasePath ? 'database' : 'file';
  const code = (error as NodeJS.ErrnoException).code;
  const fix = code === 'ENOSPC' ? 'free space' : code === 'EROFS' ? readOnlyFix : 'put that right';
  // A read-only file system let no partial copy be made at all.
  const partial = code === 'EROFS' ? 'nothing was written' : 'its partial copy was removed';
  return `${partial}: no ${what} at ${step.to} now: roll back, or ${fix} and propose again`;
}

export async function runCopyFileStep(step: CopyFileStep, ctx?: Partial<Pick<StepRunContext, 'intent' | 'databasePath'>>): Promise<StepResult> {
  const started = performance.now();
  const fail = (summary: string): StepResult => ({ status: 'failed', summary, durationMs: elapsedSince(started), outputs: {} });
  if (!fs.existsSync(step.from)) return fail(`${step.from} does not exist`);
  if (fs.existsSync(step.to)) return fail(`refusing to overwrite ${step.to}: it already exists`);
  const changed = changedSincePlanned(step);
  if (changed) return fail(changed);
  // Checked again now, not only when the plan was made: a backup job may have left a log beside the file since, and
  // DuckDB reads it in with the file (so every check passed) while a copy of the file alone would lose it.
  const wal = walRefusal(step.from, ' now');
  if (wal) return fail(wal);
  const partial = `${step.to}.partial-${process.pid}`;
  let failure: unknown;
  try {
    ctx?.intent?.({ action: 'copy', from: step.from, to: step.to });
    await fs.promises.copyFile(step.from, partial, fs.constants.COPYFILE_EXCL);
    const [source, copy] = [fs.statSync(step.from).size, fs.statSync(partial).size];
    if (source !== copy) throw new Error(`copied ${copy} of ${source} bytes`);
    // Past its timeout, the engine's deadline (later still) may have given up on the step: a copy appearing at `to`
    // after it would be a change behind a run that stopped, so one that finished late is not put in place.
    if (performance.now() - started > step.timeoutMs) throw new Error(`it took longer than its timeout (${formatDuration(step.timeoutMs)}), so it was not put in place`);
    // A hard link fails if `to` appeared meanwhile, so nothing is ever overwritten.
    fs.linkSync(partial, step.to);
  } catch (error) {
    failure = error;
  } finally {
    fs.rmSync(partial, { force: true });
  }
  if (failure !== undefined) {
    // A read-only file system said as such, where it is: Node's text names the partial file and no way out.
    const why = isReadOnlyFileSystem(failure) ? readOnlySaid(path.dirname(step.to)) : (failure as Error).message;
    const summary = `could not copy ${step.from} → ${step.to}: ${why}`;
    // The link is the last thing it does: failed before it, only the partial file was written, and it is gone.
    if (fs.existsSync(partial)) return fail(summary);
    return { ...fail(`${summary}; ${nothingCopiedSaid(step, failure, ctx?.databasePath)}`), untouched: true };
  }
  return {
    status: 'ok',
    summary: `copied ${step.from} → ${step.to} (${fs.statSync(step.to).size} bytes)`,
    durationMs: elapsedSince(started),
    outputs: { from: step.from, to: step.to },
  };
}

export const copyFileStepKind = defineStepKind({
  kind: 'copy-file',
  schema,
  statuses: ['ok', 'failed'],
  // No partWay: `to` appears only by the hard link that ends a whole copy, never after its timeout, so a failure or the
  // engine's timeout left no `to` (a partial file it could not remove is said part-way, beside `to`, which a rollback
  // would not remove anyway).
  outputs: { from: { shape: 'text', unsetWhen: ['failed'] }, to: { shape: 'text', unsetWhen: ['failed'] } },
  defaultTimeoutMs: 30 * 60_000,
  rules: (step) => (step.mutates ? [] : [{ at: ['mutates'], message: 'a copy-file step mutates: set mutates: true' }]),
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
  ],
  resolve: (step, tools) => {
    const from = tools.inRoot(step.from);
    const asPlanned = regularFileAt(from);
    return { ...step, from, to: tools.inRoot(step.to), ...(asPlanned ? { asPlanned } : {}) };
  },
  describe: (step, { rel, showArg }) =>
    `cp ${showArg(rel(step.from))} ${showArg(rel(step.to))}  (refuses to overwrite${step.asPlanned ? `; the file copied: ${shownFile(step.asPlanned)}` : ''})`,
  // A file that changed since the approver saw its size and age is not the one approved: nothing runs.
  refusal: changedSincePlanned,
  run: runCopyFileStep,
});
