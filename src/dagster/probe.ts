// Gathers Dagster evidence: the webserver's GraphQL API first; each part it cannot give, the CLI (liveness-check, schedule list).
import type { CommandRunner } from '../process/run-command.js';
import { schemaMismatch } from './schema-mismatch.js';
import { daemonsByDagsterClock } from './daemon-heartbeats.js';
import type { HeartbeatsSeen } from './heartbeats-seen.js';
import { parseInstanceInfo, parseLivenessCheck, parseScheduleList } from './cli-parsers.js';
import type { DaemonEvidence, DagsterClock, DagsterEvidence, ScheduleEvidence, UnreadableSchedules } from './evidence.js';
import { queuedTooLong, type QueuedTooLong } from './queued-runs.js';
import { DagsterError, repositoryLabel, type DagsterClient, type DagsterErrorKind, type ScheduleStatus, type Tick, type UnloadedLocation } from './graphql-client.js';

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
  /** A watcher's earlier looks at the newest heartbeat: Dagster's clock when its webserver sends no Date header. */
  heartbeatsSeen?: HeartbeatsSeen;
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
    // A PythonError's message can run to a traceback: its first line says what failed.
    lastTickError: tick?.status === 'FAILURE' ? (tick.error?.message.trim().split('\n')[0]?.slice(0, 300) || null) : null,
    lastSuccessAt: iso(s.lastSuccess?.timestamp),
    sinceLastTickSeconds: tick ? Math.max(0, Math.round(now.getTime() / 1000 - tick.timestamp)) : null,
    repository: repositoryLabel(s.repository),
    ...(s.executionTimezone ? { timezone: s.executionTimezone } : {}),
    ...pausedOnPurpose(s.description),
  };
}

/** The reason a schedule's description gives on a line `databox/paused: <reason>`: switched off on purpose, never started by a plan. */
function pausedOnPurpose(description: string | null): { pausedOnPurpose?: string } {
  const marker = /^\s*databox\/paused:\s*(.*)$/m.exec(description ?? '');
  return marker ? { pausedOnPurpose: marker[1]?.trim().slice(0, 200) || '(no reason given)' } : {};
}

/** A part the webserver was asked for whose answer cannot be used, and why. */
interface Unusable {
  part: 'daemons' | 'schedules';
  error: DagsterError;
}

interface WebserverAnswer {
  daemons?: DaemonEvidence[];
  dagsterClock?: DagsterClock;
  schedules?: ScheduleEvidence[];
  unloadedLocations?: UnloadedLocation[];
  unreadableRepositories?: UnreadableSchedules[];
  repositoryJobs?: Record<string, string[]>;
  /** Why the code locations could not be listed, when they were asked for and were not. */
  locationsProblem?: string;
  /** The runs waiting in the queue for over an hour, when asked for (the diagnosis, not the watcher). */
  queued?: QueuedTooLong;
  unusable: Unusable[];
}

/** A webserver that cannot be reached, or answers too slowly, would fail the next question the same way, as slowly. */
const silent = new Set<DagsterErrorKind>(['unreachable', 'timeout']);

/**
 * Dagster's messages (a PythonError's) often end in a line break, which would leave a lone ")" in a step's summary, or
 * run on into a stack trace, which would break the verdict's line: their first line says what failed.
 */
function said(error: DagsterError): string {
  return error.message.trim().split('\n')[0]?.trim() ?? '';
}

async function fromWebserver(client: DagsterClient, now: Date, askLocations: boolean, heartbeatsSeen?: HeartbeatsSeen): Promise<WebserverAnswer> {
  const answer: WebserverAnswer = { unusable: [] };
  try {
    const { daemons, clock } = daemonsByDagsterClock(await client.daemonHealth(), now, heartbeatsSeen);
    answer.daemons = daemons;
    answer.dagsterClock = clock;
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    answer.unusable.push({ part: 'daemons', error });
    if (silent.has(error.kind)) {
      answer.unusable.push({ part: 'schedules', error });
      return answer;
    }
  }
  try {
    const read = await client.schedulesOfEachRepository();
    answer.schedules = read.schedules.map((s) => scheduleEvidence(s, now));
    // A PythonError's message can run to a traceback: its first line says what failed.
    answer.unreadableRepositories = read.unreadable.map((u) => ({ repository: repositoryLabel(u.repository), error: u.said.split('\n')[0]?.slice(0, 300) ?? '', ours: u.ours }));
    answer.repositoryJobs = read.jobs;
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    answer.unusable.push({ part: 'schedules', error });
  }
  // A webserver that just left the schedules unanswered would leave this unanswered as slowly.
  const wentSilent = answer.unusable.some((u) => silent.has(u.error.kind));
  try {
    if (askLocations && !wentSilent) answer.unloadedLocations = await client.unloadedLocations();
  } catch (error) {
    // Extra evidence: a webserver that cannot say (a PythonError, an older Dagster's schema) leaves the rest as it is,
    // but the evidence says why the locations are unknown. A PythonError's message can run to a traceback: its first line.
    if (!(error instanceof DagsterError)) throw error;
    answer.locationsProblem = said(error).split('\n')[0]?.slice(0, 300);
  }
  // Extra evidence as the locations are: a run queue that starts nothing makes starting schedules or a backfill queue more.
  if (askLocations && !wentSilent) answer.queued = await queuedTooLong(client, now);
  return answer;
}

