// Starts the Dagster daemon detached (it outlives the bot) and checks a few seconds later that it is alive and heartbeating.
import fs from 'node:fs';
import { parseLivenessCheck } from './cli-parsers.js';
import { DagsterError, type DagsterClient, type DaemonHealth, type DaemonStatus } from './graphql-client.js';
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
  /** How long after a first look a second one is taken, where Dagster's clock is unknown (no Date header). */
  recheckMs?: number;
}

/**
 * Each daemon heartbeats every 30 s (DAEMON_HEARTBEAT_INTERVAL_SECONDS): a second look this much after the first sees a
 * newer heartbeat from a daemon process that runs, whatever the clocks say.
 */
const heartbeatRecheckMs = 35_000;

export interface DaemonStartResult {
  status: 'ok' | 'exited' | 'not-heartbeating';
  pid?: number;
  startedAt: string;
  summary: string;
  /** The start of the daemon's log, and what the heartbeat check saw. */
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface HeartbeatCheck {
  ok: boolean;
  said: string;
  /** Answered with no Date header: the newest heartbeat (epoch seconds, Dagster's clock), to compare a later look with. */
  newestUnclocked?: number;
}

/**
 * The newest heartbeat of any daemon in an answer with no Date header (Dagster's clock unknown), if any; none where
 * Dagster itself calls every required daemon unhealthy with no error: silent past its tolerance by its own clock.
 */
function newestUnclocked(health: DaemonHealth): number | undefined {
  const heartbeats = health.statuses.map((d) => d.lastHeartbeatTime).filter((t): t is number => t !== null);
  const required = health.statuses.filter((d) => d.required);
  const silentByDagster = required.length > 0 && required.every((d) => d.healthy === false && d.lastHeartbeatErrors.length === 0);
  return health.answeredAt === undefined && heartbeats.length > 0 && !silentByDagster ? Math.max(...heartbeats) : undefined;
}

/**
 * Whether daemons heartbeated since `sinceMs` (the bot's clock): `every` required one, or `any` daemon at all; by GraphQL,
 * else liveness-check. The heartbeats are stamped by Dagster's clock: `sinceMs` is moved by how far it is from the bot's,
 * read off the webserver's Date header, so a bot's clock ahead neither hides a fresh heartbeat nor ages a running daemon.
 * With no Date header, `before` (each daemon's heartbeat at a look before the start) says it instead: a newer one came since.
 */
async function heartbeatsSince(request: DaemonStartRequest, sinceMs: number, which: 'every' | 'any', before?: Map<string, number | null>): Promise<HeartbeatCheck> {
  if (request.client) {
    try {
      const health = await request.client.daemonHealth();
      const botNow = request.clock().getTime();
      const dagsterNow = health.answeredAt ?? botNow;
      const sinceSeconds = (sinceMs + dagsterNow - botNow) / 1000;
      const newerThanBefore = (d: DaemonStatus) => {
        const earlier = before?.get(d.daemonType) ?? null;
        return d.lastHeartbeatTime !== null && (earlier === null || d.lastHeartbeatTime > earlier);
      };
      const heard = (d: DaemonStatus) =>
        health.answeredAt === undefined && before !== undefined ? newerThanBefore(d) : d.lastHeartbeatTime !== null && d.lastHeartbeatTime >= sinceSeconds - 1;
      if (which === 'any') {
        const recent = health.statuses.filter(heard);
        const ages = recent.map((d) => `${d.daemonType} ${formatDuration(Math.max(0, dagsterNow - (d.lastHeartbeatTime as number) * 1000))} ago`);
        if (recent.length > 0) return { ok: true, said: `a daemon heartbeated within the last ${formatDuration(botNow - sinceMs)} by Dagster's clock: ${ages.join(', ')}` };
        const newest = newestUnclocked(health);
        return { ok: false, said: 'no daemon heartbeated lately', ...(newest !== undefined ? { newestUnclocked: newest } : {}) };
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
  if (check.ok) return check.said;
  // No Date header (a proxy stripped it): "no heartbeat lately" is by the bot's clock, which may be ahead of Dagster's.
  // A second look, an interval later, sees a newer heartbeat from a process that runs, whatever the clocks.
  if (check.newestUnclocked === undefined || !request.client) return undefined;
  const waitMs = request.recheckMs ?? heartbeatRecheckMs;
  await sleep(waitMs);
  try {
    const again = newestUnclocked(await request.client.daemonHealth());
    if (again === undefined || again <= check.newestUnclocked) return undefined;
    const behind = formatDuration(Math.max(0, request.clock().getTime() - again * 1000));
    return `a daemon heartbeated between two looks ${formatDuration(waitMs)} apart; Dagster's webserver sent no Date header, and its newest heartbeat is ${behind} before the bot's clock, so the bot's clock is ahead of Dagster's`;
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return undefined;
  }
}

/** Each daemon's heartbeat before the start, where the webserver says no Date header: what a heartbeat since is newer than. */
async function heartbeatsBefore(request: DaemonStartRequest): Promise<Map<string, number | null> | undefined> {
  if (!request.client) return undefined;
  try {
    const health = await request.client.daemonHealth();
    return health.answeredAt === undefined ? new Map(health.statuses.map((d) => [d.daemonType, d.lastHeartbeatTime])) : undefined;
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return undefined;
  }
}

/** Where an exited daemon's output is: "below" only when there is some, as an empty log shows nothing below. */
function outputWhere(output: string, logFile: string): string {
  return output.trim() === '' ? ` and printed nothing (its log, empty, is ${logFile})` : `; its output is below and in ${logFile}`;
}

export async function startDaemon(request: DaemonStartRequest): Promise<DaemonStartResult> {
  const before = await heartbeatsBefore(request);
  const startedAt = request.clock();
  const started = await (request.startDetached ?? startDetached)({ argv: request.argv, cwd: request.cwd, logFile: request.logFile, settleMs: request.settleMs });
  const startedAtIso = startedAt.toISOString();
  if (!started.alive) {
    const how = started.spawnError ?? `exited at once with code ${started.exitCode ?? 'unknown'}`;
    return { status: 'exited', pid: started.pid, startedAt: startedAtIso, summary: `${request.argv.join(' ')} ${how}${outputWhere(started.output, request.logFile)}`, output: started.output };
  }
  const pid = started.pid as number;
  const deadline = Date.now() + request.heartbeatWaitMs;
  let last = '';
  for (;;) {
    if (!processAlive(pid)) {
      const output = fs.readFileSync(request.logFile, 'utf8').slice(0, 64 * 1024);
      return { status: 'exited', pid, startedAt: startedAtIso, summary: `PID ${pid} exited before it heartbeated${outputWhere(output, request.logFile)}`, output };
    }
    const check = await heartbeatsSince(request, startedAt.getTime(), 'every', before);
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
