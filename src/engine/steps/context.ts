// What every step runner is given: where things are, how to run a command, and how to report progress.
import type { CommandRunner } from '../../process/run-command.js';
import type { DagsterClient } from '../../dagster/graphql-client.js';
import type { Redactor } from '../../redact.js';

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
  runCommand: CommandRunner;
  redact: Redactor;
  clock: () => Date;
  signal?: AbortSignal;
  progress: (text: string) => void;
  /** A command started: its PID is recorded, so a bot restarted mid-run can find and stop what it left running. */
  processStarted?: (pid: number, argv: readonly string[]) => void;
  /** The Dagster webserver and thresholds (scenario 4); absent: defaults, the CLI only. */
  dagster?: DagsterRunTools;
}


export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
