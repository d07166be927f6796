// The engine's vocabulary: resolved steps (every template filled in), their results, and runs of steps.
import type { Condition } from '../runbook/step-common.js';
import type { SpooledOutput } from '../process/output-spool.js';
import type { FileSeen } from '../disk/file-identity.js';
import type { ResolvedCommon, StepKindDefinition } from './steps/define-step-kind.js';
import type { stepKinds } from './steps/index.js';

type ResolvedOf<D> = D extends StepKindDefinition<string, infer _S, infer R> ? R & ResolvedCommon : never;

/** A runbook step with every template filled in: the exact argv, paths and SQL that will run. */
export type ResolvedStep = ResolvedOf<(typeof stepKinds)[number]>;

export type RunKind = 'diagnosis' | 'recovery' | 'validation' | 'rollback' | 'inspection';

export interface StepResult {
  /** "ok", "failed", "skipped", or a kind-specific status such as "locked" or "damaged". */
  status: string;
  /** One line for the thread: what was found or done. */
  summary: string;
  /** Output (redacted) for commands, its head and tail when long; longer evidence for built-ins. */
  output?: string;
  /**
   * What of a long built-in output the run's message shows, when cutting its middle would hide what matters (a per-day
   * table's bad days): the step's own shorter view. The whole output still goes to its file, the journal's digest and
   * the postmortem.
   */
  shown?: string;
  /** A command's whole output, streamed to a file in the state dir as it arrived (redacted). */
  spool?: SpooledOutput;
  exitCode?: number | null;
  durationMs: number;
  /** Values later steps and rollbacks can refer to, such as where a file was moved. */
  outputs: Record<string, unknown>;
  /**
   * Set on a changing step known to have changed nothing (a move whose file is still where it was, no schedule started,
   * rows kept only in a file): a run that stopped there is not said to have changed anything, and a rollback bound to it
   * (onlyIfRan) is not offered, even when it completed (each schedule already RUNNING).
   */
  untouched?: true;
  /**
   * The files a diagnosis step looked at, by path, as it found them (a database and its write-ahead log): a plan made on
   * what it found moves those files, or none.
   */
  seen?: Record<string, FileSeen>;
  /**
   * Set by the engine on a changing step that did not pass: the files it writes (its kind's writesFiles) that were not
   * there before it and are after it, so the postmortem keeps naming what it left (outputs are set on success).
   */
  wrote?: string[];
}

export interface StepRecord extends Omit<StepResult, 'output'> {
  stepId: string;
  /** Set for a step its bot died in: durationMs runs from its start to the restart that found it, an upper bound. */
  durationAtMost?: boolean;
  outputDigest?: string;
  outputBytes?: number;
  excerpt?: string;
  logFile?: string;
}

export type { Condition };
