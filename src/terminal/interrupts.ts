// Ctrl-C, a closed terminal, a kill and a standard output nobody reads any more all stop the terminal's work the same orderly way.
import type { EventEmitter } from 'node:events';

export interface Interruption {
  /** What stopped it, as the run's record and the operator read it. */
  why: string;
  /** The shell's convention: 128 + the signal's number (141 for a closed pipe, as if killed by SIGPIPE). */
  exitCode: number;
}

/** Calls `onInterrupt` for each one until the returned function is called; `outputs` are standard output and error. */
export type WatchInterrupts = (outputs: readonly Partial<Pick<EventEmitter, 'on'>>[], onInterrupt: (interruption: Interruption) => void) => () => void;

const signals = {
  SIGINT: { why: 'interrupted at the terminal (SIGINT)', exitCode: 130 },
  SIGTERM: { why: 'stopped by SIGTERM', exitCode: 143 },
  SIGHUP: { why: 'the terminal was closed (SIGHUP)', exitCode: 129 },
} as const;

/**
 * Without these handlers Node exits at once on a signal (a command the terminal started keeps running in its own
 * process group, its run "running" on the record and its database held), and an unread pipe (`… | head`) ends the
 * process with a stack trace from the next write. With them the running command is killed and its run ends on the
 * record, as when the bot stops.
 */
export const watchProcessInterrupts: WatchInterrupts = (outputs, onInterrupt) => {
  let watching = true;
  const handlers = Object.entries(signals).map(([signal, interruption]) => {
    const handler = () => onInterrupt(interruption);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  // Kept for good, not removed with the signals: every later write to the closed stream fails the same way, and a
  // stream with no 'error' listener throws. Standard error is watched as standard output is: under `2>&1 | head` the
  // stop notice itself goes to the closed pipe, and whichever fails first stops the command, once.
  let outputLost = false;
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (!watching || outputLost) return;
    outputLost = true;
    const closed = error.code === 'EPIPE';
    // A closed terminal fails every write with EIO, often before its SIGHUP arrives: it is stopped as a closed terminal.
    if (error.code === 'EIO') {
      onInterrupt({ why: 'the terminal was closed (EIO)', exitCode: signals.SIGHUP.exitCode });
      return;
    }
    onInterrupt({
      why: closed ? 'its output was closed (EPIPE)' : `its output cannot be written (${error.code ?? error.message})`,
      exitCode: closed ? 141 : 1,
    });
  };
  for (const output of outputs) output.on?.('error', onOutputError);
  return () => {
    watching = false;
    for (const remove of handlers) remove();
  };
};
