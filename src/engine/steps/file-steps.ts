// Built-in file steps: move aside (never overwriting) and copy into place (never overwriting).
import fs from 'node:fs';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** `to`, or `to.<timestamp>` (and a counter after that) when the name is taken. */
export function freeName(to: string, now: Date): string {
  if (!fs.existsSync(to)) return to;
  const stamped = `${to}.${compactTimestamp(now)}`;
  for (let n = 0; ; n += 1) {
    const candidate = n === 0 ? stamped : `${stamped}-${n}`;
    if (!fs.existsSync(candidate)) return candidate;
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
  const to = freeName(step.to, ctx.clock());
  try {
    fs.renameSync(step.from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EXDEV' ? 'the destination is on another volume; move it by hand' : (error as Error).message;
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
