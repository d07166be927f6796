// Talks to the Dagster webserver's GraphQL API (POST <DAGSTER_URL>/graphql) with a timeout; every failure is a DagsterError.
import { connectionFailureSaid } from './connection-failure-said.js';

/** Why an answer could not be used: the operator sees `message`; `kind` decides what the bot does next. */
/** `not-found`: Dagster answered that what was asked about does not exist (a run it does not know): asking again says the same. */
export type DagsterErrorKind = 'unreachable' | 'timeout' | 'http' | 'graphql' | 'python-error' | 'bad-answer' | 'not-found';

export class DagsterError extends Error {
  override readonly name = 'DagsterError';
  constructor(
    readonly kind: DagsterErrorKind,
    message: string,
    /** The raw answer, when there was one, so the thread can show what came back. */
    readonly raw?: string,
  ) {
    super(message);
  }
}

export interface DaemonStatus {
  daemonType: string;
  required: boolean;
  /** Dagster's own verdict; null while it has none. It tolerates a heartbeat up to 30 min old, so age is judged here too. */
  healthy: boolean | null;
  /** Epoch seconds of the last heartbeat, or null when there never was one. */
  lastHeartbeatTime: number | null;
  lastHeartbeatErrors: { message: string }[];
}

export interface DaemonHealth {
  statuses: DaemonStatus[];
  /**
   * The webserver's clock when it answered (epoch ms, its HTTP Date header, in whole seconds); undefined when it sent
   * none. The daemons stamp their heartbeats by the clock of the host they run on, usually the webserver's: ages counted
   * from it hold whatever the bot's clock says.
   */
  answeredAt?: number;
}

export interface Tick {
  /** Epoch seconds. */
  timestamp: number;
  status: 'STARTED' | 'SKIPPED' | 'SUCCESS' | 'FAILURE';
  error: { message: string } | null;
}

export interface ScheduleStatus {
  name: string;
  cronSchedule: string;
  executionTimezone: string | null;
  /** As its definition gives it (every Dagster version has it; tags on a schedule only the newer ones). */
  description: string | null;
  status: 'RUNNING' | 'STOPPED';
  lastTick: Tick | null;
  lastSuccess: Tick | null;
  /** The repository the webserver lists it under: what startSchedule's selector names. */
  repository: RepositoryRef;
}

export interface RepositoryRef {
  repositoryLocationName: string;
  repositoryName: string;
}

/** A repository as Dagster names it: repository@code-location. */
export function repositoryLabel(repository: RepositoryRef): string {
  return `${repository.repositoryName}@${repository.repositoryLocationName}`;
}

export interface BackfillRequest {
  assetKeys: string[][];
  start: string;
  end: string;
  title: string;
  tags: { key: string; value: string }[];
}

/** A code location the webserver has not loaded: its schedules and jobs are missing from every other answer. */
export interface UnloadedLocation {
  name: string;
  /** The first line of its load error, or "still loading". */
  error: string;
  /** The configured location (DAGSTER_LOCATION), or any location when none is configured. */
  ours: boolean;
}

/** A repository whose schedulesOrError was an error (a PythonError, RepositoryNotFoundError): its schedules are unknown. */
export interface UnreadableRepository {
  repository: RepositoryRef;
  error: DagsterError;
  /** Dagster's own message (a PythonError's), without the bot's words around it. */
  said: string;
  /** In the configured location (DAGSTER_LOCATION), or any location when none is configured: maybe the stack's own. */
  ours: boolean;
}

export interface DagsterClientOptions {
  /** The webserver's base URL, such as http://127.0.0.1:3000; /graphql is appended. */
  url: string;
  timeoutMs: number;
  /** The code location to read schedules from; found through repositoriesOrError when not given. */
  location?: string;
  /** A `Definitions` object's repository is named __repository__. */
  repository?: string;
}

const daemonHealthQuery = `query DataboxDaemonHealth {
  instance {
    daemonHealth {
      allDaemonStatuses { id daemonType required healthy lastHeartbeatTime lastHeartbeatErrors { message } }
    }
  }
}`;

const repositoriesQuery = `query DataboxRepositories {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection { nodes { name location { name } jobs { name } } }
    ... on PythonError { message }
  }
}`;

