// What every step runner is given: where things are, how to run a command, and how to report progress.
import type { CommandRunner } from '../../process/run-command.js';
import type { DetachedStarter } from '../../process/start-detached.js';
import { z } from 'zod';
import { localTarget } from '../../database/local-target.js';
import type { DatabaseTarget } from '../../database/target.js';
import type { DatabaseTargets } from '../../database/targets.js';
import type { Redactor } from '../../redact.js';
import type { DagsterClient } from '../../dagster/graphql-client.js';
import type { StepResult } from '../types.js';

/** Which database a SQL step talks to: the one DATABOX_BACKEND names, the local DuckDB file, or MotherDuck. */
export const targetChoice = z.enum(['backend', 'local', 'motherduck']).default('backend');
export type TargetChoice = z.output<typeof targetChoice>;

/** The target a step talks to; without configured targets (a bare context), the local file is every target. */
export function targetOf(ctx: Pick<StepRunContext, 'targets' | 'databasePath'>, choice: TargetChoice = 'backend'): DatabaseTarget {
  if (!ctx.targets) return localTarget(ctx.databasePath);
  return choice === 'backend' ? ctx.targets.backend : ctx.targets[choice];
}


/** What the Dagster step kinds need from the configuration. */
export interface DagsterRunTools {
  /** Undefined when DAGSTER_URL is not set: the CLI answers alone. */
  client?: DagsterClient;
  heartbeatMaxAgeMs: number;
}

export const defaultDagsterRunTools: DagsterRunTools = { heartbeatMaxAgeMs: 3 * 60_000 };

export interface StepRunContext {
  root: string;
  databasePath: string;
  stateDir: string;
  incidentId: string;
  runId: string;
  diskFullPercent: number;
  /** DATABOX_DISK_ALERT_PERCENT, where the disk watcher alerts: a disk-usage step with nearlyFull says "nearly-full" from it. */
  diskAlertPercent?: number;
  /** How long a DuckDB file's open, and each view's bind, is given to answer; by default as long as any read of the storage (answer-within.ts; tests shorten it). */
  storageAnswerMs?: number;
  runCommand: CommandRunner;
  /** Starts a daemon a step leaves running: from the bot's command host; absent, from this process (startDetached). */
  startDetached?: DetachedStarter;
  redact: Redactor;
  clock: () => Date;
  signal?: AbortSignal;
  progress: (text: string) => void;
  /** Where a step's whole output is kept (a run's steps; guards checked before a plan keep none). */
  outputFile?: (stepId: string) => string;
  /** A command started: its PID is recorded, so a bot restarted mid-run can find and stop what it left running. */
  processStarted?: (pid: number, argv: readonly string[]) => void;
  /**
   * A file is about to be moved or copied (from → the exact target): recorded durably first, or it throws and nothing
   * is done. A restart that finds the intent without the step's result settles the step by looking at the disk.
   */
  intent?: (intent: StepIntent) => void;
  /** The Dagster webserver and thresholds (scenario 4); absent: defaults, the CLI only. */
  dagster?: DagsterRunTools;
  /** The databases SQL steps talk to, by name (the service always sets them). */
  targets?: DatabaseTargets;
  /** The results of the run's steps before this one, by step id: a diagnosis step reads an earlier one's (tellApartFrom). */
  earlier?: ReadonlyMap<string, StepResult>;
}


/** What a file step is about to do, journaled before it does it. */
export interface StepIntent {
  action: 'move' | 'copy';
  from: string;
  to: string;
}

export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
