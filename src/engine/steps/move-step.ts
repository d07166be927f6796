// The move step kind: move a file or directory aside (or back), never overwriting anything.
import fs from 'node:fs';
import { z } from 'zod';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { moveWithoutOverwriting } from './move-without-overwriting.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('move'),
  from: template,
  to: template,
  /** What to do when `from` does not exist: fail the run, or record the step as skipped. */
  ifMissing: z.enum(['fail', 'skip']).default('fail'),
  /** What to do when `to` is taken: add a timestamp suffix (moving aside), or fail (putting back). Never overwrite. */
  ifTaken: z.enum(['suffix', 'fail']).default('suffix'),
  /** Refuse the plan when `from` is a symbolic link (the database: the file would stay, and be rebuilt beside the link). */
  refuseLink: z.boolean().default(false),
});

export type MoveStep = z.output<typeof schema> & ResolvedCommon;

/**
 * A symbolic link is moved as a link: the file behind it would stay where it is, and a rebuild through the path would
 * land beside the link, on another volume maybe. The operator points the bot at the file itself instead.
 */
export function linkRefusal(from: string): string | undefined {
  let target: string;
  try {
    if (!fs.lstatSync(from).isSymbolicLink()) return undefined;
    target = fs.realpathSync(from);
  } catch {
    return undefined;
  }
  return `${from} is a symbolic link to ${target}: moving it would move the link and leave the file where it is. Set DATABOX_DATABASE_PATH (or the path given) to ${target} itself and propose again`;
}

export async function runMoveStep(step: MoveStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  if (!fs.existsSync(step.from)) {
    return {
      status: step.ifMissing === 'skip' ? 'skipped' : 'failed',
      summary: `${step.from} does not exist${step.ifMissing === 'skip' ? ': nothing to move' : ''}`,
      durationMs: elapsedSince(started),
      outputs: {},
      untouched: true,
    };
  }
  if (step.ifTaken === 'fail' && fs.existsSync(step.to)) {
    return { status: 'failed', summary: `refusing to move ${step.from} onto ${step.to}: that name is taken`, durationMs: elapsedSince(started), outputs: {}, untouched: true };
  }
  let to: string;
  try {
    to = moveWithoutOverwriting(step.from, step.to, step.ifTaken, ctx.clock(), (target) => ctx.intent?.({ action: 'move', from: step.from, to: target }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EXDEV' ? 'the destination is on another volume; move it by hand'
        : code === 'EEXIST' ? `${step.to} appeared meanwhile and is never overwritten`
          : (error as Error).message;
    // Refused by the rename itself (another volume, a name that appeared): the file did not move.
    const untouched = code === 'EXDEV' || code === 'EEXIST' ? { untouched: true as const } : {};
    return { status: 'failed', summary: `could not move ${step.from}: ${why}`, durationMs: elapsedSince(started), outputs: {}, ...untouched };
  }
  return {
    status: 'ok',
    summary: `moved ${step.from} → ${to}${to !== step.to ? ` (${step.to} was taken)` : ''}`,
    durationMs: elapsedSince(started),
    outputs: { from: step.from, to },
  };
}

export const moveStepKind = defineStepKind({
  kind: 'move',
  schema,
  statuses: ['ok', 'skipped', 'failed'],
  outputs: ['from', 'to'],
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => [
    ...(step.mutates ? [] : [{ at: ['mutates'], message: 'a move step mutates: set mutates: true' }]),
    ...(step.destructive ? [] : [{ at: ['destructive'], message: 'moving a file is destructive: set destructive: true' }]),
  ],
  templates: (step) => [
    { at: ['from'], template: step.from, as: 'text' },
    { at: ['to'], template: step.to, as: 'text' },
  ],
  resolve: (step, tools) => ({ ...step, from: tools.inRoot(step.from), to: tools.inRoot(step.to) }),
  describe: (step, { rel, showArg }) =>
    `mv ${showArg(rel(step.from))} ${showArg(rel(step.to))}  (${step.ifTaken === 'fail' ? 'fails if the name is taken' : 'a taken name gets a timestamp suffix'}; never overwrites)`,
  refusal: (step) => (step.refuseLink ? linkRefusal(step.from) : undefined),
  run: runMoveStep,
});
