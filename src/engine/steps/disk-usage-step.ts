// The disk-usage step kind: free space on the volume holding a path (fs.statfs), the runbook's `df -h data/`.
import { z } from 'zod';
import { volumeUsage } from '../../disk/volume-usage.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('disk-usage'),
  path: template,
  /** Use% at or above which the volume counts as full; defaults to DATABOX_DISK_FULL_PERCENT. */
  fullAtPercent: z.number().min(1).max(100).optional(),
});

export type DiskUsageStep = z.output<typeof schema> & ResolvedCommon;

export async function runDiskUsageStep(step: DiskUsageStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const { checkedPath: where, freeBytes: free, totalBytes: total, usedPercent, freeText, totalText } = await volumeUsage(step.path);
  const threshold = step.fullAtPercent ?? ctx.diskFullPercent;
  const full = usedPercent >= threshold;
  return {
    status: full ? 'full' : 'ok',
    summary: `${freeText} free of ${totalText} (${usedPercent}% used${full ? `, at or over the ${threshold}% limit` : ''}) on the volume holding ${where}`,
    durationMs: elapsedSince(started),
    outputs: { freeBytes: free, totalBytes: total, usedPercent, checkedPath: where },
  };
}

export const diskUsageStepKind = defineStepKind({
  kind: 'disk-usage',
  schema,
  statuses: ['ok', 'full'],
  outputs: ['freeBytes', 'totalBytes', 'usedPercent', 'checkedPath'],
  defaultTimeoutMs: 10_000,
  templates: (step) => [{ at: ['path'], template: step.path, as: 'text' }],
  resolve: (step, tools) => ({ ...step, path: tools.inRoot(step.path) }),
  describe: (step, { rel }) => `free space of the volume holding ${rel(step.path)}`,
  run: runDiskUsageStep,
});
