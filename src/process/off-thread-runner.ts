// A CommandRunner that starts its commands from a host process of its own (command-host.ts). Starting a process forks
// the one that starts it: forking the bot (a few hundred MB, many threads) blocked the forking thread while the page
// tables were copied, and then made every page the bot wrote fault and flush the other core's TLB, holding up Slack's
// acks while a command started. The host is small and forked once, when the bot starts.
import { WorkerCalls, WorkerGone } from '../worker-calls.js';
import type { CommandCall, CommandHostSettings, CommandProgress, PortableRequest } from './command-host.js';
import type { Redactor } from '../redact.js';
import { childEnvironment, killTree, runCommand, type CommandResult, type CommandRunner } from './run-command.js';
import { startDetached as startDetachedHere, type DetachedResult, type DetachedStarter } from './start-detached.js';

/** A CommandRunner whose host can be started before its first command. */
export interface OffThreadRunner extends CommandRunner {
  /** Starts the host now (it does not keep this process alive), so the first command does not wait for it. */
  startHost(): void;
  /** Ends the host; a command still running is killed with its process group and its call rejected. */
  stopHost(): Promise<void>;
  /**
   * Starts a daemon from the host (startDetached there), with this process's environment as it is now; from this
   * process when the host is niced, since a process cannot raise its priority back and the daemon would keep it for good.
   */
  startDetached: DetachedStarter;
}

/**
 * Runs commands as runCommand does, from a host process, at `niceness` (they inherit the host's). A request redacted with
 * `redact` (the bot's redactor, built from `secrets`) is redacted there by the same redactor built again; a request with
 * another redactor, which cannot cross processes, runs here with runCommand. Commands get this process's environment as
 * it is when they start; the host's own has no Slack credentials. `builtBeside` is this module's URL in a build to start
 * the host from instead (tests running from sources: under tsx a host takes four times the CPU to load).
 */
export function offThreadRunner(redact: Redactor, secrets: readonly string[], niceness = 0, builtBeside?: string): OffThreadRunner {
  const host = new WorkerCalls<CommandCall, CommandProgress>(
    builtBeside ?? import.meta.url,
    'command-host',
    (): CommandHostSettings => ({ secrets: [...secrets], niceness }),
    {
      // A small young generation: the host passes on every byte a command prints (500 MB, say), and V8 would otherwise
      // grow it to 48 MB for that stream of short-lived strings.
      process: () => ({ env: childEnvironment(), nodeFlags: ['--max-semi-space-size=1', '--optimize-for-size'] }),
    },
  );

  const run: CommandRunner = async (request) => {
    if (request.redact && request.redact !== redact) return runCommand(request);
    // Functions stay here (onStart and onOutput are called from the worker's messages); what crosses is plain data.
    const { redact: redacted, onOutput, onStart, signal, ...rest } = request;
    const portable: PortableRequest = { ...rest, redact: Boolean(redacted), streamOutput: Boolean(onOutput), environment: childEnvironment() };
    /** The command's PID once it has started (the leader of its process group). */
    let pid: number | undefined;
    const { id, result } = host.call<CommandResult>({ kind: 'run', request: portable }, (progress) => {
      if ('started' in progress) {
        pid = progress.started;
        onStart?.(pid);
      } else {
        // The host paces the command by its own queue to this process; a consumer here that holds back is not waited for.
        const consumed = onOutput?.(progress.output);
        if (typeof consumed?.then === 'function') consumed.then(undefined, () => {});
      }
    });
    const stopListening = host.abortOn(id, signal);
    try {
      return await result;
    } catch (error) {
      if (!(error instanceof WorkerGone)) throw error;
      // Nothing watches it any more (no timeout, no abort): it is stopped rather than left running.
      killTree(pid, 'SIGKILL');
      throw new Error(`${error.message}; the command it was running (${request.argv[0]}) was stopped`);
    } finally {
      stopListening();
    }
  };
  const startDetached: DetachedStarter =
    niceness > 0
      ? startDetachedHere
      : (request) => host.call<DetachedResult>({ kind: 'detached', request: { ...request, baseEnvironment: childEnvironment() } }).result;
  return Object.assign(run, { startHost: () => host.start(), stopHost: () => host.stop(), startDetached });
}