// Locations that failed to load are left out of repositoriesOrError (and their schedules with them): asked apart.
const workspaceQuery = `query DataboxWorkspace {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } }
    ... on PythonError { message }
  }
}`;

const schedulesQuery = `query DataboxSchedules($selector: RepositorySelector!) {
  schedulesOrError(repositorySelector: $selector) {
    __typename
    ... on Schedules {
      results {
        name
        cronSchedule
        executionTimezone
        description
        scheduleState {
          status
          lastTick: ticks(limit: 1) { timestamp status error { message } }
          lastSuccess: ticks(limit: 1, statuses: [SUCCESS]) { timestamp status error { message } }
        }
      }
    }
    ... on RepositoryNotFoundError { message }
    ... on PythonError { message }
  }
}`;

const backfillMutation = `mutation DataboxBackfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}`;

// typeSpecificData's startTimestamp: set by each start (ScheduleInstigatorData in Dagster's scheduler), cleared by a stop,
// so a copy stopped and started again since has another; the rollback tells the recovery's start from a later one by it.
const scheduleStarted = '... on ScheduleData { startTimestamp }';
const startScheduleMutation = `mutation DataboxStartSchedule($selector: ScheduleSelector!) {
  startSchedule(scheduleSelector: $selector) {
    __typename
    ... on ScheduleStateResult { scheduleState { status typeSpecificData { __typename ${scheduleStarted} } } }
    ... on Error { message }
  }
}`;

// The state a started schedule has now: its id and selector id are what stopRunningSchedule names it by.
const scheduleStateQuery = `query DataboxScheduleState($selector: ScheduleSelector!) {
  scheduleOrError(scheduleSelector: $selector) {
    __typename
    ... on Schedule { scheduleState { id selectorId status typeSpecificData { __typename ${scheduleStarted} } } }
    ... on Error { message }
  }
}`;

// Dagster since 1.8 names the state by its id alone (a compound of origin and selector ids); before, by both ids.
const stopScheduleById = `mutation DataboxStopSchedule($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}`;
const stopScheduleByOrigin = `mutation DataboxStopScheduleByOrigin($originId: String!, $selectorId: String!) {
  stopRunningSchedule(scheduleOriginId: $originId, scheduleSelectorId: $selectorId) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}`;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An answer's parsed body, and the webserver's clock when it sent it (epoch ms, its HTTP Date header), when it said. */
interface Answer {
  body: unknown;
  text: string;
  status: number;
  answeredAt?: number;
}

/**
 * The answer's `data`, or a DagsterError saying why there is none to use: an error in it (unless `errorsKept`: the
 * caller has found each one beside data it can use), an HTTP error, no data.
 */
function dataOf(answer: Answer, errorsKept = false): Json {
  const { body, text, status } = answer;
  const errors = isObject(body) && Array.isArray(body.errors) ? body.errors : [];
  if (errors.length > 0 && !errorsKept) {
    const first = errors[0] as Json;
    throw new DagsterError('graphql', `Dagster's GraphQL API answered with an error: ${String(first.message ?? JSON.stringify(first)).trim()}`, text.slice(0, 4000));
  }
  if (status >= 400) throw new DagsterError('http', `the Dagster webserver answered HTTP ${status}`, text.slice(0, 4000));
  if (!isObject(body) || !isObject(body.data)) throw new DagsterError('bad-answer', 'the Dagster webserver answered without data', text.slice(0, 4000));
  return body.data;
}

const daemonListPath = ['instance', 'daemonHealth', 'allDaemonStatuses'];

/**
 * The errors of a daemon health answer by the index of the daemon each is about, when every one is about a daemon the
 * list holds and Dagster does not require (its path instance.daemonHealth.allDaemonStatuses[i]…); undefined otherwise
 * (an error elsewhere, about a required daemon or one missing from the list, whose being required is unknown).
 */
