// Runs one external command with execa (argv array, never a shell), with a timeout that kills its whole process tree.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { execaModule } from './execa-module.js';
import type { Redactor } from '../redact.js';
import { StreamRedactor } from '../redact-stream.js';
import { withheldFromCommands } from '../withheld-from-commands.js';
import { OutputSpool, type SpooledOutput } from './output-spool.js';

export interface CommandRequest {
  argv: readonly string[];
  cwd: string;
  /** Variables added to the inherited environment (which is already stripped of Slack credentials). */
  env?: Record<string, string>;
  /** The environment inherited, when not this process's own (a command host passes on the bot's, as it is now). */
  baseEnvironment?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Applied to the output as it streams in, before the long middle is cut and before anything keeps it. */
  redact?: Redactor;
  /**
   * Each chunk as it arrives (not yet redacted: a consumer that shows it redacts whole lines itself). A consumer that
   * cannot keep up returns a promise: the command's output is not read until it resolves.
   */
  onOutput?: (text: string) => void | Promise<void>;
  /** Called with the PID of the started process (the leader of its process group). */
  onStart?: (pid: number) => void;
  /**
   * Where the whole output goes as it arrives (redacted when a redactor is given), so memory stays flat however much the
   * command prints: the result's `output` is then only its head and tail.
   */
  spoolFile?: string;
}

export interface CommandResult {
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** Combined stdout and stderr, redacted when the request gave a redactor; when very long, the middle is replaced by a marker. */
  output: string;
  /** Whether `output` went through the request's redactor. */
  redacted: boolean;
  outputBytes: number;
  durationMs: number;
  /** Set when the command could not be started at all (not on PATH, cwd missing …). */
  spawnError?: string;
  /** The whole output on disk, when the request asked for a spool file. */
  spool?: SpooledOutput;
  /** The most characters of output held in memory at once (head, tail, the redactor's overlap): bounded, however long the output. */
  peakHeldChars: number;
}

export type CommandRunner = (request: CommandRequest) => Promise<CommandResult>;

/** What is held in memory of a long output: its first 256 KiB and its last 768 KiB (the whole of it goes to the spool file). */
export const headLimit = 256 * 1024;
export const tailLimit = 768 * 1024;
const killGraceMs = 5_000;
/** How long an incomplete line (a prompt, a progress bar) waits for its line end before what is safe of it is written. */
export const idleFlushMs = 500;

/**
 * Keeps the first and last part of a long output without holding all of it: what it retains is bounded by the head
 * and tail limits plus one chunk, however much the command prints.
 */
export class OutputCapture {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  /** Bytes the command wrote, before redaction. */
  bytes = 0;
  omitted = 0;
  private readonly redactor?: StreamRedactor;

  constructor(
    redact?: Redactor,
    private readonly limits: { head: number; tail: number; overlap?: number } = { head: headLimit, tail: tailLimit },
  ) {
    this.redactor = redact ? new StreamRedactor(redact, limits.overlap) : undefined;
  }

  /** Characters held now: the head, the tail and the redactor's held-back overlap. */
  get retained(): number {
    return this.head.length + this.tailLength + (this.redactor?.held ?? 0);
  }

  /** Takes a chunk as it arrives; returns the (redacted) text that is now safe to pass on, which is also kept. */
  push(chunk: string): string {
    this.bytes += Buffer.byteLength(chunk);
    const ready = this.redactor ? this.redactor.push(chunk) : chunk;
    this.keep(ready);
    return ready;
  }

  private keep(text: string): void {
    if (this.head.length < this.limits.head) {
      const room = this.limits.head - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tailLength > this.limits.tail && this.tail.length > 1) {
      const dropped = this.tail.shift() as string;
      this.tailLength -= dropped.length;
      this.omitted += dropped.length;
    }
  }

  /** Characters the redactor holds back, waiting for what follows them. */
  get held(): number {
    return this.redactor?.held ?? 0;
  }

  /** After a pause in the output: what the redactor now lets through of an incomplete line, which is also kept. */
  flush(): string {
    const ready = this.redactor ? this.redactor.flush() : '';
    this.keep(ready);
    return ready;
  }

