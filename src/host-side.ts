// The host process's side of host-process.ts: the caller's first message brings the host's settings, every other one
// goes to the handler they set up; the host says when it listens, stops when told (its handler tidying up first) or when
// the caller is gone, and leaves the terminal's and the service manager's signals to the caller, which stops it.
import type { HostControl, HostReady } from './host-process.js';

export interface HostChannel {
  /** Sends a message to the caller; `sent` is called once it has left this process (written to the channel, or not). */
  post(message: object, sent?: () => void): void;
}

export interface HostHandler {
  onMessage(message: unknown): void;
  /** Told to stop: what must not outlive the host is ended here, before it exits. */
  onStop?(): void;
  /** The caller is gone without stopping it: the host exits once this has settled. */
  onCallerGone?(): Promise<void>;
}

export function serveHost(start: (data: unknown, channel: HostChannel) => HostHandler): void {
  // With a callback, a send after the caller is gone is told to it rather than thrown at this process as an 'error'.
  const channel: HostChannel = { post: (message, sent) => void process.send?.(message, undefined, undefined, () => sent?.()) };
  let handler: HostHandler | undefined;
  process.on('message', (message: unknown) => {
    const control = message as HostControl;
    if (control?.kind === 'host:init') handler = start(control.data, channel);
    else if (control?.kind === 'host:stop') {
      handler?.onStop?.();
      process.exit(0);
    } else handler?.onMessage(message);
  });
  // The caller is gone (it exited, or was killed): nobody is left to answer. What runs goes on, as it would have had
  // the caller started it itself (the handler sees to what it needs from this process first); the caller's next start
  // finds it (restart-pickup.ts).
  process.on('disconnect', () => {
    // What this process writes went through the caller, which no longer reads it: a write fails, harmlessly.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    const gone = handler?.onCallerGone?.() ?? Promise.resolve();
    void gone.finally(() => process.exit(0));
  });
  // The host runs in a process group of its own (host-process.ts); were a signal meant for the caller to reach it
  // anyway, the caller still decides when it stops.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  if (process.connected) channel.post({ kind: 'host:ready' } satisfies HostReady);
  else process.exit(0);
}