function optionalDaemonErrors(body: unknown): Map<number, string[]> | undefined {
  if (!isObject(body) || !Array.isArray(body.errors) || body.errors.length === 0) return undefined;
  const list = ((isObject(body.data) ? body.data.instance : undefined) as Json | undefined)?.daemonHealth as Json | undefined;
  const daemons = isObject(list) && Array.isArray(list.allDaemonStatuses) ? list.allDaemonStatuses : undefined;
  if (!daemons) return undefined;
  const found = new Map<number, string[]>();
  for (const error of body.errors) {
    const path = isObject(error) && Array.isArray(error.path) ? error.path : [];
    const index = path[daemonListPath.length];
    const daemon = typeof index === 'number' ? daemons[index] : undefined;
    if (!daemonListPath.every((part, i) => path[i] === part) || !isObject(daemon) || daemon.required !== false) return undefined;
    found.set(index as number, [...(found.get(index as number) ?? []), String((error as Json).message ?? '').trim()]);
  }
  return found;
}

/** A union member that is an error (PythonError, RepositoryNotFoundError …) becomes a DagsterError naming it; `doing` says what Dagster was at. */
export function unionError(value: Json, what: string, doing = 'reading'): DagsterError | undefined {
  const typename = String(value.__typename ?? '');
  if (typename === 'PythonError') return new DagsterError('python-error', `Dagster failed while ${doing} ${what}: ${String(value.message ?? '(no message)').trim()}`, JSON.stringify(value));
  if (typename.endsWith('Error') || typename === 'RunConfigValidationInvalid' || typename === 'RunConflict') {
    return new DagsterError('graphql', `Dagster refused ${what}: ${typename}: ${String(value.message ?? '(no message)').trim()}`, JSON.stringify(value));
  }
  return undefined;
}

/** What an HTML page where GraphQL's JSON was due usually is, and what to do: said by the diagnosis and the watcher alike. */
const loginPageSaid = "a page usually means a login (an SSO or auth proxy) in front of Dagster: set DAGSTER_URL to Dagster's own address behind it, or give the bot's requests access through it";

/** An HTML page answered as a success or an auth refusal: a proxy's sign-in; its 502 error page is a proxy's too, but no login. */
function loginPageLike(status: number, text: string): boolean {
  return (status < 400 || status === 401 || status === 403) && /^\s*<(!doctype html|html)[\s>]/i.test(text);
}

export class DagsterClient {
  readonly endpoint: string;
  /** The configured code location (DAGSTER_LOCATION), when there is one. */
  readonly location?: string;

