// Starts a host process from a module beside its caller (run from TypeScript sources under tsx, or built to JavaScript)
// for work that starts processes. Starting a process forks the one that starts it: forking the bot (a few hundred MB,
// many threads) copied its page tables and then made every page it wrote fault and flush the other core's TLB, which
// held up Slack's acks for milliseconds at a time while a command started. The host is small, forked once, and forks instead.
import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import type { Endpoint } from './worker-calls.js';
import { onlyOnce, tsxUrl } from './worker-thread.js';

/** How long a host asked to stop may take before it is killed. */
const stopGraceMs = 5_000;

/** What the caller sends first, and what the host answers once it listens (host-side.ts). */
export type HostControl = { kind: 'host:init'; data: unknown } | { kind: 'host:stop' };
export type HostReady = { kind: 'host:ready' };

/** How a host process is started. */
export interface HostOptions {
  /** The host's whole environment. */
  env: Record<string, string>;
  /** Node flags for the host (not this process's own, such as a profiler or an inspector). */
  nodeFlags?: string[];
}

/**
 * Forks `entry` (beside `callerUrl`, without extension). Messages cross as they do to a worker thread (the V8
 * serializer); those sent before the host listens wait for it. `gone` is told once, when the host fails or stops. The
 * host ignores the terminal's and the service manager's signals: it stops when told, or once this process is gone (its
 * IPC channel closes) and its handler has seen to what must not die with it (host-side.ts).
 */
export function startHostProcess(callerUrl: string, entry: string, data: unknown, options: HostOptions, gone: (error: Error) => void): Endpoint {
  const name = entry.replace(/-/g, ' ');
  const fromSource = callerUrl.endsWith('.ts');
  const module = fileURLToPath(new URL(`./${entry}.${fromSource ? 'ts' : 'js'}`, callerUrl));
  const child = fork(module, [], {
    // Not this process's flags (a profiler, an inspector, NODE_OPTIONS): a plain Node process, with tsx for sources.
    execArgv: [...(fromSource ? ['--import', tsxUrl('dist/loader.mjs')] : []), ...(options.nodeFlags ?? [])],
    env: Object.fromEntries(Object.entries(options.env).filter(([name]) => name !== 'NODE_OPTIONS')),
    serialization: 'advanced',
    // Its output passed on by this process, not written to this process's own: a host that outlives it (reading the
    // output of commands it left running, see command-host.ts) does not hold this process's stdout open, which would
    // keep whoever reads it (a pipe, a supervisor) waiting for an end long after this process died.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // A process group of its own: a Ctrl-C in the terminal or a signal to the caller's whole group does not reach it,
    // even while it is still loading (the caller stops it when it stops itself).
    detached: true,
  });
  child.stdout?.pipe(process.stdout, { end: false });
  child.stderr?.pipe(process.stderr, { end: false });
  const waiting: object[] = [{ kind: 'host:init', data } satisfies HostControl];
  let ready = false;
  const listeners: ((message: unknown) => void)[] = [];
  child.on('message', (message: unknown) => {
    if (!ready && (message as HostReady)?.kind === 'host:ready') {
      ready = true;
      for (const queued of waiting.splice(0)) child.send(queued);
      return;
    }
    for (const listener of listeners) listener(message);
  });
  const tell = onlyOnce(gone);
  child.on('error', (error) => {
    // Whatever failed (a message that could not be sent), a host that cannot be talked to is not left running.
    child.kill('SIGKILL');
    tell(error);
  });
  child.on('exit', (code, signal) => tell(new Error(`the ${name} stopped (${signal ? `signal ${signal}` : `exit code ${code}`})`)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    post: (message) => {
      // Refused at once if it cannot cross, as a thread's postMessage refuses it (also while the host is starting).
      try {
        serialize(message);
      } catch (error) {
        throw new DOMException((error as Error).message, 'DataCloneError');
      }
      if (ready) child.send(message);
      else waiting.push(message);
    },
    onMessage: (listener) => listeners.push(listener),
    // Its channel closed (it is exiting, or exited): a new call goes to a new host rather than to this one.
    closed: () => !child.connected,
    ref: () => {
      child.ref();
      child.channel?.ref();
      for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();
    },
    terminate: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      if (child.connected) child.send({ kind: 'host:stop' } satisfies HostControl);
      else child.kill('SIGKILL');
      await exited;
      clearTimeout(kill);
    },
  };
}
