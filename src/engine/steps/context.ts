// What every step runner is given: where things are, how to run a command, and how to report progress.
import type { CommandRunner } from '../../process/run-command.js';
import type { Redactor } from '../../redact.js';

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
}


export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