  constructor(private readonly options: DagsterClientOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/graphql`;
    this.location = options.location;
  }

  /** Sends one GraphQL document; resolves to its `data`, or throws a DagsterError saying what went wrong. */
  async request(query: string, variables: Json = {}): Promise<Json> {
    return dataOf(await this.post(query, variables));
  }

  /** Sends one GraphQL document; resolves to the answer's parsed body, or throws when there is none to read. */
  private async post(query: string, variables: Json): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let text: string;
    let status: number;
    let redirectedTo: string | undefined;
    let date: string | null;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      status = response.status;
      redirectedTo = response.redirected ? response.url : undefined;
      date = response.headers.get('date');
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new DagsterError('timeout', `the Dagster webserver at ${this.endpoint} did not answer within ${this.options.timeoutMs / 1000} s`);
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new DagsterError('unreachable', `the Dagster webserver at ${this.endpoint} cannot be reached (${connectionFailureSaid(cause, (error as Error).message, this.endpoint)})`);
    } finally {
      clearTimeout(timer);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's login page is reached through a redirect: where to is what the operator needs to see.
      const where = redirectedTo ? ` after a redirect to ${redirectedTo}` : '';
      const what = loginPageLike(status, text) ? `an HTML page, not JSON: ${loginPageSaid}` : 'something that is not JSON';
      throw new DagsterError(status >= 400 ? 'http' : 'bad-answer', `the Dagster webserver answered HTTP ${status}${where} with ${what}`, text.slice(0, 4000));
    }
    const answeredAt = date === null ? NaN : Date.parse(date);
    return { body, text, status, ...(Number.isFinite(answeredAt) ? { answeredAt } : {}) };
  }

  /**
   * Every daemon's status, and the webserver's clock when it answered. An answer with errors is kept when each error is
   * about a daemon Dagster does not require, listed beside the rest (its row then says the error): the required ones,
   * which the heartbeat is judged on, are whole; any other error leaves the answer unusable, as for any question.
   */
  async daemonHealth(): Promise<DaemonHealth> {
    const answer = await this.post(daemonHealthQuery, {});
    const aboutOptional = optionalDaemonErrors(answer.body);
    const data = dataOf(answer, aboutOptional !== undefined);
    const statuses = (data.instance as Json | undefined)?.daemonHealth as Json | undefined;
    const list = statuses?.allDaemonStatuses;
    if (!Array.isArray(list)) throw new DagsterError('bad-answer', 'the daemon health answer has no allDaemonStatuses', JSON.stringify(data).slice(0, 4000));
    const daemons = list.map((entry, index): DaemonStatus => {
      const d = entry as Json;
      // A heartbeat given in a form Dagster never sends (text, say) is not read as "never": the answer is not Dagster's.
      // Nor one past any plausible time (milliseconds): it would read as Dagster's clock thousands of years ahead.
      if (d.lastHeartbeatTime !== null && d.lastHeartbeatTime !== undefined && !(isSeconds(d.lastHeartbeatTime) && d.lastHeartbeatTime < implausibleEpochSeconds)) {
        throw new DagsterError('bad-answer', `the daemon health answer gives ${String(d.daemonType)}'s last heartbeat as ${JSON.stringify(d.lastHeartbeatTime)}, not a time in seconds`, JSON.stringify(data).slice(0, 4000));
      }
      const answerErrors = aboutOptional?.get(index) ?? [];
      return {
        daemonType: String(d.daemonType),
        required: d.required === true,
        healthy: typeof d.healthy === 'boolean' ? d.healthy : null,
        lastHeartbeatTime: isSeconds(d.lastHeartbeatTime) ? d.lastHeartbeatTime : null,
        lastHeartbeatErrors: [
          ...answerErrors.map((message) => ({ message: `Dagster's answer about it: ${message}` })),
          ...(Array.isArray(d.lastHeartbeatErrors) ? d.lastHeartbeatErrors.map((e) => ({ message: String((e as Json).message ?? '') })) : []),
        ],
      };
    });
    return { statuses: daemons, ...(answer.answeredAt !== undefined ? { answeredAt: answer.answeredAt } : {}) };
  }

  /**
   * The repositories to read schedules from: the configured one, or every one the webserver has loaded; and the jobs of
   * each the webserver listed them of (by repository@code-location), which tell the stack's repository from others.
   */
  async repositories(): Promise<{ selectors: RepositoryRef[]; jobs: Record<string, string[]> }> {
    if (this.options.location) return { selectors: [{ repositoryLocationName: this.options.location, repositoryName: this.options.repository ?? '__repository__' }], jobs: {} };
    const data = await this.request(repositoriesQuery);
    const answer = data.repositoriesOrError as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the repositories answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, 'its repositories');
    if (failure) throw failure;
    if (!Array.isArray(answer.nodes)) throw new DagsterError('bad-answer', 'the repositories answer has no list of repositories', JSON.stringify(data).slice(0, 4000));
    const nodes = answer.nodes as Json[];
    const selectors = nodes.map((node) => ({ repositoryLocationName: String((node.location as Json | undefined)?.name ?? ''), repositoryName: String(node.name) }));
    const jobs: Record<string, string[]> = {};
    nodes.forEach((node, i) => {
      if (Array.isArray(node.jobs)) jobs[repositoryLabel(selectors[i] as RepositoryRef)] = (node.jobs as Json[]).map((job) => String(job.name));
    });
    return { selectors, jobs };
  }

  /**
   * The code locations the webserver could not load (a Python error in the definitions, a code server that is down),
   * each with the first line of its error, or "still loading"; `ours`: the configured location, or any when none is.
   */
  async unloadedLocations(): Promise<UnloadedLocation[]> {
    const data = await this.request(workspaceQuery);
    const answer = data.workspaceOrError as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the workspace answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, 'its code locations');
    if (failure) throw failure;
    if (!Array.isArray(answer.locationEntries)) throw new DagsterError('bad-answer', 'the workspace answer has no list of code locations', JSON.stringify(data).slice(0, 4000));
    return (answer.locationEntries as Json[]).flatMap((entry): UnloadedLocation[] => {
      const name = String(entry.name ?? '');
      const ours = !this.options.location || this.options.location === name;
      const loaded = isObject(entry.locationOrLoadError) ? entry.locationOrLoadError : undefined;
      // LOADING: being loaded again (after a fix, a deploy). With its location there, its schedules are still listed;
      // without one (none yet, or the error of the load before), it is still loading, not broken.
      if (entry.loadStatus === 'LOADING') return loaded?.__typename === 'RepositoryLocation' ? [] : [{ name, error: 'still loading', ours }];
      if (loaded?.__typename === 'PythonError') return [{ name, error: String(loaded.message ?? '(no message)').trim().split('\n')[0]?.slice(0, 300) ?? '', ours }];
      return [];
    });
  }

  /**
   * The schedules of each repository Dagster could read them of, and the repositories it answered an error for (a
   * PythonError: another team's code server down), which leave the others' as they are, and each repository's jobs
   * (repositories()). Throws when it could read none, or when the webserver itself failed (down, slow, an answer the
   * bot cannot read): asking on would fail the same way.
   */
  async schedulesOfEachRepository(): Promise<{ schedules: ScheduleStatus[]; unreadable: UnreadableRepository[]; jobs: Record<string, string[]> }> {
    const schedules: ScheduleStatus[] = [];
    const unreadable: UnreadableRepository[] = [];
    const { selectors, jobs } = await this.repositories();
    for (const selector of selectors) {
      const data = await this.request(schedulesQuery, { selector });
      const answer = data.schedulesOrError as Json | undefined;
      if (!isObject(answer)) throw new DagsterError('bad-answer', 'the schedules answer is empty', JSON.stringify(data).slice(0, 4000));
      const failure = unionError(answer, `the schedules of ${selector.repositoryName}@${selector.repositoryLocationName}`);
      if (failure) {
        const said = String(answer.message ?? answer.__typename).trim();
        unreadable.push({ repository: selector, error: failure, said, ours: !this.options.location || this.options.location === selector.repositoryLocationName });
        continue;
      }
      if (!Array.isArray(answer.results)) throw new DagsterError('bad-answer', `the schedules answer of ${selector.repositoryName}@${selector.repositoryLocationName} has no list of schedules`, JSON.stringify(data).slice(0, 4000));
      for (const result of answer.results as Json[]) schedules.push(toSchedule(result, selector));
    }
    if (unreadable[0] && unreadable.length === selectors.length) throw unreadable[0].error;
    return { schedules, unreadable, jobs };
  }

  /**
   * Starts one schedule; resolves to the status the webserver reports for it afterwards (RUNNING when it started), and
   * the start's time as Dagster keeps it (startTimestamp, epoch seconds) when it gives one.
   */
  async startSchedule(repository: RepositoryRef, scheduleName: string): Promise<{ status: string; startTimestamp?: number }> {
    const data = await this.request(startScheduleMutation, { selector: { ...repository, scheduleName } });
    const answer = data.startSchedule as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the start-schedule answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, `schedule ${scheduleName}`, 'starting');
    if (failure) throw failure;
    const state = answer.scheduleState as Json | undefined;
    if (typeof state?.status !== 'string') throw new DagsterError('bad-answer', `the start-schedule answer for ${scheduleName} carries no status`, JSON.stringify(answer));
    return { status: state.status, ...startTimestampOf(state) };
  }

  /** The schedule's state now, in that repository: its ids (what stopRunningSchedule names), its status and, running, when it was started. */
  async scheduleState(repository: RepositoryRef, scheduleName: string): Promise<{ id: string; selectorId: string; status: string; startTimestamp?: number }> {
    const data = await this.request(scheduleStateQuery, { selector: { ...repository, scheduleName } });
    const answer = data.scheduleOrError as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the schedule answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, `schedule ${scheduleName} in ${repositoryLabel(repository)}`);
    if (failure) throw failure;
    const state = answer.scheduleState as Json | undefined;
    if (!isObject(state) || typeof state.id !== 'string' || typeof state.selectorId !== 'string' || typeof state.status !== 'string') {
      throw new DagsterError('bad-answer', `the schedule answer for ${scheduleName} carries no state ids`, JSON.stringify(answer).slice(0, 4000));
    }
    return { id: state.id, selectorId: state.selectorId, status: state.status, ...startTimestampOf(state) };
  }

  /**
   * Stops one running schedule by its state's ids; resolves to the status the webserver reports afterwards (STOPPED).
   * Asked by id first; a Dagster whose stopRunningSchedule takes no id (a GraphQL error) is asked by origin and selector.
   */
  async stopSchedule(state: { id: string; selectorId: string }, scheduleName: string): Promise<string> {
    let data: Json;
    try {
      data = await this.request(stopScheduleById, { id: state.id });
    } catch (error) {
      if (!(error instanceof DagsterError) || error.kind !== 'graphql') throw error;
      data = await this.request(stopScheduleByOrigin, { originId: state.id, selectorId: state.selectorId });
    }
    const answer = data.stopRunningSchedule as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the stop-schedule answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, `schedule ${scheduleName}`, 'stopping');
    if (failure) throw failure;
    const status = (answer.scheduleState as Json | undefined)?.status;
    if (typeof status !== 'string') throw new DagsterError('bad-answer', `the stop-schedule answer for ${scheduleName} carries no status`, JSON.stringify(answer));
    return status;
  }

  /** Launches a backfill of the given assets over a partition range; resolves to the backfill's id. */
  async launchPartitionBackfill(request: BackfillRequest): Promise<string> {
    const params = {
      partitionsByAssets: request.assetKeys.map((path) => ({ assetKey: { path }, partitions: { range: { start: request.start, end: request.end } } })),
      title: request.title,
      tags: request.tags,
    };
    const data = await this.request(backfillMutation, { params });
    const answer = data.launchPartitionBackfill as Json | undefined;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the backfill answer is empty', JSON.stringify(data).slice(0, 4000));
    const failure = unionError(answer, 'the backfill', 'launching');
    if (failure) throw failure;
    if (typeof answer.backfillId !== 'string') throw new DagsterError('bad-answer', 'the backfill answer carries no backfillId', JSON.stringify(answer));
    return answer.backfillId;
  }
}

