// The disk-usage step kind: free space on the volume holding a path (fs.statfs), the runbook's `df -h data/`, and
// whether its folder can be written at all.
import { z } from 'zod';
import fs from 'node:fs';
import path from 'node:path';
import { folderWriteProblem } from '../../duckdb/write-access.js';
import { formatBytes, freeOfTotal, volumeUsage } from '../../disk/volume-usage.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('disk-usage'),
  path: template,
  /** Use% at or above which the volume counts as full; defaults to DATABOX_DISK_FULL_PERCENT. */
  fullAtPercent: z
    .number()
    .min(1, 'is a percent from 1 to 100 (90 for 90%), not a fraction')
    .max(100, 'is a percent from 1 to 100 (90 for 90%)')
    .optional(),
  /**
   * Another path whose volume counts too (the bot's state dir), named beside it: "also-full" when that volume is full and
   * the one holding `path` is not, a finding of its own (the bot cannot write there) rather than the database's disk full.
   */
  alsoPath: template.optional(),
  /**
   * Also "nearly-full" from DATABOX_DISK_ALERT_PERCENT, where the disk watcher alerts: a diagnosis opened from that alert
   * must not call the disk healthy.
   */
  nearlyFull: z.boolean().default(false),
  /**
   * A file a plan is about to copy onto the volume (path B's backup): "no-room" when the volume's free space is less than
   * its size, so the plan stops before it moves anything rather than at a copy cut short by a full disk.
   */
  roomFor: template.optional(),
  /** What the plan writes there: a copy of `roomFor` (path B's backup), or a rebuild about as large as it (path A's). */
  roomAs: z.enum(['copy', 'rebuild']).optional(),
  /**
   * Also check that this process can create and move files in the folder holding `path` (a diagnosis: every recovery
   * moves the database aside there): one that cannot (a file system remounted read-only, a folder's mode) ends "read-only".
   */
  checkFolder: z.boolean().default(false),
});

export type DiskUsageStep = z.output<typeof schema> & ResolvedCommon;

export async function runDiskUsageStep(step: DiskUsageStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const usage = await volumeUsage(step.path);
  const { checkedPath: where, freeBytes: free, totalBytes: total, usedPercent } = usage;
  const threshold = step.fullAtPercent ?? ctx.diskFullPercent;
  const also = step.alsoPath ? await volumeUsage(step.alsoPath) : undefined;
  // The other path on the same volume adds nothing; on another, it is named, and its fullness said apart from path's.
  const other = also && also.device !== usage.device ? also : undefined;
  const fullest = Math.max(usedPercent, other?.usedPercent ?? 0);
  const full = usedPercent >= threshold;
  const alsoFull = !full && other !== undefined && other.usedPercent >= threshold;
  const nearly = step.nearlyFull && ctx.diskAlertPercent !== undefined && fullest >= ctx.diskAlertPercent;
  const otherText = other ? `; ${freeOfTotal(other)} (${other.usedPercent}% used${other.usedPercent >= threshold ? `, at or over the ${threshold}% limit` : ''}) on the volume holding ${other.checkedPath}` : '';
  const nearlyText = !full && !alsoFull && nearly ? `; at or over DATABOX_DISK_ALERT_PERCENT (${ctx.diskAlertPercent}%), where the disk alert is raised` : '';
  const rebuild = step.roomAs === 'rebuild';
  const measured = step.roomFor ? sizeOf(step.roomFor) : undefined;
  // A rebuild over no file at all still writes a database: its size unknown, the room to work is asked for alone.
  const needs = measured ?? (step.roomFor && rebuild ? 0 : undefined);
  // Beside the copy, what runs next needs room to work: SQLMesh writes the restored file and its log.
  const margin = needs === undefined ? 0 : Math.max(256 * 2 ** 20, Math.ceil(needs / 10));
  const noRoom = needs !== undefined && needs + margin > free;
  // Said with the figure: a bare "256 MiB more" reads as a mistake on a small file.
  const workRoom = "room for SQLMesh's writes and DuckDB's write-ahead log and temporary files while the stack works on the file, a tenth of its size and at least 256 MiB, which no setting changes";
  const what = rebuild && measured === undefined ? `a rebuild (its size unknown: ${step.roomFor} is not there)` : `${roomWords(step)} ${step.roomFor}`;
  // Nothing can be written there at all: said first, whatever the free space. Through a link, the target's folder,
  // where DuckDB writes (a recovery refuses to move a link anyway).
  const cannotWrite = step.checkFolder ? folderWriteProblem(path.dirname(fs.existsSync(step.path) ? fs.realpathSync(step.path) : step.path)) : undefined;
  if (cannotWrite) {
    return {
      status: 'read-only',
      summary: `${cannotWrite}; ${freeOfTotal(usage)} (${usedPercent}% used) on the volume holding ${where}`,
      durationMs: elapsedSince(started),
      outputs: { freeBytes: free, totalBytes: total, usedPercent, checkedPath: where, cannotWrite },
    };
  }
  return {
    status: noRoom ? 'no-room' : full ? 'full' : alsoFull ? 'also-full' : nearly ? 'nearly-full' : 'ok',
    summary:
      `${freeOfTotal(usage)} (${usedPercent}% used${usedPercent >= threshold ? `, at or over the ${threshold}% limit` : ''}) on the volume holding ${where}${otherText}${nearlyText}` +
      (noRoom
        ? `, but ${what} needs ${measured === undefined ? `at least ${formatBytes(margin)} to work in` : `${formatBytes(needs)} and ${formatBytes(margin)} more to work beside it (${workRoom})`}: make room there first (nothing a plan moves aside frees any)`
        : needs !== undefined
          ? `, room for ${what} (${measured === undefined ? `at least ${formatBytes(margin)} to work in` : `${formatBytes(needs)}, and ${formatBytes(margin)} more to work beside it: ${workRoom}`})`
          : ''),
    durationMs: elapsedSince(started),
    outputs: { freeBytes: free, totalBytes: total, usedPercent, checkedPath: where },
  };
}

