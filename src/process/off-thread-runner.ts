// A CommandRunner that starts its commands on a worker thread (command-thread.ts). Starting a process forks the one
// that starts it, and a fork blocks its thread for as long as copying the process's page tables takes (tens of ms for
// a bot holding a few hundred MB): on the main thread that would hold up Slack's acks while a diagnosis runs.
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../worker-thread.js';
import type { CommandCall, PortableRequest } from './command-thread.js';
import type { Redactor } from '../redact.js';
import { killTree, runCommand, type CommandRequest, type CommandResult, type CommandRunner } from './run-command.js';

interface Pending {
  request: CommandRequest;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
  /** The command's PID once it has started (the leader of its process group). */
  pid?: number;
}

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
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const started: Worker = startWorkerThread(import.meta.url, 'command-thread', { secrets: [...secrets], niceness }, (error) => {
      if (worker === started) worker = undefined;
      for (const call of pending.values()) {
        // Nothing watches them any more (no timeout, no abort): they are stopped rather than left running.
        killTree(call.pid, 'SIGKILL');
        call.reject(new Error(`${error.message}; the command it was running (${call.request.argv[0]}) was stopped`));
      }
      pending.clear();
    });
    started.on('message', (message: { id: number; started?: number; output?: string; result?: CommandResult; error?: string }) => {
      const call = pending.get(message.id);
      if (!call) return;
      if (message.started !== undefined) {
        call.pid = message.started;
        call.request.onStart?.(message.started);
      }
      else if (message.output !== undefined) call.request.onOutput?.(message.output);
      else {
        pending.delete(message.id);
        if (message.error !== undefined) call.reject(new Error(message.error));
        else call.resolve(message.result as CommandResult);
        // An idle worker does not keep the process alive.
        if (pending.size === 0) started.unref();
      }
    });
    // Idle until a command comes: it does not keep the process alive.
    started.unref();
    worker = started;
    return started;
  };

  const run: CommandRunner = async (request) => {
    if (request.redact && request.redact !== redact) return runCommand(request);
    const thread = ensureWorker();
    const id = nextId++;
    // Functions stay here (onStart and onOutput are called from the worker's messages); what crosses is plain data.
    const { redact: redacted, onOutput, onStart, signal, ...rest } = request;
    const portable: PortableRequest = { ...rest, redact: Boolean(redacted), streamOutput: Boolean(onOutput) };
    const result = new Promise<CommandResult>((resolve, reject) => pending.set(id, { request, resolve, reject }));
    thread.ref();
    thread.postMessage({ kind: 'run', id, request: portable } satisfies CommandCall);
    const abort = () => thread.postMessage({ kind: 'abort', id } satisfies CommandCall);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await result;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  };
  const stopThread = async () => {
    const thread = worker;
    if (!thread) return;
    await new Promise<void>((resolve) => {
      thread.once('exit', () => resolve());
      void thread.terminate();
    });
  };
  return Object.assign(run, { startThread: () => void ensureWorker(), stopThread });
}
