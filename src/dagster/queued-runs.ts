// Runs left waiting in Dagster's run queue for over an hour: the daemon's run coordinator is not starting them.
import { formatDuration } from '../format-duration.js';
import { DagsterError, unionError, type DagsterClient } from './graphql-client.js';

/**
 * How long a run may wait QUEUED (or NOT_STARTED) before the queue counts as stuck: an hour. The QueuedRunCoordinator
 * daemon dequeues every few seconds (dequeue_interval_seconds, 5 by default), so an hour is no normal wait; it is also an
 * hourly schedule's interval, while a daily schedule's (a day) would let a stuck queue cost a whole day's runs.
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

export interface QueuedRun {
  runId: string;
  jobName: string;
  status: string;
  /** Epoch seconds it was created at. */
  createdAt: number;
}

/** The runs waiting too long (`atLeast`: as many as were asked for, so there may be more), or why they could not be read. */
export type QueuedTooLong = { runs: QueuedRun[]; atLeast: boolean } | { failed: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Asks the webserver for the runs created over an hour before `now` that are still QUEUED or NOT_STARTED; never throws a DagsterError. */
export async function queuedTooLong(client: DagsterClient, now: Date): Promise<QueuedTooLong> {
  try {
    const data = await client.request(queuedRunsQuery, { createdBefore: (now.getTime() - queuedTooLongMs) / 1000 });
    const answer = data.runsOrError;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the runs answer is empty');
    const failure = unionError(answer, 'its queued runs');
    if (failure) throw failure;
    if (!Array.isArray(answer.results)) throw new DagsterError('bad-answer', 'the runs answer has no list of runs');
    const runs = answer.results
      .filter(isObject)
      .filter((run) => typeof run.creationTime === 'number')
      .map((run) => ({ runId: String(run.runId), jobName: String(run.jobName ?? '(no job)'), status: String(run.status), createdAt: run.creationTime as number }));
    return { runs, atLeast: answer.results.length >= asked };
  } catch (error) {
    if (error instanceof DagsterError) return { failed: error.message.trim().split('\n')[0]?.slice(0, 300) ?? '' };
    throw error;
  }
}

const minute = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** "3 runs QUEUED or NOT_STARTED for over 1 h, the oldest since 2026-04-21 03:00 UTC (6 h), run 1a2b… of job all_pipelines; by job: all_pipelines 2, soda_checks 1". */
export function queuedTooLongSaid(found: { runs: readonly QueuedRun[]; atLeast: boolean }, now: Date): string {
  const oldest = [...found.runs].sort((a, b) => a.createdAt - b.createdAt)[0];
  if (!oldest) return 'no run has waited in the queue for over an hour';
  const count = `${found.atLeast ? 'at least ' : ''}${found.runs.length} run${found.runs.length === 1 ? '' : 's'}`;
  const byJob = new Map<string, number>();
  for (const run of found.runs) byJob.set(run.jobName, (byJob.get(run.jobName) ?? 0) + 1);
  const jobs = [...byJob].sort((a, b) => b[1] - a[1]).map(([job, n]) => `${job} ${n}`).join(', ');
  const waited = formatDuration(now.getTime() - oldest.createdAt * 1000);
  return `${count} QUEUED or NOT_STARTED for over ${formatDuration(queuedTooLongMs)}, the oldest since ${minute(oldest.createdAt)} UTC (${waited}), run ${oldest.runId} of job ${oldest.jobName}; by job: ${jobs}`;
}
