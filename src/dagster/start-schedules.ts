// Starts the named Dagster schedules one by one: GraphQL startSchedule where DAGSTER_URL is set, else `dagster schedule start <name>`.
import { alreadyRunning, scheduleCliArgv, scheduleCliCalls, type ScheduleCliRequest } from './schedule-cli.js';
import { DagsterError, repositoryLabel, type DagsterClient, type RepositoryRef, type ScheduleStatus } from './graphql-client.js';

/** `dagster schedule start <name> -f <file>`: the CLI starts one schedule per call. */
export function scheduleStartArgv(name: string, definitionsFile: string): string[] {
  return scheduleCliArgv('start', name, definitionsFile);
}

export interface ScheduleOutcome {
  name: string;
  /** unknown: the request went out and no answer that can be read came back, so it may have started. */
  outcome: 'started' | 'already-running' | 'left-off' | 'failed' | 'unknown' | 'not-tried';
  detail: string;
  /**
   * What a rollback stops, set on a start that happened or may have (unknown): "name@repository@code-location" through
   * the webserver, the name through the CLI.
   */
  copy?: string;
  /** Started through the webserver: the start's time as Dagster keeps it (epoch seconds), which a stop and start since changes. */
  startTimestamp?: number;
}

export interface StartSchedulesResult {
  /** ok: every named schedule runs now; unknown: whether one started is not known; failed: at least one did not. */
  status: 'ok' | 'unknown' | 'failed';
  summary: string;
  output: string;
  outcomes: ScheduleOutcome[];
}

/** The CLI's request for `start` (its time for the whole step), and what the webserver's way needs besides. */
export type StartSchedulesRequest = Omit<ScheduleCliRequest, 'verb'> & {
  /** Set: through the webserver; unset: through the CLI. */
  client?: DagsterClient;
  /** The copies the approved plan names, each in its repository: only those are started (a plan made before these were kept: unset). */
  planned?: readonly { name: string; repository: RepositoryRef }[];
  /** The run's clock, for how lately a STOPPED copy ticked. */
  now?: Date;
};

/** Sent with no answer that can be read: the webserver may have started it (as a backfill may have been launched). */
const mayHaveStarted = new Set(['timeout', 'http', 'bad-answer']);

export async function startSchedules(request: StartSchedulesRequest): Promise<StartSchedulesResult> {
  const outcomes = request.client ? await throughWebserver(request, request.client) : await throughCli(request);
  return summarise(outcomes);
}

async function throughWebserver(request: StartSchedulesRequest, client: DagsterClient): Promise<ScheduleOutcome[]> {
  let listed: ScheduleStatus[];
  try {
    listed = (await client.schedulesOfEachRepository()).schedules;
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return request.names.map((name) => ({ name, outcome: 'failed', detail: `not started: the webserver could not list its schedules (${error.message})` }));
  }
  const outcomes: ScheduleOutcome[] = [];
  for (const name of request.names) {
    if (request.signal?.aborted) {
      outcomes.push({ name, outcome: 'not-tried', detail: 'not started: the run was stopped' });
      continue;
    }
    const copies = listed.filter((s) => s.name === name);
    if (copies.length === 0) {
      outcomes.push({ name, outcome: 'failed', detail: `the webserver lists no schedule of that name (it lists: ${[...new Set(listed.map((s) => s.name))].join(', ') || 'none'})` });
      continue;
    }
    const { start, stopped } = copiesToStart(copies, (request.now ?? new Date()).getTime());
    // The approved plan names the copies it starts: one in another repository (STOPPED since, say) is not started.
    const planned = request.planned?.filter((p) => p.name === name);
    const chosen = planned ? start.filter((s) => planned.some((p) => repositoryLabel(p.repository) === where(s))) : start;
    if (stopped.length === 0) {
      outcomes.push({ name, outcome: 'already-running', detail: `already RUNNING in ${copies.map((s) => where(s)).join(', ')}: left as it is` });
      continue;
    }
    for (const schedule of chosen) outcomes.push(await startOne(client, schedule, copies.length > 1));
    for (const schedule of stopped.filter((s) => !chosen.includes(s))) {
      const why = start.includes(schedule) ? 'not among the copies the approved plan named (diagnose again to start it)' : 'STOPPED long ago or never ticked, beside a copy of the same name paused lately';
      outcomes.push({ name: `${schedule.name} (${where(schedule)})`, outcome: 'left-off', detail: `left off: ${why}` });
    }
  }
  return outcomes;
}

/**
 * Which copies of one schedule name to start: the same name in several repositories (a staging copy, say), the STOPPED
 * copies that ticked lately are the paused ones, and a copy off for long (or never on) beside them stays off; with no
 * such copy, every STOPPED one was asked for. `running`: the copies RUNNING.
 */
