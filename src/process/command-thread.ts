// The worker side of off-thread-runner.ts: starts commands (runCommand) on this thread, so the fork that starts each
// process blocks this thread and not the one that answers Slack.
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../redact.js';
import { lowerThreadPriority } from './niceness.js';
import { runCommand, type CommandRequest } from './run-command.js';

/** A request as it crosses threads: functions become flags (the redactor is rebuilt here from the same secrets). */
export type PortableRequest = Omit<CommandRequest, 'redact' | 'onOutput' | 'onStart' | 'signal'> & { redact: boolean; streamOutput: boolean };
export type CommandCall = { kind: 'run'; request: PortableRequest };
/** What a running command reports before its result: its PID once started, then its output as it comes. */
export type CommandProgress = { started: number } | { output: string };
type CommandMessage = (CommandCall & { id: number }) | { kind: 'abort'; id: number };

const { secrets, niceness } = workerData as { secrets: string[]; niceness: number };
const redact = createRedactor(secrets);
// The commands started here inherit this thread's priority (DATABOX_WORK_NICENESS).
lowerThreadPriority(niceness);
const aborts = new Map<number, AbortController>();

parentPort?.on('message', (call: CommandMessage) => {
  if (call.kind === 'abort') {
    aborts.get(call.id)?.abort();
    return;
  }
  const { id, request } = call;
  const controller = new AbortController();
  aborts.set(id, controller);
  const { redact: redacted, streamOutput, ...rest } = request;
  runCommand({
    ...rest,
    signal: controller.signal,
    redact: redacted ? redact : undefined,
    onStart: (pid) => parentPort?.postMessage({ id, progress: { started: pid } satisfies CommandProgress }),
    onOutput: streamOutput ? (text) => parentPort?.postMessage({ id, progress: { output: text } satisfies CommandProgress }) : undefined,
  })
    .then(
      (result) => parentPort?.postMessage({ id, result }),
      (error: unknown) => parentPort?.postMessage({ id, error: (error as Error).message ?? String(error) }),
    )
    .finally(() => aborts.delete(id));
});
