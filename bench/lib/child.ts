// Builds the bench's processes (bot or floor) to JavaScript as `npm start` runs the bot, forks them the same way, and
// reads their memory from /proc.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * Compiles src/, handlers/ and bench/processes/ to dist/ (tsconfig.bench.json), once per bench run. `npm start` runs
 * the bot built (`node dist/src/main.js`); run through tsx instead, the bot had a module-loader thread beside each of its
 * own (four more V8 isolates: about 115 MiB of idle RSS and 0.4–0.6 s of start-up), which the operator's bot does not.
 */
export function buildProcesses(): void {
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(projectRoot, 'tsconfig.bench.json')], { cwd: projectRoot, stdio: 'inherit' });
}

/** A bench process as built by buildProcesses: `script` is its file under bench/processes/. */
export function builtProcess(script: string): string {
  return path.join(projectRoot, 'dist', 'bench', 'processes', script.replace(/\.ts$/, '.js'));
}

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

/** The environment a bench process is started with: the bench's own, with `env` over it. */
export function childEnv(env: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...env };
}

/** Where a bench process takes Slack's signed requests. */
export function eventsUrl(child: Child): string {
  return `http://127.0.0.1:${child.port}/slack/events`;
}

export async function startChild(script: string, env: Record<string, string>): Promise<Child> {
  const started = performance.now();
  const child = fork(builtProcess(script), [], {
    execArgv: nodeFlags(script),
    env: childEnv(env),
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
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // A child that ended since it was listed.
    return 0;
  }
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/**
 * CPU time the process and its live descendants have used so far, in ms: all their threads (utime, stime) and the
 * children each has waited for (cutime, cstime), from /proc at the usual 100 ticks a second. The bot's commands are
 * its command host's children, so they count whether still running or done.
 */
export function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Gone since it was listed: its time is its parent's now (cutime), read there.
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  return own + childrenOf(pid).reduce((sum, child) => sum + cpuMs(child), 0);
}

/** The live child processes of `pid` (of any of its threads). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    // The process ended while it was read.
    return [];
  }
  for (const task of tasks) {
    try {
      const listed = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(/\s+/).map(Number));
    } catch {
      // A thread that ended while it was read.
    }
  }
  return children;
}

/** A /proc/<pid>/status field in MiB, of the process and of each of its direct children, added up. */
function withChildren(pid: number, field: string): number {
  return [pid, ...childrenOf(pid)].reduce((sum, each) => sum + statusField(each, field), 0);
}

/**
 * Resident memory now, in MiB: the process and its direct children (the bot's command host; the commands it starts are
 * the host's children, and not counted).
 */
export function rssMiB(pid: number): number {
  return withChildren(pid, 'VmRSS');
}

/** The peak resident memory since the last reset, in MiB, of the process and of each direct child, added up. */
export function peakRssMiB(pid: number): number {
  return withChildren(pid, 'VmHWM');
}

/** Resets the peaks (Linux: writing 5 to clear_refs), so the next peak belongs to what follows. */
export function resetPeak(pid: number): void {
  for (const each of [pid, ...childrenOf(pid)]) {
    try {
      fs.writeFileSync(`/proc/${each}/clear_refs`, '5');
    } catch (error) {
      // A child that ended since it was listed has no peak to reset.
      if (each === pid) throw error;
    }
  }
}