/** A schedule state's startTimestamp (ScheduleData), when it has one: none for a stopped copy, or one never started. */
function startTimestampOf(state: Json): { startTimestamp?: number } {
  const data = state.typeSpecificData;
  return isObject(data) && isSeconds(data.startTimestamp) ? { startTimestamp: data.startTimestamp } : {};
}

/** Seconds since the epoch as Dagster's GraphQL gives them (a Float). */
/** Epoch seconds of the year 5138: a time past it is milliseconds (Date.now()), not seconds. */
const implausibleEpochSeconds = 1e11;

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

const tickStatuses = new Set(['STARTED', 'SKIPPED', 'SUCCESS', 'FAILURE']);

/** A schedule's newest tick (`ticks(limit: 1)`), or null when it has none; a tick in a form Dagster never sends is not taken as none. */
function toTick(value: unknown, what: string): Tick | null {
  if (value === null || value === undefined) return null;
  const tick = Array.isArray(value) ? (value[0] as unknown) : undefined;
  if (Array.isArray(value) && tick === undefined) return null;
  if (!isObject(tick) || !isSeconds(tick.timestamp) || !tickStatuses.has(String(tick.status))) {
    throw new DagsterError('bad-answer', `the schedules answer gives ${what} as ${JSON.stringify(tick ?? value).slice(0, 200)}, not a tick with a time in seconds and a status`);
  }
  return {
    timestamp: tick.timestamp,
    status: String(tick.status) as Tick['status'],
    error: isObject(tick.error) ? { message: String(tick.error.message ?? '') } : null,
  };
}

function toSchedule(result: Json, repository: RepositoryRef): ScheduleStatus {
  const name = String(result.name);
  const state = result.scheduleState;
  // Only RUNNING and STOPPED exist (InstigationStatus): anything else is not read as "paused".
  if (!isObject(state) || (state.status !== 'RUNNING' && state.status !== 'STOPPED')) {
    throw new DagsterError('bad-answer', `the schedules answer gives schedule ${name} the state ${JSON.stringify(isObject(state) ? state.status : state)}, neither RUNNING nor STOPPED`);
  }
  return {
    repository,
    name,
    cronSchedule: String(result.cronSchedule ?? ''),
    executionTimezone: typeof result.executionTimezone === 'string' ? result.executionTimezone : null,
    description: typeof result.description === 'string' ? result.description : null,
    status: state.status,
    lastTick: toTick(state.lastTick, `schedule ${name}'s last tick`),
    lastSuccess: toTick(state.lastSuccess, `schedule ${name}'s last successful tick`),
  };
}
