// Recorded Dagster GraphQL answers served with nock at a loopback DAGSTER_URL, and the time they were recorded at.
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import type { Checkout } from './databox-checkout.js';

export const dagsterUrl = 'http://127.0.0.1:3070';
/** The fixtures were recorded at this time; tests set their clock to it. */
export const recordedAt = new Date('2026-04-21T09:00:00Z');

const dir = path.resolve(import.meta.dirname, '../fixtures/dagster');

export function graphqlFixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, 'graphql', `${name}.json`), 'utf8'));
}

export function cliFixture(name: string): string {
  return fs.readFileSync(path.join(dir, 'cli', `${name}.txt`), 'utf8');
}

/** A run as Dagster's runsOrError lists it (creationTime in epoch seconds). */
export interface RecordedRun {
  runId: string;
  jobName: string;
  status: 'QUEUED' | 'NOT_STARTED' | 'STARTING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED';
  creationTime: number;
  /** When it last changed status (epoch seconds): its creation unless given. */
  updateTime?: number;
}

/**
 * runsOrError as Dagster answers it: `runs` filtered as its RunsFilter does, by the statuses the query names and the
 * createdBefore and updatedAfter variables (epoch seconds), newest first, cut at the query's limit.
 */
export function runsAnswer(runs: readonly RecordedRun[]): (body: { query: string; variables: Record<string, unknown> }) => unknown {
  return ({ query, variables }) => {
    const statuses = /statuses:\s*\[([^\]]*)\]/.exec(query)?.[1]?.split(',').map((s) => s.trim()) ?? [];
    const createdBefore = typeof variables.createdBefore === 'number' ? variables.createdBefore : Infinity;
    const updatedAfter = typeof variables.updatedAfter === 'number' ? variables.updatedAfter : -Infinity;
    const limit = Number(/limit:\s*(\d+)/.exec(query)?.[1] ?? Infinity);
    const results = runs
      .map((run) => ({ ...run, updateTime: run.updateTime ?? run.creationTime }))
      .filter((run) => (statuses.length === 0 || statuses.includes(run.status)) && run.creationTime < createdBefore && run.updateTime > updatedAfter)
      .sort((a, b) => b.creationTime - a.creationTime)
      .slice(0, limit);
    return { data: { runsOrError: { __typename: 'Runs', results } } };
  };
}

/** What a Dagster answers that a test does not set: no backfill in progress, no run waiting in the queue or started lately. */
const quietDagster: Record<string, (body: { query: string; variables: Record<string, unknown> }) => unknown> = {
  DataboxBackfillsInProgress: () => ({ data: { partitionBackfillsOrError: { __typename: 'PartitionBackfills', results: [] } } }),
  DataboxQueuedRuns: runsAnswer([]),
  DataboxRunsStartedLately: runsAnswer([]),
};

/**
 * Answers GraphQL POSTs by operation name (DataboxDaemonHealth, DataboxSchedules …) with the named fixtures, or what a
 * function (maybe async) answers; the backfills in progress, unless given, are none. With `webserverClock`, each answer
 * carries an HTTP Date header read off it, as the real webserver's (uvicorn's) do; without, none.
 */
export function serveDagster(answers: Record<string, string | ((body: { query: string; variables: Record<string, unknown> }) => unknown)>, url = dagsterUrl, webserverClock?: () => Date): nock.Scope {
  return nock(url)
    .persist()
    .post('/graphql')
    .reply(async (_uri, body) => {
      const request = body as { query: string; variables: Record<string, unknown> };
      const operation = /(?:query|mutation) (\w+)/.exec(request.query)?.[1] ?? '';
      const answer = answers[operation] ?? quietDagster[operation];
      const headers = webserverClock ? { date: webserverClock().toUTCString() } : {};
      if (answer === undefined) return [400, { errors: [{ message: `no fixture for ${operation}` }] }, headers];
      return [200, typeof answer === 'function' ? await answer(request) : graphqlFixture(answer), headers];
    });
}

/** The daemon's health as recorded healthy, every required daemon heartbeating at `clock`'s now. */
export function daemonHealthyNow(clock: () => Date): () => unknown {
  return () => {
    const answer = graphqlFixture('daemon-health-healthy') as any;
    for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = clock().getTime() / 1000;
    return answer;
  };
}

/**
 * The daemon's health as recorded stopped (its last heartbeats at `stoppedAt` when given, else as recorded), then healthy
 * and heartbeating now once the bot has started `uv run dagster-daemon run`.
 */
export function daemonHealthUntilStarted(checkout: Checkout, clock: () => Date, stoppedAt?: Date): () => unknown {
  const healthy = daemonHealthyNow(clock);
  const stopped = () => {
    const answer = graphqlFixture('daemon-health-stopped') as any;
    if (stoppedAt) for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) if (d.lastHeartbeatTime !== null) d.lastHeartbeatTime = stoppedAt.getTime() / 1000;
    return answer;
  };
  return () => (checkout.calls().some((c) => c.command === 'uv run dagster-daemon run') ? healthy() : stopped());
}

/** Kills the process groups of the stand-in daemons a recovery started detached (they outlive the bot on purpose). */
export function killDetachedDaemons(checkout: Checkout): void {
  for (const call of checkout.calls().filter((c) => c.command === 'uv run dagster-daemon run')) {
    try {
      process.kill(-call.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
