// Runs resolved steps in order, skipping those whose condition fails and stopping at the first failure when asked.
import { parseDuration } from '../config.js';
import { holds } from './conditions.js';
import { skippedOnCondition } from './skipped-why.js';
import { waitUntil } from './wait-until.js';
import { notStartedStatus, stepPassed } from './step-passed.js';
import { stopReason } from './stop-reason.js';
import type { StepRunContext } from './steps/context.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep, StepResult } from './types.js';
import { formatDuration } from '../format-duration.js';
import { filesLeft, filesNotThereYet } from './files-left.js';

/**
 * Statuses the engine itself gives any step, whatever its kind: a condition that did not hold, a crash, a deadline, a
 * stop (Ctrl-C, the bot stopping) that cut it short or a restart that found it cut short.
 */
export const engineStatuses = ['skipped', 'failed', 'timeout', 'interrupted'] as const;
/**
 * Besides those, a step a stop came before is recorded as not started: never a status a runbook names, since a run cut
 * short draws no verdict and offers no follow-up, and nothing of it is rolled back.
 */
type EngineStatus = (typeof engineStatuses)[number] | typeof notStartedStatus;
const engineResult = (status: EngineStatus, summary: string, durationMs = 0): StepResult => ({ status, summary, durationMs, outputs: {} });

export interface StepObserver {
  stepStarted(step: ResolvedStep, index: number): Promise<void>;
  stepProgress(step: ResolvedStep, text: string): void;
  stepFinished(step: ResolvedStep, result: StepResult, index: number): Promise<void>;
}

export interface ExecuteOptions {
  /** Recovery and rollback stop at the first failure; diagnosis and validation run every step to gather all the evidence. */
  stopOnFailure: boolean;
  /**
   * Why the plan may no longer go on changing anything (what its diagnosis found held until a time now past): asked
   * right before each changing step (a daemon's start can wait past a schedule's tick before the schedules start),
   * which then fails untouched, so the rest is not run either. `first`: no changing step has run yet.
   */
  lapsedBeforeChanges?: (first: boolean) => string | undefined;
}

/** Commands kill themselves on time; this stops the run waiting on anything else (a hung NFS statfs, a slow copy). */
const deadlineGraceMs = 10_000;

async function withDeadline(step: ResolvedStep, running: Promise<StepResult>): Promise<StepResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StepResult>((resolve) => {
    timer = setTimeout(
      () => resolve(engineResult('timeout', `no answer after ${formatDuration(step.timeoutMs)} (timeout); the run stops here`, step.timeoutMs)),
      step.timeoutMs + deadlineGraceMs,
    );
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The engine's "wait until": the step again and again until a wanted status or its deadline; progress per check. */
async function repeatUntil(step: ResolvedStep, once: () => Promise<StepResult>, progress: (text: string) => void, signal?: AbortSignal): Promise<StepResult> {
  const wait = step.waitUntil as NonNullable<ResolvedStep['waitUntil']>;
  const started = performance.now();
  const waited = await waitUntil({
    check: once,
    until: wait.status,
    deadlineMs: parseDuration(wait.deadline) as number,
    everyMs: parseDuration(wait.every) as number,
    progress,
    signal,
  });
  // Stopped while it waited: its last check's status is not how it ended.
  const status = waited.status === 'cancelled' ? 'interrupted' : waited.last.status;
  return { ...waited.last, status, summary: waited.summary, durationMs: Math.round(performance.now() - started) };
}

/**
 * What the changing steps of the plan would clash with now (inTheWayNow), each said with its step; undefined when
 * nothing. Read once, right before the first of them runs: a stop there leaves everything as it was.
 */
async function inTheWayOfChanges(steps: readonly ResolvedStep[], ctx: Omit<StepRunContext, 'progress'>): Promise<string | undefined> {
  const found: string[] = [];
  for (const step of steps.filter((s) => s.mutates)) {
    const said = await stepKind(step.kind).inTheWayNow?.(step, { ...ctx, progress: () => {} });
    if (said) found.push(`the step "${step.title}" would clash: ${said}`);
  }
  return found.length > 0 ? found.join('; ') : undefined;
}

export async function executeSteps(
  steps: readonly ResolvedStep[],
  ctx: Omit<StepRunContext, 'progress'>,
  observer: StepObserver,
  options: ExecuteOptions,
): Promise<{ ok: boolean; statuses: Map<string, string>; cutShort: boolean }> {
  const statuses = new Map<string, string>();
  const earlier = new Map<string, StepResult>();
  let ok = true;
  // A step not started, or still running, when the stop came: the run did not do all it was to do.
  let cutShort = false;
  // What the changing steps would clash with is read once, right before the first of them runs.
  let changesChecked = false;
  for (const [index, step] of steps.entries()) {
    await observer.stepStarted(step, index);
    const notThereYet = step.mutates ? filesNotThereYet(step) : [];
    let result: StepResult;
    if (ctx.signal?.aborted) {
      cutShort = true;
      // Recorded, so the run shows every step, as not started: it neither failed nor found anything.
      result = engineResult('not-started', `not started: ${stopReason(ctx.signal)}`);
    } else if (step.onlyIf && !holds(step.onlyIf, statuses)) {
      result = engineResult('skipped', skippedOnCondition(step.onlyIf, steps.map((s) => s.id), statuses));
    } else {
      try {
        const first = step.mutates === true && !changesChecked;
        const lapsed = step.mutates ? options.lapsedBeforeChanges?.(first) : undefined;
        const inTheWay = lapsed ?? (first ? await inTheWayOfChanges(steps.slice(index), { ...ctx, earlier }) : undefined);
        if (step.mutates) changesChecked = true;
        const progress = (text: string) => observer.stepProgress(step, text);
        const once = () => withDeadline(step, stepKind(step.kind).run(step, { ...ctx, progress, earlier }));
        if (inTheWay) result = { ...engineResult('failed', `not started${first ? ', nothing was changed' : ''}: ${inTheWay}`), untouched: true };
        else result = step.waitUntil ? await repeatUntil(step, once, progress, ctx.signal) : await once();
      } catch (error) {
        result = engineResult('failed', `internal error: ${(error as Error).message}`);
      }
      if (ctx.signal?.aborted) cutShort = true;
    }
    if (notThereYet.length > 0 && !stepPassed(step, result.status)) {
      const left = filesLeft(notThereYet);
      if (left.length > 0) result = { ...result, wrote: left };
    }
    statuses.set(step.id, result.status);
    earlier.set(step.id, result);
    await observer.stepFinished(step, result, index);
    if (!stepPassed(step, result.status)) {
      ok = false;
      if (options.stopOnFailure) break;
    }
  }
  return { ok, statuses, cutShort };
}
