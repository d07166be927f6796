// Dispatches a resolved step to the runner of its kind.
import type { ResolvedStep, StepResult } from '../types.js';
import { runCommandStep } from './command-step.js';
import type { StepRunContext } from './context.js';
import { runDiskUsageStep } from './disk-usage-step.js';
import { runDuckdbOpenStep, runDuckdbScanStep } from './duckdb-steps.js';
import { runCopyFileStep, runMoveStep } from './file-steps.js';
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
  }
}

export type { StepRunContext };
