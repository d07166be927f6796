// Built-in file steps: move aside (never overwriting) and copy into place (never overwriting).
import fs from 'node:fs';
import { compactTimestamp } from '../../timestamps.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

/** `to`, or `to.<timestamp>` (and a counter after that) when the name is taken. */
export function freeName(to: string, now: Date): string {
  if (!fs.existsSync(to)) return to;
  // A write-ahead log keeps its .wal last (databox.duckdb.broken.<stamp>.wal), so it still sits beside its database
  // file (databox.duckdb.broken.<stamp>) when both names were taken.
  const wal = /\.wal$/.test(to);
  const base = wal ? to.slice(0, -'.wal'.length) : to;
  for (let n = 0; ; n += 1) {
    const stamp = `${compactTimestamp(now)}${n === 0 ? '' : `-${n}`}`;
    const candidate = wal ? `${base}.${stamp}.wal` : `${base}.${stamp}`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/**
 * Moves `from` to `to` (or a free timestamped name when `to` is taken and ifTaken is "suffix"). A file is moved by a hard
 * link and an unlink, which fails rather than replace a file that appeared since the check; a directory by a rename,
 * which fails on a non-empty target.
 */
export function moveWithoutOverwriting(from: string, to: string, ifTaken: 'suffix' | 'fail', now: Date): string {
  for (let attempt = 0; ; attempt += 1) {
    const target = ifTaken === 'suffix' ? freeName(to, now) : to;
    try {
      if (fs.lstatSync(from).isDirectory()) {
        if (fs.existsSync(target)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
        fs.renameSync(from, target);
      } else {
        fs.linkSync(from, target);
        fs.unlinkSync(from);
      }
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || ifTaken === 'fail' || attempt >= 5) throw error;
    }
  }
}

export async function runMoveStep(step: Extract<ResolvedStep, { kind: 'move' }>, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  if (!fs.existsSync(step.from)) {
    return {
      status: step.ifMissing === 'skip' ? 'skipped' : 'failed',
      summary: `${step.from} does not exist${step.ifMissing === 'skip' ? ': nothing to move' : ''}`,
      durationMs: elapsedSince(started),
      outputs: {},
    };
  }
  if (step.ifTaken === 'fail' && fs.existsSync(step.to)) {
    return { status: 'failed', summary: `refusing to move ${step.from} onto ${step.to}: that name is taken`, durationMs: elapsedSince(started), outputs: {} };
  }
  let to: string;
  try {
    to = moveWithoutOverwriting(step.from, step.to, step.ifTaken, ctx.clock());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EXDEV' ? 'the destination is on another volume; move it by hand'
        : code === 'EEXIST' ? `${step.to} appeared meanwhile and is never overwritten`
          : (error as Error).message;
    return { status: 'failed', summary: `could not move ${step.from}: ${why}`, durationMs: elapsedSince(started), outputs: {} };
  }
  return {
    status: 'ok',
    summary: `moved ${step.from} → ${to}${to !== step.to ? ` (${step.to} was taken)` : ''}`,
    durationMs: elapsedSince(started),
    outputs: { from: step.from, to },
  };
}

export async function runCopyFileStep(step: Extract<ResolvedStep, { kind: 'copy-file' }>): Promise<StepResult> {
  const started = performance.now();
  const fail = (summary: string): StepResult => ({ status: 'failed', summary, durationMs: elapsedSince(started), outputs: {} });
  if (!fs.existsSync(step.from)) return fail(`${step.from} does not exist`);
  if (fs.existsSync(step.to)) return fail(`refusing to overwrite ${step.to}: it already exists`);
  const partial = `${step.to}.partial-${process.pid}`;
  try {
    await fs.promises.copyFile(step.from, partial, fs.constants.COPYFILE_EXCL);
    const [source, copy] = [fs.statSync(step.from).size, fs.statSync(partial).size];
    if (source !== copy) throw new Error(`copied ${copy} of ${source} bytes`);
    // A hard link fails if `to` appeared meanwhile, so nothing is ever overwritten.
    fs.linkSync(partial, step.to);
  } catch (error) {
    return fail(`could not copy ${step.from} → ${step.to}: ${(error as Error).message}`);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return {
    status: 'ok',
    summary: `copied ${step.from} → ${step.to} (${fs.statSync(step.to).size} bytes)`,
    durationMs: elapsedSince(started),
    outputs: { from: step.from, to: step.to },
  };
}
