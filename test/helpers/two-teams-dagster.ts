// A Dagster webserver with the stack's code location and another team's, keeping each schedule's state as the bot starts and stops it, and failing where a test says.
import { DuckDBInstance } from '@duckdb/node-api';
import type { Checkout } from './databox-checkout.js';
import { daemonHealthyNow, graphqlFixture, serveDagster } from './dagster-fixtures.js';
import { backfillMartsSql } from './schedule-data.js';

export interface ScheduleState {
  status: 'RUNNING' | 'STOPPED';
  startTimestamp: number | null;
  lastTick: string;
  cron: string;
  tz?: string;
}

export interface TwoTeamsOptions {
  /** A schedule whose startSchedule Dagster answers with a PythonError (its code server unreachable). */
  failStartOf?: string;
  /** Dagster refuses the backfill's launch (a PythonError). */
  failBackfill?: boolean;
  /** The other team's repository also has a STOPPED all_pipelines_daily, ticked lately (its own, paused on purpose). */
  sameNameElsewhere?: boolean;
}

export const stackLocation = { location: 'databox.orchestration.definitions', repository: '__repository__' };
export const otherTeam = { location: 'ops_housekeeping', repository: 'ops_repo' };

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Serves the webserver; the states (by location/repository/name), the starts and stops sent and the launches, for the test to read. */
export function serveTwoTeamsDagster(checkout: Checkout, clock: () => Date, options: TwoTeamsOptions = {}): { states: Map<string, ScheduleState>; started: string[]; stopped: string[]; launched: unknown[] } {
  const stack = `${stackLocation.location}/${stackLocation.repository}`;
  const other = `${otherTeam.location}/${otherTeam.repository}`;
  const states = new Map<string, ScheduleState>([
    [`${stack}/all_pipelines_daily`, { status: 'STOPPED', startTimestamp: null, lastTick: '2026-04-18T06:00:00Z', cron: '0 6 * * *' }],
    [`${stack}/soda_freshness_hourly`, { status: 'RUNNING', startTimestamp: 1, lastTick: '2026-04-21T08:00:00Z', cron: '0 * * * *' }],
    [`${stack}/usgs_partitioned_daily`, { status: 'STOPPED', startTimestamp: null, lastTick: '2026-04-19T07:00:00Z', cron: '0 7 * * *', tz: 'America/Los_Angeles' }],
    [`${other}/ops_vacuum_daily`, { status: 'STOPPED', startTimestamp: null, lastTick: '2026-04-19T02:00:00Z', cron: '0 2 * * *' }],
  ]);
  if (options.sameNameElsewhere) states.set(`${other}/all_pipelines_daily`, { status: 'STOPPED', startTimestamp: null, lastTick: '2026-04-19T06:00:00Z', cron: '0 6 * * *' });
  const started: string[] = [];
  const stopped: string[] = [];
  const launched: unknown[] = [];
  const key = (selector: any) => `${selector.repositoryLocationName}/${selector.repositoryName}/${selector.scheduleName}`;
  const answered = (s: ScheduleState) => ({ status: s.status, typeSpecificData: { __typename: 'ScheduleData', startTimestamp: s.startTimestamp } });
  serveDagster({
    DataboxRepositories: () => ({
      data: {
        repositoriesOrError: {
          __typename: 'RepositoryConnection',
          nodes: [
            { name: stackLocation.repository, location: { name: stackLocation.location }, jobs: [{ name: 'all_pipelines' }, { name: 'soda_freshness' }, { name: 'usgs_job' }] },
            { name: otherTeam.repository, location: { name: otherTeam.location }, jobs: [{ name: 'vacuum_job' }] },
          ],
        },
      },
    }),
    DataboxWorkspace: () => ({
      data: {
        workspaceOrError: {
          __typename: 'Workspace',
          locationEntries: [stackLocation.location, otherTeam.location].map((name) => ({ name, loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } })),
        },
      },
    }),
    DataboxAssetNodes: 'asset-nodes',
    DataboxSchedules: ({ variables }) => {
      const selector = variables.selector as any;
      const results = [...states.entries()]
        .filter(([k]) => k.startsWith(`${selector.repositoryLocationName}/${selector.repositoryName}/`))
        .map(([k, s]) => {
          const ticks = [{ timestamp: seconds(s.lastTick), status: 'SUCCESS', error: null }];
          return { name: k.split('/').at(-1), cronSchedule: s.cron, executionTimezone: s.tz ?? 'UTC', description: null, scheduleState: { status: s.status, lastTick: ticks, lastSuccess: ticks } };
        });
      return { data: { schedulesOrError: { __typename: 'Schedules', results } } };
    },
    DataboxDaemonHealth: daemonHealthyNow(clock),
    DataboxStartSchedule: ({ variables }) => {
      const k = key(variables.selector);
      started.push(k);
      const name = (variables.selector as any).scheduleName;
      if (options.failStartOf === name) {
        return { data: { startSchedule: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server. gRPC Error code: UNAVAILABLE' } } };
      }
      const s = states.get(k);
      if (!s) return { data: { startSchedule: { __typename: 'ScheduleNotFoundError', message: `Schedule ${name} not found` } } };
      s.status = 'RUNNING';
      s.startTimestamp = clock().getTime() / 1000;
      return { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: answered(s) } } };
    },
    DataboxScheduleState: ({ variables }) => {
      const k = key(variables.selector);
      return { data: { scheduleOrError: { __typename: 'Schedule', scheduleState: { id: `id:${k}`, selectorId: `sel:${k}`, ...answered(states.get(k)!) } } } };
    },
    DataboxStopSchedule: ({ variables }) => {
      const k = String(variables.id).replace(/^id:/, '');
      stopped.push(k);
      const s = states.get(k)!;
      s.status = 'STOPPED';
      s.startTimestamp = null;
      return { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'STOPPED' } } } };
    },
    DataboxBackfill: async ({ variables }) => {
      launched.push(variables);
      if (options.failBackfill) return graphqlFixture('backfill-python-error');
      const { start, end } = (variables as any).params.partitionsByAssets[0].partitions.range;
      const instance = await DuckDBInstance.create(checkout.databasePath);
      const connection = await instance.connect();
      for (const sql of backfillMartsSql) await connection.run(sql, [start, end]);
      connection.closeSync();
      instance.closeSync();
      return graphqlFixture('backfill-success');
    },
  });
  return { states, started, stopped, launched };
}
