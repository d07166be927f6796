// Starts a long-lived process (a daemon) detached from the bot, so it outlives the bot; tells whether it stayed up.
import fs from 'node:fs';
import path from 'node:path';
import { execaModule } from './execa-module.js';
import { childEnvironment } from './run-command.js';

export interface DetachedRequest {
  argv: readonly string[];
  cwd: string;
  env?: Record<string, string>;
  /** Where its stdout and stderr go, appended. */
  logFile: string;
  /** How long it must stay up to count as started. */
  settleMs: number;
  /** The environment it starts from (the bot's, from a host process), instead of this process's. */
  baseEnvironment?: Record<string, string>;
}

export interface DetachedResult {
  pid?: number;
  alive: boolean;
  exitCode: number | null;
  spawnError?: string;
  /** What it printed so far (the start of its log). */
  output: string;
}

/** Starts a daemon: here (startDetached), or from the bot's command host (off-thread-runner.ts). */
export type DetachedStarter = (request: DetachedRequest) => Promise<DetachedResult>;

export async function startDetached(request: DetachedRequest): Promise<DetachedResult> {
  const { execa } = await execaModule();
  const [file, ...args] = request.argv;
  if (!file) throw new Error('empty argv');
  fs.mkdirSync(path.dirname(request.logFile), { recursive: true });
  fs.appendFileSync(request.logFile, '');
  const child = execa(file, args, {
    cwd: request.cwd,
    env: childEnvironment(request.env, request.baseEnvironment),
    extendEnv: false,
    detached: true,
    // The daemon must survive the bot: no kill on the bot's exit, no pipe back to it.
    cleanup: false,
    stdin: 'ignore',
    stdout: { file: request.logFile, append: true },
    stderr: { file: request.logFile, append: true },
    reject: false,
  });
  child.unref();
  let exited: { exitCode?: number; code?: string } | undefined;
  const ended = child.then((result) => {
    exited = result as unknown as { exitCode?: number; code?: string };
  });
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, request.settleMs).unref())]);
  const output = fs.readFileSync(request.logFile, 'utf8').slice(0, 64 * 1024);
  if (!exited) return { pid: child.pid, alive: true, exitCode: null, output };
  const spawnError =
    exited.code === 'ENOENT'
      ? fs.existsSync(request.cwd) ? `could not start "${file}": it is not on PATH` : `could not start "${file}": the working directory ${request.cwd} does not exist`
      : undefined;
  return { pid: child.pid, alive: false, exitCode: exited.exitCode ?? null, spawnError, output };
}
