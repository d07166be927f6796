// Picking up after a restart: runs left running by a bot that is gone are interrupted on the record, what they left
// running is stopped, and approved plans that never started are not started behind anyone's back.
import fs from 'node:fs';
import path from 'node:path';
import type { Journal } from '../journal/journal.js';
import { processAlive } from '../process/alive.js';
import { AlreadyDecided, botActor, type IncidentState, type Run } from './state.js';

/**
 * Runs after a restart: a run the journal shows as running in a process that no longer exists was interrupted,
 * and an approved plan that never started is not started behind anyone's back.
 */
export function pickUpAfterRestart(journal: Journal, state: IncidentState): Run[] {
  journal.catchUp();
  const stale: Run[] = [];
  for (const run of state.runs.values()) {
    const startedBy = run.pid;
    // Our own PID is a predecessor's: in a container the bot is PID 1 after every restart.
    const orphaned = run.status === 'running' && (!startedBy || startedBy === process.pid || !processAlive(startedBy));
    if (orphaned || run.status === 'approved') {
      const stopped = orphaned ? stopLeftovers(run.processes ?? []) : [];
      const reason =
        run.status === 'approved'
          ? 'approved but not started before a restart'
          : `the bot running it stopped${stopped.length > 0 ? `; what it had started and was still running was stopped: ${stopped.join(', ')}` : ''}`;
      journal.append({ type: 'run.finished', incident: run.incidentId, actor: botActor, data: { runId: run.id, status: 'interrupted', reason } });
      stale.push(state.runs.get(run.id) as Run);
    }
  }
  return stale;
}

/** Ends an approved plan that will not run (the queue was full, the bot is stopping, a check failed) as interrupted. */
export function interruptIfNotStarted(journal: Journal, state: IncidentState, runId: string, reason: string): void {
  try {
    journal.append(() => {
      if (state.runs.get(runId)?.status !== 'approved') throw new AlreadyDecided();
      return { type: 'run.finished', incident: (state.runs.get(runId) as Run).incidentId, actor: botActor, data: { runId, status: 'interrupted', reason } };
    });
  } catch (error) {
    if (!(error instanceof AlreadyDecided)) throw error;
  }
}

/**
 * Stops commands an interrupted run left running (each the leader of its own process group), but only a process that is
 * still the same command: a PID reused by something else is left alone.
 */
function stopLeftovers(processes: readonly { pid: number; argv: string[] }[]): string[] {
  const stopped: string[] = [];
  for (const { pid, argv } of processes) {
    if (pid === process.pid || !processAlive(pid)) continue;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!argv[0] || !cmdline.includes(path.basename(argv[0]))) continue;
    try {
      process.kill(-pid, 'SIGTERM');
      setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5_000).unref();
      stopped.push(`${argv.join(' ')} (PID ${pid})`);
    } catch {
      // Already gone.
    }
  }
  return stopped;
}
