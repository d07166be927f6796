// Forks a bench process (bot or floor) the same way for both, and reads its memory from /proc.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const tsxLoader = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface Child {
  process: ChildProcess;
  port: number;
  /** From fork to the process saying it listens. */
  readyMs: number;
  /** Resolves once the process's work queue has drained. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * To look inside one process of the bench (BENCH_PROFILE=bot.ts by default, or bare-bolt.ts): BENCH_CPU_PROF=<dir> writes
 * a V8 CPU profile there, BENCH_NODE_FLAGS adds Node flags (such as --trace-gc, printed on the bench's stdout).
 */
function nodeFlags(script: string): string[] {
  if (script !== (process.env.BENCH_PROFILE ?? 'bot.ts')) return [];
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, '--cpu-prof-interval=200'] : [];
  return [...profile, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
}

export async function startChild(script: string, env: Record<string, string>): Promise<Child> {
  const started = performance.now();
  const child = fork(path.join(projectRoot, 'bench', 'processes', script), [], {
    execArgv: ['--import', tsxLoader, ...nodeFlags(script)],
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.BENCH_NODE_FLAGS ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve(message.port as number);
    });
  });
  const readyMs = performance.now() - started;
  child.removeAllListeners('exit');
  return {
    process: child,
    port,
    readyMs,
    idle: () =>
      new Promise<void>((resolve) => {
        const listener = (message: { type: string }) => {
          if (message.type !== 'idle') return;
          child.off('message', listener);
          resolve();
        };
        child.on('message', listener);
        child.send({ type: 'idle' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}

function statusField(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/**
 * CPU time the process has used so far, in ms: all its threads (utime, stime) and the children it has waited for
 * (cutime, cstime: the bot's commands), from /proc/<pid>/stat at the usual 100 ticks a second.
 */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
}

/** Resident memory now, in MiB. */
export function rssMiB(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** The peak resident memory since the last reset, in MiB. */
export function peakRssMiB(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Resets the peak (Linux: writing 5 to clear_refs), so the next peak belongs to what follows. */
export function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
