// Picking up after a restart: runs left running by a bot that is gone are interrupted on the record, what they left
// running is stopped, and approved plans that never started are not started behind anyone's back.
import type { Journal } from '../journal/journal.js';
import { describeIdentity, liveness, type ProcessIdentity } from '../process/identity.js';
import path from 'node:path';
import { outputLeftBehind, stepOutputFile } from './output-file.js';
import { settleInterruptedStep, stoppedLeftoversWords, type StoppedLeftovers } from './settle-interrupted-step.js';
import { AlreadyDecided, botActor, notStarted, reasonData, type IncidentState, type Run } from './state.js';
import type { Said } from '../said.js';
import { commandValue } from '../commands/quote-value.js';
import { terminalValidationUnfinishedWords } from './interrupted-validation.js';

/**
 * Runs after a restart: a run the journal shows as running in a process that no longer exists was interrupted,
 * and an approved plan that never started is not started behind anyone's back.
 */
export function pickUpAfterRestart(journal: Journal, state: IncidentState, actor = botActor, now = new Date()): Run[] {
  journal.catchUp();
  const stale: Run[] = [];
  for (const run of state.runs.values()) {
    const orphaned = run.status === 'running' && runnerGone(run);
    if (orphaned || run.status === 'approved') {
      const stopped: StoppedLeftovers = { by: 'the restart', commands: orphaned ? stopLeftovers(run.processes ?? []) : [] };
      if (orphaned) recordSettledStep(journal, run, actor, now, stopped);
      // On a journal that failed verification the run may have gone further than its verified lines show: said, not guessed.
      const unsure = journal.problem ? `; the journal failed verification at line ${journal.problem.line}, so what it did after that is not known: check by hand` : '';
      const leftovers = stopped.commands.length > 0 ? `; ${stoppedLeftoversWords(stopped, now.toISOString().slice(11, 19))}` : '';
      const terminalValidation = orphaned && run.kind === 'validation' && run.runBy !== botActor;
      const reason =
        run.status === 'approved'
          ? 'approved but not started before a restart'
          : terminalValidation
            ? `${terminalValidationUnfinishedWords(validateCommand(state, run))}${leftovers}${unsure}`
            : `the bot running it stopped${leftovers}${unsure}`;
      // The bot's validation found unfinished is run again by the bot that found it (interrupted-validation.ts): marked for that.
      const validationCutShort = orphaned && run.kind === 'validation' && run.runBy === botActor ? { interruptedBy: 'restart' } : {};
      journal.append({ type: 'run.finished', incident: run.incidentId, actor, data: { runId: run.id, status: 'interrupted', reason, ...validationCutShort } });
      stale.push(state.runs.get(run.id) as Run);
    }
  }
  return stale;
}

/** The command that validates again as `run` did: its incident's scenario, its parameters, its incident. */
function validateCommand(state: IncidentState, run: Run): string {
  const scenario = state.incidents.get(run.incidentId)?.scenario ?? '<scenario>';
  const params = Object.entries(run.params).map(([name, value]) => ` ${name}=${commandValue(value)}`).join('');
  return `validate ${scenario}${params} incident=${run.incidentId}`;
}

/**
 * Journals the result of the step an interrupted run was in, as found on disk (see settle-interrupted-step.ts), and
 * what of it was found still running and stopped (`stopped`).
 */
export function recordSettledStep(journal: Journal, run: Run, actor = botActor, now = new Date(), stopped?: StoppedLeftovers): void {
  journal.recheck();
  const settled = settleInterruptedStep(run, now, journal.problem, stopped);
  // What it printed before its bot died is kept (streamed to its file as it came): pointed to, with its last lines.
  const result = settled && { ...settled, ...outputLeftBehind(stepOutputFile(path.dirname(journal.file), run, settled.stepId), run.inFlight?.startedAt) };
  if (result) journal.append({ type: 'step.finished', incident: run.incidentId, actor, data: { runId: run.id, result, settledAfterRestart: true } });
}

/**
 * Ends a run that will not start (the queue was full, the bot is stopping, a check failed) as interrupted: an approved
 * plan, or a read-only run of this process's that never began.
 */
export function interruptIfNotStarted(journal: Journal, state: IncidentState, runId: string, reason: Said, actor = botActor): void {
  try {
    journal.append(() => {
      const run = state.runs.get(runId);
      if (!run || !notStarted(run)) throw new AlreadyDecided();
      return { type: 'run.finished', incident: run.incidentId, actor, data: { runId, status: 'interrupted', ...reasonData(reason) } };
    });
  } catch (error) {
    if (!(error instanceof AlreadyDecided)) throw error;
  }
}

/**
 * Whether the process that ran a run is gone: its PID is free or now another process's (another start time), or it ran
 * in an earlier boot. A run from another host (another container sharing the state dir) is not ours to judge: it stays
 * running until `unlock`. Our own PID without a start time is a predecessor's (in a container the bot is PID 1 after
 * every restart).
 */
export function runnerGone(run: Run): boolean {
  if (!run.pid) return true;
  const runner: ProcessIdentity = run.runner ?? { pid: run.pid };
  if (runner.pid === process.pid && runner.start === undefined) return true;
  return liveness(runner) === 'dead';
}

/**
 * Stops commands an interrupted run left running (each the leader of its own process group), but only a process proven
 * to be the same one: same PID and same start time, on this host and boot. A PID now used by something else, or one
 * recorded without a start time (by an older version), is left alone.
 */
export function stopLeftovers(processes: readonly (ProcessIdentity & { argv: string[] })[]): string[] {
  const stopped: string[] = [];
  for (const recorded of processes) {
    const { pid, argv } = recorded;
    if (pid === process.pid || recorded.start === undefined || liveness(recorded) !== 'alive') continue;
    try {
      process.kill(-pid, 'SIGTERM');
      setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5_000).unref();
      stopped.push(`${argv.join(' ')} (${describeIdentity(recorded)})`);
    } catch {
      // Already gone.
    }
  }
  return stopped;
}
