// Starts or stops schedules through the CLI, one `dagster schedule start|stop <name>` per schedule, read the same way for both.
import type { CommandRunner } from '../process/run-command.js';

export type ScheduleCliVerb = 'start' | 'stop';

/** `dagster schedule start|stop <name> -f <file>`: the CLI takes one schedule per call (`_cli/schedule.py`, extract_schedule_name). */
export function scheduleCliArgv(verb: ScheduleCliVerb, name: string, definitionsFile: string): string[] {
  return ['uv', 'run', 'dagster', 'schedule', verb, name, '-f', definitionsFile];
}

export interface ScheduleCliOutcome {
  name: string;
  /**
   * done: started or stopped; already: Dagster said it already runs (a start); unknown: cut short (a timeout, a kill)
   * after the call went out, so it may have been done; not-tried: the run stopped or the step's time ran out first.
   */
  outcome: 'done' | 'already' | 'failed' | 'unknown' | 'not-tried';
  detail: string;
}

export interface ScheduleCliRequest {
  verb: ScheduleCliVerb;
  names: readonly string[];
  definitionsFile: string;
  cwd: string;
  runCommand: CommandRunner;
  /** For all the calls together: each is given what is left of it. */
  timeoutMs: number;
  signal?: AbortSignal;
  onStart?: (pid: number, argv: readonly string[]) => void;
  redact?: (text: string) => string;
}

/** Dagster's own words when a schedule is started twice (DagsterInvariantViolationError in instance.start_schedule). */
export const alreadyRunning = /already running/i;

const pastTense: Record<ScheduleCliVerb, string> = { start: 'started', stop: 'stopped' };

export async function scheduleCliCalls(request: ScheduleCliRequest): Promise<ScheduleCliOutcome[]> {
  const deadline = Date.now() + request.timeoutMs;
  const outcomes: ScheduleCliOutcome[] = [];
  const done = pastTense[request.verb];
  for (const name of request.names) {
    const left = deadline - Date.now();
    if (request.signal?.aborted || left <= 0) {
      outcomes.push({ name, outcome: 'not-tried', detail: request.signal?.aborted ? `not ${done}: the run was stopped` : `not ${done}: the step ran out of time` });
      continue;
    }
    const argv = scheduleCliArgv(request.verb, name, request.definitionsFile);
    const result = await request.runCommand({ argv, cwd: request.cwd, timeoutMs: left, signal: request.signal, redact: request.redact, onStart: (pid) => request.onStart?.(pid, argv) });
    const said = result.output.trim().split('\n').at(-1)?.trim() ?? '';
    if (result.exitCode === 0 && !/^Noop/i.test(said)) outcomes.push({ name, outcome: 'done', detail: said || 'exit code 0' });
    else if (request.verb === 'start' && alreadyRunning.test(result.output)) outcomes.push({ name, outcome: 'already', detail: said });
    // Cut short once it was running: Dagster may have written the schedule's new state before the CLI was stopped.
    else if (!result.spawnError && (result.timedOut || result.signal !== undefined)) {
      const why = result.timedOut ? 'timed out' : `was killed by ${result.signal}`;
      outcomes.push({ name, outcome: 'unknown', detail: `${argv.join(' ')} ${why}: whether it ${done} is not known (it may have); look at its status in the Dagster UI (Overview → Schedules), or diagnose again` });
    } else {
      const why = result.spawnError ?? `exit code ${result.exitCode}`;
      outcomes.push({ name, outcome: 'failed', detail: `${argv.join(' ')}: ${why}${said ? `: ${said}` : ''}` });
    }
  }
  return outcomes;
}
