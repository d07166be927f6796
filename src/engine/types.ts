// The engine's vocabulary: resolved steps (every template filled in), their results, and runs of steps.
import type { Condition, Step } from '../runbook/schema.js';

type Resolved<S> = S extends { kind: 'command' }
  ? Omit<S, 'argv'> & { argv: string[] }
  : S extends { kind: 'day-counts' }
    ? S & { /** The counts per day of the diagnosis step named by compareWith, shown beside the new ones. */ before?: Record<string, number> }
    : S;

/** A runbook step with every template filled in: the exact argv, paths and SQL that will run. */
export type ResolvedStep = Resolved<Step> & {
  timeoutMs: number;
  /** True for a path's read-only guard checks, which run first. */
  guard: boolean;
};

export type RunKind = 'diagnosis' | 'recovery' | 'validation' | 'rollback' | 'inspection';

export interface StepResult {
  /** "ok", "failed", "skipped", or a kind-specific status such as "locked" or "damaged". */
  status: string;
  /** One line for the thread: what was found or done. */
  summary: string;
  /** Full output (redacted) for commands; longer evidence for built-ins. */
  output?: string;
  exitCode?: number | null;
  durationMs: number;
  /** Values later steps and rollbacks can refer to, such as where a file was moved. */
  outputs: Record<string, unknown>;
}

export interface StepRecord extends Omit<StepResult, 'output'> {
  stepId: string;
  outputDigest?: string;
  outputBytes?: number;
  excerpt?: string;
  logFile?: string;
}

export type { Condition };
