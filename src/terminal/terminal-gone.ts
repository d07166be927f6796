// Whether the terminal the CLI was started in has been closed (hung up), and how to exit then without crashing Node.
import tty from 'node:tty';

/** A standard stream that was a terminal at the start and is none now: a hung-up terminal answers no terminal call. */
export function terminalGone(streams: readonly { fd: number; isTTY?: boolean }[]): boolean {
  return streams.some((stream) => stream.isTTY === true && !tty.isatty(stream.fd));
}

/**
 * Ends the process as a closed terminal ends it, by SIGHUP's default action (status 129), when its terminal is gone:
 * Node's own exit restores the terminal's settings, and asserts (a native crash, SIGABRT) when the terminal refuses.
 * Otherwise exits with `code`.
 */
export function exitUnlessHungUp(code: number, streams: readonly { fd: number; isTTY?: boolean }[]): void {
  if (!terminalGone(streams)) {
    process.exit(code);
    return;
  }
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}