/** What the room is for, as the plan and the summary say it. */
function roomWords(step: Pick<DiskUsageStep, 'roomAs'>): string {
  return step.roomAs === 'rebuild' ? 'a rebuild as large as' : 'a copy of';
}

/**
 * The size of the file a copy would write, or about what a rebuild writes, or undefined when it cannot be read (the steps that
 * read it say why). Its length, not its blocks: a database is not sparse, so a file that is (a test's) is asked for whole.
 */
function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

export const diskUsageStepKind = defineStepKind({
  kind: 'disk-usage',
  schema,
  // "no-room" only where a step names a file to make room for: a verdict on it elsewhere is refused at load.
  statuses: (step) => ['ok', 'full', ...(step.alsoPath ? ['also-full'] : []), ...(step.nearlyFull ? ['nearly-full'] : []), ...(step.roomFor ? ['no-room'] : []), ...(step.checkFolder ? ['read-only'] : [])],
  outputs: { freeBytes: 'text', totalBytes: 'text', usedPercent: 'text', checkedPath: 'text', cannotWrite: { shape: 'text', onlyWhen: ['read-only'] } },
  defaultTimeoutMs: 10_000,
  rules: (step) => (step.roomAs && !step.roomFor ? [{ at: ['roomAs'], message: 'roomAs says what roomFor makes room for: set roomFor too' }] : []),
  templates: (step) => [
    { at: ['path'], template: step.path, as: 'text' },
    ...(step.alsoPath ? [{ at: ['alsoPath'], template: step.alsoPath, as: 'text' as const }] : []),
    ...(step.roomFor ? [{ at: ['roomFor'], template: step.roomFor, as: 'text' as const }] : []),
  ],
  resolve: (step, tools) => ({ ...step, path: tools.inRoot(step.path), alsoPath: step.alsoPath && tools.inRoot(step.alsoPath), roomFor: step.roomFor && tools.inRoot(step.roomFor) }),
  // Paths quoted as the plan's mv and cp quote them, so one with a space reads as one path in every step.
  describe: (step, { rel, showArg }) =>
    `free space of the volume holding ${showArg(rel(step.path))}${step.alsoPath ? ` and of the one holding ${showArg(rel(step.alsoPath))}` : ''}${step.roomFor ? `, and room there for ${roomWords(step)} ${showArg(rel(step.roomFor))}` : ''}${step.checkFolder ? `, and whether this process can create and move files in ${showArg(rel(path.dirname(step.path)))}` : ''}`,
  run: runDiskUsageStep,
});
