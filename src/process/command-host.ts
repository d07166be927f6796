// The host process of off-thread-runner.ts: starts commands (runCommand) from this small process, so the fork that
// starts each one copies this process and not the bot (see host-process.ts).
import { CallAborts } from '../call-aborts.js';
import { failureAnswer } from '../error-kind.js';
import { createRedactor } from '../redact.js';
import { serveHost } from '../host-side.js';
import { lowerThreadPriority } from './niceness.js';
import { killTree, runCommand, type CommandRequest } from './run-command.js';
import { startDetached, type DetachedRequest } from './start-detached.js';

/** A request as it crosses processes: functions become flags (the redactor is rebuilt here from the same secrets). */
export type PortableRequest = Omit<CommandRequest, 'redact' | 'onOutput' | 'onStart' | 'signal'> & {
  redact: boolean;
  streamOutput: boolean;
  /** The whole environment the command gets (the bot's as it is now), not this host's as it was when it started. */
  environment: Record<string, string>;
};
/** A command to run and wait for, or a daemon to start and leave running (it outlives this host and the bot). */
export type CommandCall = { kind: 'run'; request: PortableRequest } | { kind: 'detached'; request: DetachedRequest };
/** What a running command reports before its result: its PID once started, then its output as it comes. */
export type CommandProgress = { started: number } | { output: string };
export type CommandHostSettings = { secrets: string[]; niceness: number };
type CommandMessage = (CommandCall & { id: number }) | { kind: 'abort'; id: number };
/** Output waiting to be written to the bot: the commands' output is not read past the first, and again below the second. */
const pauseAtChars = 1024 * 1024;
const resumeAtChars = 256 * 1024;

serveHost((data, channel) => {
  const { secrets, niceness } = data as CommandHostSettings;
  const redact = createRedactor(secrets);
  // The commands started here inherit this process's priority (DATABOX_WORK_NICENESS).
  lowerThreadPriority(niceness);
  const aborts = new CallAborts();
  // Output sent and not yet written to the channel: past a limit the command's output waits (run-command.ts), so a
  // command printing faster than the bot takes it in is slowed down instead of filling this process's memory.
  let unsentChars = 0;
  let drained: (() => void) | undefined;
  const sendOutput = (id: number, text: string): Promise<void> | undefined => {
    if (!process.connected) return undefined;
    unsentChars += text.length;
    channel.post({ id, progress: { output: text } satisfies CommandProgress }, () => {
      unsentChars -= text.length;
      if (unsentChars <= resumeAtChars) drained?.();
    });
    if (unsentChars <= pauseAtChars) return undefined;
    return new Promise<void>((resolve) => {
      const before = drained;
      drained = () => {
        drained = undefined;
        before?.();
        resolve();
      };
    });
  };
  /** Sends call `id` its result, or its error's message and kind. */
  const answer = (id: number, work: Promise<unknown>): Promise<void> =>
    work.then(
      (result) => channel.post({ id, result }),
      (error: unknown) => channel.post({ id, ...failureAnswer(error) }),
    );
  /** The process group leader of each command running, by call: a host told to stop kills them first. */
  const running = new Map<number, number>();
  /** Each command's call until it has ended and its spool file is closed. */
  const calls = new Set<Promise<void>>();
  const onMessage = (message: unknown) => {
    const call = message as CommandMessage;
    if (call.kind === 'abort') {
      aborts.abort(call.id);
      return;
    }
    if (call.kind === 'detached') {
      // Not among `running`: a host told to stop leaves its daemons running, as they are meant to outlive it.
      void answer(call.id, startDetached(call.request));
      return;
    }
    const { id, request } = call;
    const { redact: redacted, streamOutput, environment, ...rest } = request;
    const result = runCommand({
      ...rest,
      baseEnvironment: environment,
      signal: aborts.begin(id),
      redact: redacted ? redact : undefined,
      onStart: (pid) => {
        running.set(id, pid);
        channel.post({ id, progress: { started: pid } satisfies CommandProgress });
      },
      onOutput: streamOutput ? (text) => sendOutput(id, text) : undefined,
    });
    const answered = answer(id, result).finally(() => {
      aborts.end(id);
      running.delete(id);
      calls.delete(answered);
    });
    calls.add(answered);
  };
  // The bot stops this host once its commands had their grace period: what still runs is killed with its group here,
  // where every PID is known (one whose start was still on its way to the bot would otherwise be left running).
  // A bot that died leaves its commands running (its next start stops them): this host stays to read their output,
  // which still goes to their spool files, until they end. Were it gone, a command's next write would fail (EPIPE,
  // SIGPIPE) and end it, and what it printed after the bot died would be lost.
  const onCallerGone = async () => {
    await Promise.allSettled([...calls]);
  };
  return { onMessage, onStop: () => running.forEach((pid) => killTree(pid, 'SIGKILL')), onCallerGone };
});
