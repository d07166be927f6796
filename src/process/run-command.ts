// Runs one external command with execa (argv array, never a shell), with a timeout that kills its whole process tree.
import fs from 'node:fs';
import { execa } from 'execa';

export interface CommandRequest {
  argv: readonly string[];
  cwd: string;
  /** Variables added to the inherited environment (which is already stripped of Slack credentials). */
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  /** Called with the PID of the started process (the leader of its process group). */
  onStart?: (pid: number) => void;
}

export interface CommandResult {
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** Combined stdout and stderr; when very long, the middle is replaced by a marker. */
  output: string;
  outputBytes: number;
  durationMs: number;
  /** Set when the command could not be started at all (not on PATH, cwd missing …). */
  spawnError?: string;
}

export type CommandRunner = (request: CommandRequest) => Promise<CommandResult>;

const headLimit = 4 * 1024 * 1024;
const tailLimit = 12 * 1024 * 1024;
const killGraceMs = 5_000;

/** Keeps the first and last part of a long output without holding all of it. */
class OutputBuffer {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  bytes = 0;
  omitted = 0;

  push(text: string): void {
    this.bytes += Buffer.byteLength(text);
    if (this.head.length < headLimit) {
      const room = headLimit - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tailLength > tailLimit && this.tail.length > 1) {
      const dropped = this.tail.shift() as string;
      this.tailLength -= dropped.length;
      this.omitted += dropped.length;
    }
  }

  toString(): string {
    const marker = this.omitted > 0 ? `\n[… ${this.omitted} characters omitted …]\n` : '';
    return this.head + marker + this.tail.join('');
  }
}

/** The environment a command inherits: Slack credentials are never handed to child processes. */
export function childEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name, value]) => value !== undefined && !name.startsWith('SLACK_')),
  ) as Record<string, string>;
  return { ...inherited, ...extra };
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export const runCommand: CommandRunner = async (request) => {
  const started = performance.now();
  const output = new OutputBuffer();
  const [file, ...args] = request.argv;
  if (!file) throw new Error('empty argv');
  if (request.signal?.aborted) {
    return { exitCode: null, timedOut: false, output: '', outputBytes: 0, durationMs: 0, spawnError: `not started: "${file}" was cancelled before it began` };
  }
  const child = execa(file, args, {
    cwd: request.cwd,
    env: childEnvironment(request.env),
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    // A process group of its own, so a timeout can kill the command and everything it started.
    detached: true,
    encoding: 'utf8',
  });
  if (child.pid) request.onStart?.(child.pid);
  let timedOut = false;
  const stop = () => {
    killTree(child.pid, 'SIGTERM');
    setTimeout(() => killTree(child.pid, 'SIGKILL'), killGraceMs).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, request.timeoutMs);
  request.signal?.addEventListener('abort', stop, { once: true });
  child.all?.on('data', (chunk: Buffer | string) => {
    const text = chunk.toString();
    output.push(text);
    request.onOutput?.(text);
  });
  try {
    const result = await child;
    const spawnError =
      result.exitCode === undefined && !result.signal
        ? describeSpawnError(file, request.cwd, result as unknown as { code?: string; originalMessage?: string })
        : undefined;
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? undefined,
      timedOut,
      output: output.toString(),
      outputBytes: output.bytes,
      durationMs: Math.round(performance.now() - started),
      spawnError,
    };
  } finally {
    // The SIGKILL follow-up (if a stop was asked for) stays armed: a process in the group that ignored SIGTERM must go too.
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', stop);
  }
};

function describeSpawnError(file: string, cwd: string, error: { code?: string; originalMessage?: string }): string {
  if (error.code === 'ENOENT') {
    return fs.existsSync(cwd) ? `could not start "${file}": it is not on PATH` : `could not start "${file}": the working directory ${cwd} does not exist`;
  }
  if (error.code === 'EACCES') return `could not start "${file}": permission denied`;
  return `could not start "${file}": ${error.originalMessage ?? error.code ?? 'unknown error'}`;
}
