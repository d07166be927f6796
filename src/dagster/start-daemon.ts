// Starts the Dagster daemon detached (it outlives the bot) and checks a few seconds later that it is alive and heartbeating.
import fs from 'node:fs';
import { parseLivenessCheck } from './cli-parsers.js';
import { DagsterError, type DagsterClient, type DaemonStatus } from './graphql-client.js';
import { formatDuration } from '../format-duration.js';
import { processAlive } from '../process/alive.js';
import type { CommandRunner } from '../process/run-command.js';
import { startDetached, type DetachedStarter } from '../process/start-detached.js';

export interface DaemonStartRequest {
  argv: string[];
  cwd: string;
  logFile: string;
  /** How long the process must stay up before its heartbeat is looked for. */
  settleMs: number;
  /** How long to wait for a fresh heartbeat after that. */
  heartbeatWaitMs: number;
  pollMs?: number;
  client?: DagsterClient;
  runCommand: CommandRunner;
  /** Starts the daemon: from the bot's command host; absent, from this process. */
  startDetached?: DetachedStarter;
  livenessArgv: string[];
  clock: () => Date;
}

export interface DaemonStartResult {
  status: 'ok' | 'exited' | 'not-heartbeating';
  pid?: number;
  startedAt: string;
  summary: string;
  /** The start of the daemon's log, and what the heartbeat check saw. */
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether daemons heartbeated since `sinceMs` (the bot's clock): `every` required one, or `any` daemon at all; by GraphQL,
 * else liveness-check. The heartbeats are stamped by Dagster's clock: `sinceMs` is moved by how far it is from the bot's,
 * read off the webserver's Date header, so a bot's clock ahead neither hides a fresh heartbeat nor ages a running daemon.
 */
async function heartbeatsSince(request: DaemonStartRequest, sinceMs: number, which: 'every' | 'any'): Promise<{ ok: boolean; said: string }> {
  if (request.client) {
    try {
      const health = await request.client.daemonHealth();
      const botNow = request.clock().getTime();
      const dagsterNow = health.answeredAt ?? botNow;
      const sinceSeconds = (sinceMs + dagsterNow - botNow) / 1000;
      const heard = (d: DaemonStatus) => d.lastHeartbeatTime !== null && d.lastHeartbeatTime >= sinceSeconds - 1;
      if (which === 'any') {
        const recent = health.statuses.filter(heard);
        const ages = recent.map((d) => `${d.daemonType} ${formatDuration(Math.max(0, dagsterNow - (d.lastHeartbeatTime as number) * 1000))} ago`);
        return recent.length > 0 ? { ok: true, said: `a daemon heartbeated within the last ${formatDuration(botNow - sinceMs)} by Dagster's clock: ${ages.join(', ')}` } : { ok: false, said: 'no daemon heartbeated lately' };
      }
      const required = health.statuses.filter((d) => d.required);
      const silent = required.filter((d) => !heard(d));
      if (required.length > 0 && silent.length === 0) return { ok: true, said: `every required daemon (${required.map((d) => d.daemonType).join(', ')}) heartbeated since the start` };
      return { ok: false, said: `no heartbeat since the start from ${silent.map((d) => d.daemonType).join(', ') || 'any daemon'}` };
    } catch (error) {
      if (!(error instanceof DagsterError)) throw error;
      // The webserver may be down too: the CLI can still tell.
    }
  }
  const result = await request.runCommand({ argv: request.livenessArgv, cwd: request.cwd, timeoutMs: 60_000 });
  const parsed = parseLivenessCheck(result.output, result.exitCode, request.livenessArgv.join(' '));
  if (!parsed.ok) return { ok: false, said: `could not parse the output of ${request.livenessArgv.join(' ')}: ${result.spawnError ?? result.output.trim()}` };
  return { ok: parsed.value.live, said: `${request.livenessArgv.join(' ')}: ${parsed.value.live ? 'Daemon live' : 'Daemon(s) not running'}` };
}

/**
 * Whether a daemon process already runs: any daemon heartbeated within the threshold. Then nothing is started, so there
 * is never a second one; one required daemon silent while another heartbeats is a thread of that process lagging, which
 * a second daemon would not cure.
 */
export async function daemonAlreadyRunning(request: DaemonStartRequest, heartbeatMaxAgeSeconds: number): Promise<string | undefined> {
  const check = await heartbeatsSince(request, request.clock().getTime() - heartbeatMaxAgeSeconds * 1000, 'any');
  return check.ok ? check.said : undefined;
}

export async function startDaemon(request: DaemonStartRequest): Promise<DaemonStartResult> {
  const startedAt = request.clock();
  const started = await (request.startDetached ?? startDetached)({ argv: request.argv, cwd: request.cwd, logFile: request.logFile, settleMs: request.settleMs });
  const startedAtIso = startedAt.toISOString();
  if (!started.alive) {
    const how = started.spawnError ?? `exited at once with code ${started.exitCode ?? 'unknown'}`;
    return { status: 'exited', pid: started.pid, startedAt: startedAtIso, summary: `${request.argv.join(' ')} ${how}; its output is below and in ${request.logFile}`, output: started.output };
  }
  const pid = started.pid as number;
  const deadline = Date.now() + request.heartbeatWaitMs;
  let last = '';
  for (;;) {
    if (!processAlive(pid)) {
      return { status: 'exited', pid, startedAt: startedAtIso, summary: `PID ${pid} exited before it heartbeated; its output is below and in ${request.logFile}`, output: fs.readFileSync(request.logFile, 'utf8').slice(0, 64 * 1024) };
    }
    const check = await heartbeatsSince(request, startedAt.getTime(), 'every');
    last = check.said;
    if (check.ok) {
      return { status: 'ok', pid, startedAt: startedAtIso, summary: `started PID ${pid} at ${startedAtIso.slice(11, 19)} UTC, left running (output in ${request.logFile}); ${check.said}`, output: fs.readFileSync(request.logFile, 'utf8').slice(0, 64 * 1024) };
    }
    if (Date.now() >= deadline) break;
    await sleep(request.pollMs ?? 2_000);
  }
  return {
    status: 'not-heartbeating',
    pid,
    startedAt: startedAtIso,
    summary: `PID ${pid} is running but not heartbeating after ${Math.round((request.settleMs + request.heartbeatWaitMs) / 1000)} s (${last}); it was left running, its output is in ${request.logFile}`,
    output: started.output,
  };
}