/** Why the evidence is not all the webserver's: its one failure, or which parts the CLI read instead and why. */
function whyNotWebserver(answer: WebserverAnswer): string {
  const messages = new Set(answer.unusable.map((u) => said(u.error)));
  if (messages.size === 1 && !answer.daemons && !answer.schedules) return [...messages][0] as string;
  const parts = answer.unusable.map((u) =>
    u.part === 'daemons' ? `its daemon health could not be used, so the CLI was asked: ${said(u.error)}` : `its schedules could not be used, so the CLI listed them: ${said(u.error)}`,
  );
  const kept = answer.daemons ? 'the daemons are' : answer.schedules ? 'the schedules are' : undefined;
  return [...parts, ...(kept ? [`${kept} the webserver's`] : [])].join('; ');
}

/** Asks the CLI for the parts named (all by default): liveness-check for the daemons, schedule list and instance info for the schedules. */
async function fromCli(options: ProbeOptions, webserverProblem?: string, parts = { daemons: true, schedules: true }): Promise<DagsterEvidence> {
  const cli = options.cli ?? defaultCliCommands;
  const timeoutMs = options.cliTimeoutMs ?? 120_000;
  const evidence: DagsterEvidence = { source: 'cli', checkedAt: options.now.toISOString(), webserverProblem, unparsed: [], problems: [] };
  const run = async (argv: string[]) => {
    const result = await options.runCommand({ argv, cwd: options.cwd, timeoutMs });
    if (result.spawnError) evidence.problems.push(`${argv.join(' ')}: ${result.spawnError}`);
    else if (result.timedOut) evidence.problems.push(`${argv.join(' ')} did not finish within ${timeoutMs / 1000} s`);
    return result;
  };
  if (parts.daemons) {
    const liveness = await run(cli.liveness);
    if (!liveness.spawnError && !liveness.timedOut) {
      const parsed = parseLivenessCheck(liveness.output, liveness.exitCode, cli.liveness.join(' '));
      if (parsed.ok) evidence.daemonLive = parsed.value.live;
      else evidence.unparsed.push(parsed.unparsed);
    }
  }
  if (!parts.schedules) return evidence;
  const list = await run(cli.scheduleList);
  if (!list.spawnError && !list.timedOut) {
    const parsed = parseScheduleList(list.output, list.exitCode, cli.scheduleList.join(' '));
    if (parsed.ok) {
      // The CLI says whether each schedule runs, not when it last ticked.
      evidence.schedules = parsed.value.map((s) => ({ name: s.name, status: s.status, cron: s.cron, lastTickAt: null, lastTickStatus: null, lastTickError: null, lastSuccessAt: null, sinceLastTickSeconds: null }));
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

/**
 * Asks the webserver; each part it cannot give (down, slow, an HTTP error, an error payload such as a PythonError, an
 * answer the bot cannot read) is asked of the CLI instead, and the evidence says why.
 */
export async function probeDagster(options: ProbeOptions): Promise<DagsterEvidence> {
  const checkedAt = options.now.toISOString();
  if (!options.client) {
    if (options.webserverOnly) return { source: 'graphql', checkedAt, unparsed: [], problems: ['DAGSTER_URL is not set'] };
    return fromCli(options);
  }
  // The watcher (webserver only, every poll) judges heartbeats and ticks alone: no third question each time.
  const answer = await fromWebserver(options.client, options.now, !options.webserverOnly, options.heartbeatsSeen);
  const { daemons, dagsterClock, schedules, unloadedLocations, unreadableRepositories, repositoryJobs, locationsProblem, queued } = answer;
  if (answer.unusable.length === 0) return { source: 'graphql', checkedAt, daemons, dagsterClock, schedules, unparsed: [], problems: [], unloadedLocations, unreadableRepositories, repositoryJobs, locationsProblem, queuedTooLong: queued };
  if (options.webserverOnly) {
    const daemonsProblem = answer.unusable.find((u) => u.part === 'daemons');
    const problems = [...new Set(answer.unusable.map((u) => said(u.error)))];
    const webserverSilent = daemonsProblem ? silent.has(daemonsProblem.error.kind) : undefined;
    // The repositories' jobs too: without them every repository's schedules would count as the stack's (stackSchedules).
    return { source: 'graphql', checkedAt, daemons, dagsterClock, schedules, webserverProblem: daemonsProblem && said(daemonsProblem.error), webserverSilent, unparsed: [], problems, unloadedLocations, unreadableRepositories, repositoryJobs, locationsProblem };
  }
  const cli = await fromCli(options, whyNotWebserver(answer), { daemons: !daemons, schedules: !schedules });
  const mismatch = answer.unusable.map((u) => (u.error.kind === 'graphql' ? schemaMismatch(u.error.message) : undefined)).find((m) => m !== undefined);
  // The CLI's schedules carry no tick times: the source says so, or a STOPPED one would read as never switched on.
  return { ...cli, source: schedules ? 'graphql' : 'cli', daemons, dagsterClock, schedules: schedules ?? cli.schedules, unloadedLocations, unreadableRepositories, repositoryJobs, locationsProblem, queuedTooLong: queued, ...(mismatch ? { schemaMismatch: mismatch } : {}) };
}
