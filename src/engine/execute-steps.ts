// Runs resolved steps in order, skipping those whose condition fails and stopping at the first failure when asked.
import { holds } from './conditions.js';
import { runStep, type StepRunContext } from './steps/index.js';
import type { ResolvedStep, StepResult } from './types.js';

export interface StepObserver {
  stepStarted(step: ResolvedStep, index: number): Promise<void>;
  stepProgress(step: ResolvedStep, text: string): void;
  stepFinished(step: ResolvedStep, result: StepResult, index: number): Promise<void>;
}

export interface ExecuteOptions {
  /** Recovery and rollback stop at the first failure; diagnosis and validation run every step to gather all the evidence. */
  stopOnFailure: boolean;
}

/** Commands kill themselves on time; this stops the run waiting on anything else (a hung NFS statfs, a slow copy). */
const deadlineGraceMs = 10_000;

async function withDeadline(step: ResolvedStep, running: Promise<StepResult>): Promise<StepResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StepResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'timeout', summary: `no answer after ${Math.round(step.timeoutMs / 1000)}s (timeout); the run stops here`, durationMs: step.timeoutMs, outputs: {} }),
      step.timeoutMs + deadlineGraceMs,
    );
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function isAccepted(step: ResolvedStep, status: string): boolean {
  return status === 'ok' || status === 'skipped' || step.acceptStatuses.includes(status);
}

export async function executeSteps(
  steps: readonly ResolvedStep[],
  ctx: Omit<StepRunContext, 'progress'>,
  observer: StepObserver,
  options: ExecuteOptions,
): Promise<{ ok: boolean; statuses: Map<string, string> }> {
  const statuses = new Map<string, string>();
  let ok = true;
  for (const [index, step] of steps.entries()) {
    await observer.stepStarted(step, index);
    let result: StepResult;
    if (ctx.signal?.aborted) {
      result = { status: 'failed', summary: 'not started: the bot is shutting down', durationMs: 0, outputs: {} };
    } else if (step.onlyIf && !holds(step.onlyIf, statuses)) {
      result = { status: 'skipped', summary: 'skipped: its condition on earlier steps does not hold', durationMs: 0, outputs: {} };
    } else {
      try {
        result = await withDeadline(step, runStep(step, { ...ctx, progress: (text) => observer.stepProgress(step, text) }));
      } catch (error) {
        result = { status: 'failed', summary: `internal error: ${(error as Error).message}`, durationMs: 0, outputs: {} };
      }
    }
    statuses.set(step.id, result.status);
    await observer.stepFinished(step, result, index);
    if (!isAccepted(step, result.status)) {
      ok = false;
      if (options.stopOnFailure) break;
    }
  }
  return { ok, statuses };
}
