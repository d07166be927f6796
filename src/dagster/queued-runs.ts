// Runs left waiting in Dagster's run queue for over an hour: the daemon's run coordinator is not starting them.
import { formatDuration } from '../format-duration.js';
import { DagsterError, unionError, type DagsterClient } from './graphql-client.js';

/**
 * How long a run may wait QUEUED, none other starting meanwhile, before the queue counts as stuck: an hour. The
 * QueuedRunCoordinator daemon dequeues every few seconds (dequeue_interval_seconds, 5 by default), so an hour is no
 * normal wait; it is also an hourly schedule's interval, while a daily schedule's (a day) would let a stuck queue cost a whole day's runs.
 */
export const queuedTooLongMs = 60 * 60_000;

/** The most runs asked for: Dagster lists the newest first, so with this many the oldest may be beyond them. */
const asked = 100;

/**
 * `runsOrError(filter: RunsFilter, limit)` (dagster_graphql/schema/roots/query.py; RunsFilter in schema/inputs.py:
 * `statuses: [RunStatus!]`, `createdBefore: Float` in epoch seconds). QUEUED waits for the run coordinator; NOT_STARTED
 * was never handed to it. `creationTime` is a Run's, in epoch seconds.
 */
const queuedRunsQuery = `query DataboxQueuedRuns($createdBefore: Float!) {
  runsOrError(filter: { statuses: [QUEUED, NOT_STARTED], createdBefore: $createdBefore }, limit: ${asked}) {
    __typename
    ... on Runs { results { runId jobName status creationTime } }
    ... on InvalidPipelineRunsFilterError { message }
    ... on PythonError { message }
  }
}`;

/**
 * The latest run the coordinator started within the hour (RunsFilter's `updatedAfter: Float`, epoch seconds; a run's
 * update time moves as it goes QUEUED → STARTING → STARTED): runs that wait while others start are held back on purpose
 * (run concurrency limits, a backfill throttled), not stuck.
 */
const startedLatelyQuery = `query DataboxRunsStartedLately($updatedAfter: Float!) {
  runsOrError(filter: { statuses: [STARTING, STARTED], updatedAfter: $updatedAfter }, limit: 1) {
    __typename
    ... on Runs { results { runId jobName status updateTime } }
    ... on InvalidPipelineRunsFilterError { message }
    ... on PythonError { message }
  }
}`;

export interface QueuedRun {
  runId: string;
  jobName: string;
  status: string;
  /** Epoch seconds it was created at. */
  createdAt: number;
}

/** A run started (or updated) lately: `updatedAt` in epoch seconds. */
export interface StartedRun {
  runId: string;
  jobName: string;
  updatedAt: number;
}

/**
 * The runs waiting too long (`atLeast`: as many as were asked for, so there may be more), and, when some are QUEUED, the
 * latest run started within the hour (none: the queue moves not at all); or why they could not be read.
 */
export type QueuedTooLong = { runs: QueuedRun[]; atLeast: boolean; startedLately?: StartedRun } | { failed: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Asks the webserver for the runs created over an hour before `now` that are still QUEUED or NOT_STARTED and, when some
 * are QUEUED, for the latest run started within that hour; never throws a DagsterError.
 */
export async function queuedTooLong(client: DagsterClient, now: Date): Promise<QueuedTooLong> {
  const hourAgo = (now.getTime() - queuedTooLongMs) / 1000;
  try {
    const listed = await runsListed(client, queuedRunsQuery, { createdBefore: hourAgo }, 'its queued runs');
    const runs = listed
      .filter((run) => typeof run.creationTime === 'number')
      .map((run) => ({ runId: String(run.runId), jobName: String(run.jobName ?? '(no job)'), status: String(run.status), createdAt: run.creationTime as number }));
    if (!runs.some((run) => run.status === 'QUEUED')) return { runs, atLeast: listed.length >= asked };
    const started = (await runsListed(client, startedLatelyQuery, { updatedAfter: hourAgo }, 'its runs started lately'))[0];
    const startedLately = started && { runId: String(started.runId), jobName: String(started.jobName ?? '(no job)'), updatedAt: typeof started.updateTime === 'number' ? started.updateTime : hourAgo };
    return { runs, atLeast: listed.length >= asked, ...(startedLately ? { startedLately } : {}) };
  } catch (error) {
    if (error instanceof DagsterError) return { failed: error.message.trim().split('\n')[0]?.slice(0, 300) ?? '' };
    throw error;
  }
}

/** runsOrError's list of runs; a DagsterError when it answers otherwise. */
async function runsListed(client: DagsterClient, query: string, variables: Record<string, unknown>, what: string): Promise<Json[]> {
  const answer = (await client.request(query, variables)).runsOrError;
  if (!isObject(answer)) throw new DagsterError('bad-answer', 'the runs answer is empty');
  const failure = unionError(answer, what);
  if (failure) throw failure;
  if (!Array.isArray(answer.results)) throw new DagsterError('bad-answer', 'the runs answer has no list of runs');
  return answer.results.filter(isObject);
}

const minute = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** "3 runs QUEUED for over 1 h, the oldest since 2026-04-21 03:00 UTC (6 h), run 1a2b… of job all_pipelines; by job: all_pipelines 2, soda_checks 1". */
export function queuedTooLongSaid(found: { runs: readonly QueuedRun[]; atLeast: boolean }, now: Date): string {
  const oldest = [...found.runs].sort((a, b) => a.createdAt - b.createdAt)[0];
  if (!oldest) return 'no run has waited in the queue for over an hour';
  const count = `${found.atLeast ? 'at least ' : ''}${found.runs.length} run${found.runs.length === 1 ? '' : 's'}`;
  const byJob = new Map<string, number>();
  for (const run of found.runs) byJob.set(run.jobName, (byJob.get(run.jobName) ?? 0) + 1);
  const jobs = [...byJob].sort((a, b) => b[1] - a[1]).map(([job, n]) => `${job} ${n}`).join(', ');
  const waited = formatDuration(now.getTime() - oldest.createdAt * 1000);
  const statuses = [...new Set(found.runs.map((run) => run.status))].sort().join(' or ');
  return `${count} ${statuses} for over ${formatDuration(queuedTooLongMs)}, the oldest since ${minute(oldest.createdAt)} UTC (${waited}), run ${oldest.runId} of job ${oldest.jobName}; by job: ${jobs}`;
}