export function copiesToStart(copies: readonly ScheduleStatus[], now: number): { start: ScheduleStatus[]; stopped: ScheduleStatus[]; running: ScheduleStatus[] } {
  const stopped = copies.filter((s) => s.status !== 'RUNNING');
  const lately = stopped.filter((s) => tickedWithin(s, pausedLatelyMs, now));
  return { start: lately.length > 0 ? lately : stopped, stopped, running: copies.filter((s) => s.status === 'RUNNING') };
}

/** How recent a tick makes a STOPPED copy "paused lately": the diagnosis' default for a schedule switched off on purpose. */
export const pausedLatelyMs = 31 * 86_400_000;

/** When a schedule last ticked (or last succeeded), in ms; 0 when never. */
export function lastTickMs(schedule: ScheduleStatus): number {
  return Math.max(schedule.lastTick?.timestamp ?? 0, schedule.lastSuccess?.timestamp ?? 0) * 1000;
}

/** Whether a schedule ticked (or last succeeded) within `ms` of `now`. */
export function tickedWithin(schedule: ScheduleStatus, ms: number, now: number): boolean {
  const last = lastTickMs(schedule);
  return last > 0 && now - last <= ms;
}

function where(schedule: ScheduleStatus): string {
  return repositoryLabel(schedule.repository);
}

async function startOne(client: DagsterClient, schedule: ScheduleStatus, nameRepository: boolean): Promise<ScheduleOutcome> {
  const name = nameRepository ? `${schedule.name} (${where(schedule)})` : schedule.name;
  try {
    const { status, startTimestamp } = await client.startSchedule(schedule.repository, schedule.name);
    return status === 'RUNNING'
      ? { name, outcome: 'started', detail: `started through the webserver (${where(schedule)})`, copy: `${schedule.name}@${where(schedule)}`, ...(startTimestamp === undefined ? {} : { startTimestamp }) }
      : { name, outcome: 'failed', detail: `the webserver answered, but calls it ${status}` };
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    if (alreadyRunning.test(error.message)) return { name, outcome: 'already-running', detail: error.message };
    if (mayHaveStarted.has(error.kind)) {
      return { name, outcome: 'unknown', detail: `${error.message}: whether it started is not known; look at its status in the Dagster UI (Overview → Schedules), or diagnose again`, copy: `${schedule.name}@${where(schedule)}` };
    }
    return { name, outcome: 'failed', detail: error.message };
  }
}

async function throughCli(request: StartSchedulesRequest): Promise<ScheduleOutcome[]> {
  const calls = await scheduleCliCalls({ ...request, verb: 'start', onStart: request.onStart });
  return calls.map(({ name, outcome, detail }): ScheduleOutcome => {
    if (outcome === 'done') return { name, outcome: 'started', detail, copy: name };
    if (outcome === 'already') return { name, outcome: 'already-running', detail };
    // A start cut short may have happened: the rollback stops it, or finds it STOPPED and leaves it.
    if (outcome === 'unknown') return { name, outcome, detail, copy: name };
    return { name, outcome, detail };
  });
}

function summarise(outcomes: ScheduleOutcome[]): StartSchedulesResult {
  const named = (which: ScheduleOutcome['outcome']) => outcomes.filter((o) => o.outcome === which).map((o) => o.name);
  const [started, running, leftOff, unknown, untried] = [named('started'), named('already-running'), named('left-off'), named('unknown'), named('not-tried')];
  // Why each did not start, in the summary itself: the output block is what a skimming reader misses.
  const failed = outcomes.filter((o) => o.outcome === 'failed').map((o) => `${o.name} (${o.detail})`);
  const parts = [
    started.length > 0 ? `started ${started.join(', ')}` : '',
    running.length > 0 ? `already running: ${running.join(', ')}` : '',
    leftOff.length > 0 ? `left off (off for long beside a copy paused lately): ${leftOff.join(', ')}` : '',
    unknown.length > 0 ? `not known whether started (no usable answer came back): ${unknown.join(', ')}` : '',
    failed.length > 0 ? `NOT started: ${failed.join(', ')}` : '',
    untried.length > 0 ? `not tried: ${untried.join(', ')}` : '',
  ].filter((p) => p !== '');
  const ok = failed.length === 0 && unknown.length === 0 && untried.length === 0;
  return {
    status: ok ? 'ok' : failed.length === 0 && untried.length === 0 ? 'unknown' : 'failed',
    // Starting a schedule twice changes nothing: a plan made from a new diagnosis finishes what this one did not (the
    // same recover command is refused, as this run changed things since the incident's diagnosis).
    summary: `${parts.join('; ')}${ok ? '' : ' (starting a schedule again is harmless: once the cause is fixed, diagnose again and start what it still finds paused)'}`,
    output: outcomes.map((o) => `${o.name}: ${o.outcome} — ${o.detail}`).join('\n'),
    outcomes,
  };
}