  /** Call once, when the command has ended: the redactor's held-back text is let through, kept, and returned. */
  end(): string {
    const rest = this.redactor ? this.redactor.end() : '';
    this.keep(rest);
    return rest;
  }

  /** Ends the stream and returns what is kept (for a caller that does not pass the text on). */
  finish(): string {
    this.end();
    return this.text();
  }

  /** The kept output: the head, a marker for the middle left out, the tail. */
  text(): string {
    const marker = this.omitted > 0 ? `\n[… ${this.omitted} characters omitted …]\n` : '';
    return this.head + marker + this.tail.join('');
  }
}

/** The environment a command inherits: Slack credentials are never handed to child processes. */
export function childEnvironment(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(base).filter(([name, value]) => value !== undefined && !withheldFromCommands(name)),
  ) as Record<string, string>;
  return { ...inherited, ...extra };
}

/** Signals a command's whole process group (it is started as the leader of its own). */
export function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export const runCommand: CommandRunner = async (request) => {
  // Before anything is measured or checked: a cancellation while it loads is seen by the check below.
  const { execa } = await execaModule();
  const started = performance.now();
  const output = new OutputCapture(request.redact);
  const [file, ...args] = request.argv;
  if (!file) throw new Error('empty argv');
  if (request.signal?.aborted) {
    return { exitCode: null, timedOut: false, output: '', redacted: true, outputBytes: 0, durationMs: 0, peakHeldChars: 0, spawnError: `not started: "${file}" was cancelled before it began` };
  }
  const child = execa(file, args, {
    cwd: request.cwd,
    env: childEnvironment(request.env, request.baseEnvironment),
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
  const spool = request.spoolFile ? new OutputSpool(request.spoolFile) : undefined;
  let peakHeldChars = 0;
  // Bytes are decoded as a stream: a character split across two chunks is not mangled.
  const decoder = new StringDecoder('utf8');
  const all = child.all;
  let pauses = 0;
  const pause = () => {
    if ((pauses += 1) === 1) all?.pause();
  };
  const resume = () => {
    if ((pauses -= 1) === 0) all?.resume();
  };
  // The file sets the pace: while it has not taken what it was given, the command's pipe is not read.
  const spoolWrite = (ready: string) => {
    if (spool && !spool.write(ready)) {
      pause();
      spool.whenDrained(resume);
    }
  };
  // Complete lines reach the file at once; an incomplete one waits a moment for its line end, then goes as far as is safe.
  let idleFlush: NodeJS.Timeout | undefined;
  all?.on('data', (chunk: Buffer | string) => {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const ready = output.push(text);
    peakHeldChars = Math.max(peakHeldChars, output.retained);
    // The consumer sets the pace too: while it has not taken what it was given, the pipe is not read.
    const consumed = request.onOutput?.(text);
    if (typeof consumed?.then === 'function') {
      pause();
      consumed.then(resume, resume);
    }
    spoolWrite(ready);
    if (output.held > 0 && !idleFlush) {
      idleFlush = setTimeout(() => {
        idleFlush = undefined;
        spoolWrite(output.flush());
      }, idleFlushMs);
    }
  });
  try {
    const result = await child;
    clearTimeout(idleFlush);
    const last = output.push(decoder.end()) + output.end();
    spool?.write(last);
    const spawnError =
      result.exitCode === undefined && !result.signal
        ? describeSpawnError(file, request.cwd, result as unknown as { code?: string; originalMessage?: string })
        : undefined;
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? undefined,
      timedOut,
      output: output.text(),
      redacted: Boolean(request.redact),
      outputBytes: output.bytes,
      durationMs: Math.round(performance.now() - started),
      spawnError,
      spool: await spool?.close(),
      peakHeldChars,
    };
  } finally {
    // The SIGKILL follow-up (if a stop was asked for) stays armed: a process in the group that ignored SIGTERM must go too.
    clearTimeout(timer);
    clearTimeout(idleFlush);
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
