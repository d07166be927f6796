// Gathers Dagster evidence: the webserver's GraphQL API first; where it does not answer, the CLI (liveness-check, schedule list).
import type { CommandRunner } from '../process/run-command.js';
import { parseInstanceInfo, parseLivenessCheck, parseScheduleList } from './cli-parsers.js';
import type { DagsterEvidence, ScheduleEvidence } from './evidence.js';
import { DagsterError, type DagsterClient, type ScheduleStatus, type Tick } from './graphql-client.js';

export interface DagsterCliCommands {
  liveness: string[];
  scheduleList: string[];
  instanceInfo: string[];
}

export const defaultCliCommands: DagsterCliCommands = {
  liveness: ['uv', 'run', 'dagster-daemon', 'liveness-check'],
  scheduleList: ['uv', 'run', 'dagster', 'schedule', 'list'],
  instanceInfo: ['uv', 'run', 'dagster', 'instance', 'info'],
};

export interface ProbeOptions {
  /** Undefined when DAGSTER_URL is not set: the CLI answers alone. */
  client?: DagsterClient;
  runCommand: CommandRunner;
  /** The databox checkout: the CLI runs there. */
  cwd: string;
  cli?: DagsterCliCommands;
  cliTimeoutMs?: number;
  now: Date;
  /** Skip the CLI fallback (the watcher judges the webserver alone, and a CLI per poll would be heavy). */
  webserverOnly?: boolean;
}

function iso(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null;
}

function scheduleEvidence(s: ScheduleStatus, now: Date): ScheduleEvidence {
  const tick: Tick | null = s.lastTick;
  return {
    name: s.name,
    status: s.status,
    cron: s.cronSchedule,
    lastTickAt: iso(tick?.timestamp),
    lastTickStatus: tick?.status ?? null,
    lastSuccessAt: iso(s.lastSuccess?.timestamp),
    sinceLastTickSeconds: tick ? Math.max(0, Math.round(now.getTime() / 1000 - tick.timestamp)) : null,
  };
}

async function fromWebserver(client: DagsterClient, now: Date): Promise<DagsterEvidence> {
  const evidence: DagsterEvidence = { source: 'graphql', checkedAt: now.toISOString(), unparsed: [], problems: [] };
  // Daemon health first: when the webserver is down this throws and the caller falls back to the CLI.
  const daemons = await client.daemonHealth();
  evidence.daemons = daemons.map((d) => ({
    type: d.daemonType,
    required: d.required,
    healthy: d.healthy,
    heartbeatAgeSeconds: d.lastHeartbeatTime === null ? null : Math.max(0, Math.round(now.getTime() / 1000 - d.lastHeartbeatTime)),
    errors: d.lastHeartbeatErrors.map((e) => e.message),
  }));
  try {
    evidence.schedules = (await client.schedules()).map((s) => scheduleEvidence(s, now));
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    evidence.problems.push(error.message);
  }
  return evidence;
}

async function fromCli(options: ProbeOptions, webserverProblem?: string): Promise<DagsterEvidence> {
  const cli = options.cli ?? defaultCliCommands;
  const timeoutMs = options.cliTimeoutMs ?? 120_000;
  const evidence: DagsterEvidence = { source: 'cli', checkedAt: options.now.toISOString(), webserverProblem, unparsed: [], problems: [] };
  const run = async (argv: string[]) => {
    const result = await options.runCommand({ argv, cwd: options.cwd, timeoutMs });
    if (result.spawnError) evidence.problems.push(`${argv.join(' ')}: ${result.spawnError}`);
    else if (result.timedOut) evidence.problems.push(`${argv.join(' ')} did not finish within ${timeoutMs / 1000} s`);
    return result;
  };
  const liveness = await run(cli.liveness);
  if (!liveness.spawnError && !liveness.timedOut) {
    const parsed = parseLivenessCheck(liveness.output, liveness.exitCode, cli.liveness.join(' '));
    if (parsed.ok) evidence.daemonLive = parsed.value.live;
    else evidence.unparsed.push(parsed.unparsed);
  }
  const list = await run(cli.scheduleList);
  if (!list.spawnError && !list.timedOut) {
    const parsed = parseScheduleList(list.output, list.exitCode, cli.scheduleList.join(' '));
    if (parsed.ok) {
      // The CLI says whether each schedule runs, not when it last ticked.
      evidence.schedules = parsed.value.map((s) => ({ name: s.name, status: s.status, cron: s.cron, lastTickAt: null, lastTickStatus: null, lastSuccessAt: null, sinceLastTickSeconds: null }));
    } else {
      evidence.unparsed.push(parsed.unparsed);
    }
  }
  const info = await run(cli.instanceInfo);
  if (!info.spawnError && !info.timedOut) {
    const parsed = parseInstanceInfo(info.output, info.exitCode, cli.instanceInfo.join(' '));
    if (!parsed.ok) evidence.unparsed.push(parsed.unparsed);
    else if (parsed.value.dagsterHome === null) evidence.problems.push('DAGSTER_HOME is not set: Dagster uses an ephemeral instance, so no schedule state persists');
  }
  return evidence;
}

/** Asks the webserver; where it does not answer (down, slow, an error payload), asks the CLI instead and says why. */
export async function probeDagster(options: ProbeOptions): Promise<DagsterEvidence> {
  if (options.client) {
    try {
      return await fromWebserver(options.client, options.now);
    } catch (error) {
      if (!(error instanceof DagsterError)) throw error;
      if (options.webserverOnly) {
        return { source: 'graphql', checkedAt: options.now.toISOString(), webserverProblem: error.message, unparsed: [], problems: [error.message] };
      }
      return fromCli(options, error.message);
    }
  }
  if (options.webserverOnly) return { source: 'graphql', checkedAt: options.now.toISOString(), unparsed: [], problems: ['DAGSTER_URL is not set'] };
  return fromCli(options);
}
