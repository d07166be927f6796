// A CommandRunner that starts its commands on a worker thread (command-thread.ts). Starting a process forks the one
// that starts it, and a fork blocks its thread for as long as copying the process's page tables takes (tens of ms for
// a bot holding a few hundred MB): on the main thread that would hold up Slack's acks while a diagnosis runs.
import { WorkerCalls, WorkerGone } from '../worker-calls.js';
import type { CommandCall, CommandProgress, PortableRequest } from './command-thread.js';
import type { Redactor } from '../redact.js';
import { killTree, runCommand, type CommandResult, type CommandRunner } from './run-command.js';

/** A CommandRunner whose thread can be started before its first command. */
export interface OffThreadRunner extends CommandRunner {
  /** Starts the thread now (it does not keep the process alive), so the first command does not wait for it. */
  startThread(): void;
  /** Ends the thread; a command still running is killed with its process group and its call rejected. */
  stopThread(): Promise<void>;
}

/**
 * Runs commands as runCommand does, on a worker thread of their own, at `niceness` (they inherit the thread's). A
 * request redacted with `redact` (the bot's redactor, built from `secrets`) is redacted there by the same redactor built
 * again; a request with another redactor, which cannot cross threads, runs here with runCommand.
 */
export function offThreadRunner(redact: Redactor, secrets: readonly string[], niceness = 0): OffThreadRunner {
  const thread = new WorkerCalls<CommandCall, CommandProgress>(import.meta.url, 'command-thread', () => ({ secrets: [...secrets], niceness }));

  const run: CommandRunner = async (request) => {
    if (request.redact && request.redact !== redact) return runCommand(request);
    // Functions stay here (onStart and onOutput are called from the worker's messages); what crosses is plain data.
    const { redact: redacted, onOutput, onStart, signal, ...rest } = request;
    const portable: PortableRequest = { ...rest, redact: Boolean(redacted), streamOutput: Boolean(onOutput) };
    /** The command's PID once it has started (the leader of its process group). */
    let pid: number | undefined;
    const { id, result } = thread.call<CommandResult>({ kind: 'run', request: portable }, (progress) => {
      if ('started' in progress) {
        pid = progress.started;
        onStart?.(pid);
      } else onOutput?.(progress.output);
    });
    const abort = () => thread.tell({ kind: 'abort', id });
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await result;
    } catch (error) {
      if (!(error instanceof WorkerGone)) throw error;
      // Nothing watches it any more (no timeout, no abort): it is stopped rather than left running.
      killTree(pid, 'SIGKILL');
      throw new Error(`${error.message}; the command it was running (${request.argv[0]}) was stopped`);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  };
  return Object.assign(run, { startThread: () => thread.start(), stopThread: () => thread.stop() });
}
