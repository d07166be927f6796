// The host process's side of host-process.ts: the caller's first message brings the host's settings, every other one
// goes to the handler they set up; the host says when it listens, stops when told or when the caller is gone, and leaves
// the terminal's and the service manager's signals to the caller (which stops it when it stops itself).
import type { HostControl, HostReady } from './host-process.js';

export interface HostChannel {
  /** Sends a message to the caller; `sent` is called once it has left this process (written to the channel). */
  post(message: object, sent?: () => void): void;
}

export function serveHost(start: (data: unknown, channel: HostChannel) => (message: unknown) => void): void {
  const channel: HostChannel = { post: (message, sent) => void process.send?.(message, undefined, undefined, () => sent?.()) };
  let handle: ((message: unknown) => void) | undefined;
  process.on('message', (message: unknown) => {
    const control = message as HostControl;
    if (control?.kind === 'host:init') handle = start(control.data, channel);
    else if (control?.kind === 'host:stop') process.exit(0);
    else handle?.(message);
  });
  // The caller is gone (it exited, or was killed): nobody is left to answer.
  process.on('disconnect', () => process.exit(0));
  // A Ctrl-C in the terminal, or a service manager stopping the whole group, reaches the caller too: it stops this host
  // once its own work has had its grace period.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  process.send?.({ kind: 'host:ready' } satisfies HostReady);
}
