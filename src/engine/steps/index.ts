// Dispatches a resolved step to the runner of its kind.
import type { ResolvedStep, StepResult } from '../types.js';
import { runCommandStep } from './command-step.js';
import type { StepRunContext } from './context.js';
import { runDiskUsageStep } from './disk-usage-step.js';
import { runDuckdbOpenStep, runDuckdbScanStep } from './duckdb-steps.js';
import { runCopyFileStep, runMoveStep } from './file-steps.js';
import { runDayCountsStep } from './day-counts-step.js';
import { runExportRowsStep, runRestoreRowsStep } from './row-steps.js';
import { runSqlStep } from './sql-step.js';

export function runStep(step: ResolvedStep, ctx: StepRunContext): Promise<StepResult> {
  switch (step.kind) {
    case 'command':
      return runCommandStep(step, ctx);
    case 'sql':
      return runSqlStep(step, ctx);
    case 'duckdb-open':
      return runDuckdbOpenStep(step);
    case 'duckdb-scan':
      return runDuckdbScanStep(step, ctx);
    case 'disk-usage':
      return runDiskUsageStep(step, ctx);
    case 'move':
      return runMoveStep(step, ctx);
    case 'copy-file':
      return runCopyFileStep(step);
    case 'export-rows':
      return runExportRowsStep(step, ctx);
    case 'restore-rows':
      return runRestoreRowsStep(step, ctx);
    case 'day-counts':
      return runDayCountsStep(step, ctx);
  }
}

export type { StepRunContext };
