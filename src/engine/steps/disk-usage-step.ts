// The disk-usage step kind: free space on the volume holding a path (fs.statfs), the runbook's `df -h data/`.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
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

/** The path itself, or its nearest existing parent: a missing database file still lives on some volume. */
function existingAncestor(target: string): string {
  let current = target;
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export async function runDiskUsageStep(step: DiskUsageStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const where = existingAncestor(step.path);
  const stats = await fs.promises.statfs(where);
  const total = stats.blocks * stats.bsize;
  const free = stats.bavail * stats.bsize;
  const usedPercent = total > 0 ? Math.round(((total - stats.bfree * stats.bsize) / total) * 1000) / 10 : 0;
  const threshold = step.fullAtPercent ?? ctx.diskFullPercent;
  const full = usedPercent >= threshold;
  return {
    status: full ? 'full' : 'ok',
    summary: `${formatBytes(free)} free of ${formatBytes(total)} (${usedPercent}% used${full ? `, at or over the ${threshold}% limit` : ''}) on the volume holding ${where}`,
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
