// Scenario 4 path B's first step: only the named schedules are started, one call each, through the CLI (real stand-in uv
// processes) or the webserver (GraphQL startSchedule with each schedule's own repository); one already running is left as it is.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { startSchedules } from '../../src/dagster/start-schedules.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import { dagsterScheduleStartStepKind } from '../../src/engine/steps/dagster-schedule-start-step.js';
import { defaultDagsterSettings, type ResolveTools } from '../../src/engine/steps/define-step-kind.js';
import { UserError } from '../../src/errors.js';
import { runCommand } from '../../src/process/run-command.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { dagsterUrl, graphqlFixture, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
let checkout: Checkout;
beforeEach(() => {
  withStandinPath();
  checkout = new Checkout();
});
afterEach(() => {
  nock.cleanAll();
  checkout.remove();
});

const definitionsFile = 'packages/databox/databox/orchestration/definitions.py';
const start = (name: string) => `uv run dagster schedule start ${name} -f ${definitionsFile}`;

describe('through the CLI', () => {
  it('runs one `dagster schedule start <name>` per schedule, takes "already running" as done, and fails on the one Dagster refuses', async () => {
    checkout.behave({
      [start('all_pipelines_daily')]: { stdout: 'Started schedule all_pipelines_daily\n' },
      [start('soda_freshness_hourly')]: { stderr: 'Error: You have attempted to start schedule soda_freshness_hourly, but it is already running\n', exit: 2 },
      [start('no_such')]: { stderr: "Error: Could not find schedule named 'no_such'\n", exit: 2 },
    });
    const result = await startSchedules({
      names: ['all_pipelines_daily', 'soda_freshness_hourly', 'no_such'],
      definitionsFile,
      cwd: checkout.root,
      runCommand,
      timeoutMs: 30_000,
    });
    expect(checkout.calls().map((c) => c.command)).toEqual([start('all_pipelines_daily'), start('soda_freshness_hourly'), start('no_such')]);
    expect(result.outcomes.map((o) => [o.name, o.outcome])).toEqual([
      ['all_pipelines_daily', 'started'],
      ['soda_freshness_hourly', 'already-running'],
      ['no_such', 'failed'],
    ]);
    expect(result.status).toBe('failed');
    // Why it did not start is in the summary itself, not only in the output below it.
    expect(result.summary).toMatch(/^started all_pipelines_daily; already running: soda_freshness_hourly; NOT started: no_such \(uv run dagster schedule start no_such [^)]*: exit code 2: Error: Could not find schedule named 'no_such'\) \(starting a schedule again is harmless/);
    expect(result.output).toContain("no_such: failed — uv run dagster schedule start no_such -f packages/databox/databox/orchestration/definitions.py: exit code 2: Error: Could not find schedule named 'no_such'");
  });

  it('is ok when every named schedule runs, and never reads a "Noop" as a start', async () => {
    checkout.behave({ [start('all_pipelines_daily')]: { stdout: 'Started schedule all_pipelines_daily\n' } });
    const ok = await startSchedules({ names: ['all_pipelines_daily'], definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000 });
    expect(ok).toMatchObject({ status: 'ok', summary: 'started all_pipelines_daily' });

    checkout.behave({ [start('all_pipelines_daily')]: { stdout: 'Noop: dagster schedule start was called without any arguments specifying which schedules to start.\n' } });
    const noop = await startSchedules({ names: ['all_pipelines_daily'], definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000 });
    expect(noop.status).toBe('failed');
  });

  it('reads a start cut short by its timeout as unknown (it may have started), a copy for the rollback to stop, and leaves the rest untried', async () => {
    checkout.behave({ [start('all_pipelines_daily')]: { stdout: 'Starting schedule all_pipelines_daily\n', sleepMs: 20_000 } });
    const result = await startSchedules({ names: ['all_pipelines_daily', 'usgs_daily'], definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 500 });
    expect(checkout.calls().map((c) => c.command)).toEqual([start('all_pipelines_daily')]);
    expect(result.outcomes).toEqual([
      { name: 'all_pipelines_daily', outcome: 'unknown', detail: expect.stringContaining(`${start('all_pipelines_daily')} timed out: whether it started is not known (it may have)`), copy: 'all_pipelines_daily' },
      { name: 'usgs_daily', outcome: 'not-tried', detail: 'not started: the step ran out of time' },
    ]);
    expect(result.status).toBe('failed');
  });
});

describe('through the webserver', () => {
  const client = () => new DagsterClient({ url: dagsterUrl, timeoutMs: 2_000 });

  type Repository = { name: string; location: string };
  /**
   * A webserver listing two repositories, each answering its schedules (GraphQL results) from `schedulesOf`; every
   * startSchedule is answered RUNNING, and its selector kept in the list returned.
   */
  function serveTwoRepositories(repositories: [Repository, Repository], schedulesOf: (repository: string) => unknown): Record<string, unknown>[] {
    const started: Record<string, unknown>[] = [];
    serveDagster({
      DataboxRepositories: () => ({
        data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes: repositories.map((r) => ({ name: r.name, location: { name: r.location } })) } },
      }),
      DataboxSchedules: ({ variables }) => schedulesOf((variables.selector as { repositoryName: string }).repositoryName),
      DataboxStartSchedule: ({ variables }) => {
        started.push(variables.selector as Record<string, unknown>);
        return { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } };
      },
    });
    return started;
  }
  const schedulesAnswer = (results: unknown[]) => ({ data: { schedulesOrError: { __typename: 'Schedules', results } } });
  const mainAndStaging: [Repository, Repository] = [
    { name: 'main', location: 'databox.definitions' },
    { name: 'staging', location: 'databox.staging' },
  ];

  it('starts each named schedule in its own repository, leaves a RUNNING one alone, and fails a name no repository has', async () => {
    const startedSelectors = serveTwoRepositories(
      [
        { name: '__repository__', location: 'databox.orchestration.definitions' },
        { name: 'exports', location: 'databox.exports' },
      ],
      (repository) =>
        repository === '__repository__'
          ? graphqlFixture('schedules-paused')
          : schedulesAnswer([{ name: 'weekly_export', cronSchedule: '0 7 * * 1', executionTimezone: 'UTC', scheduleState: { status: 'STOPPED', lastTick: [], lastSuccess: [] } }]),
    );
    const result = await startSchedules({
      names: ['all_pipelines_daily', 'weekly_export', 'soda_freshness_hourly', 'typo_daily'],
      client: client(),
      definitionsFile,
      cwd: checkout.root,
      runCommand,
      timeoutMs: 30_000,
    });
    expect(startedSelectors).toEqual([
      { repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__', scheduleName: 'all_pipelines_daily' },
      { repositoryLocationName: 'databox.exports', repositoryName: 'exports', scheduleName: 'weekly_export' },
    ]);
    expect(result.outcomes.map((o) => [o.name, o.outcome])).toEqual([
      ['all_pipelines_daily', 'started'],
      ['weekly_export', 'started'],
      ['soda_freshness_hourly', 'already-running'],
      ['typo_daily', 'failed'],
    ]);
    expect(result.output).toContain('typo_daily: failed — the webserver lists no schedule of that name (it lists: all_pipelines_daily, soda_freshness_hourly, weekly_export)');
    expect(checkout.calls()).toEqual([]);
  });

  it('starts each STOPPED copy of a name the webserver lists in several repositories, and leaves the RUNNING copy', async () => {
    const copy = (status: string) => ({ name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status, lastTick: [], lastSuccess: [] } });
    const started = serveTwoRepositories(mainAndStaging, (repository) => schedulesAnswer([copy(repository === 'main' ? 'RUNNING' : 'STOPPED')]));
    const result = await startSchedules({ names: ['all_pipelines_daily'], client: client(), definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000 });
    expect(started).toEqual([{ repositoryLocationName: 'databox.staging', repositoryName: 'staging', scheduleName: 'all_pipelines_daily' }]);
    expect(result).toMatchObject({ status: 'ok', summary: 'started all_pipelines_daily (staging@databox.staging)' });
  });

  it('leaves off a copy STOPPED long ago beside a copy of the same name paused lately, and says so', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const tick = (iso: string) => [{ timestamp: Date.parse(iso) / 1000, status: 'SUCCESS', error: null }];
    const copy = (lastTick: string) => ({ name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status: 'STOPPED', lastTick: tick(lastTick), lastSuccess: tick(lastTick) } });
    const started = serveTwoRepositories(mainAndStaging, (repository) => schedulesAnswer([copy(repository === 'main' ? '2026-11-29T06:00:00Z' : '2026-03-01T06:00:00Z')]));
    const result = await startSchedules({ names: ['all_pipelines_daily'], client: client(), definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000, now });
    expect(started).toEqual([{ repositoryLocationName: 'databox.definitions', repositoryName: 'main', scheduleName: 'all_pipelines_daily' }]);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('started all_pipelines_daily (main@databox.definitions); left off (off for long beside a copy paused lately): all_pipelines_daily (staging@databox.staging)');
  });

  it('starts only the copies the approved plan named, leaving off a copy in another repository that was not, and says so', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const tick = [{ timestamp: Date.parse('2026-11-29T06:00:00Z') / 1000, status: 'SUCCESS', error: null }];
    const copy = { name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status: 'STOPPED', lastTick: tick, lastSuccess: tick } };
    const started = serveTwoRepositories(mainAndStaging, () => schedulesAnswer([copy]));
    const planned = [{ name: 'all_pipelines_daily', repository: { repositoryLocationName: 'databox.definitions', repositoryName: 'main' } }];
    const result = await startSchedules({ names: ['all_pipelines_daily'], client: client(), planned, definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000, now });
    expect(started).toEqual([{ repositoryLocationName: 'databox.definitions', repositoryName: 'main', scheduleName: 'all_pipelines_daily' }]);
    expect(result.output).toContain('all_pipelines_daily (staging@databox.staging): left-off — left off: not among the copies the approved plan named');
  });

  it('says of a start the webserver did not answer in time that whether it started is not known, never "NOT started", and says it once where the run stopped', async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      DataboxStartSchedule: () => new Promise((resolve) => setTimeout(() => resolve({ data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }), 3_000)),
    });
    const slow = new DagsterClient({ url: dagsterUrl, timeoutMs: 500 });
    const result = await startSchedules({ names: ['all_pipelines_daily'], client: slow, definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000 });
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^not known whether started \(no usable answer came back\): all_pipelines_daily \(starting a schedule again is harmless/);
    expect(result.summary).not.toContain('NOT started');
    expect(result.output).toContain('whether it started is not known; look at its status in the Dagster UI');
    // A run stopped there says one thing of it under "Changed before it stopped": not known, never "it started no schedule".
    const step = { id: 'start_schedules', kind: 'dagster-schedule-start', title: 'Start the paused schedules', mutates: true, acceptStatuses: [] };
    const [changed] = changedBeforeStopping([step], [{ stepId: 'start_schedules', status: result.status, summary: result.summary, outputs: { started: '', mayHaveStarted: 'all_pipelines_daily' } }]);
    expect(changed?.summary).toMatch(/harmless: .*\); to know whether all_pipelines_daily started, look at the Dagster UI \(Overview → Schedules\), or diagnose again$/);
    expect(changed?.summary).not.toMatch(/started no schedule|may or may not/);
    // One started before another went unanswered: that one is named as started.
    const [partly] = changedBeforeStopping([step], [{ stepId: 'start_schedules', status: 'unknown', summary: 's', outputs: { started: 'vacuum_nightly', mayHaveStarted: 'all_pipelines_daily' } }]);
    expect(partly?.summary).toBe('s; it started vacuum_nightly; to know whether all_pipelines_daily started, look at the Dagster UI (Overview → Schedules), or diagnose again');
  });

  it("fails a schedule Dagster refuses to start, with Dagster's own message", async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      DataboxStartSchedule: () => ({ data: { startSchedule: { __typename: 'UnauthorizedError', message: 'Viewers cannot start schedules\n' } } }),
    });
    const result = await startSchedules({ names: ['all_pipelines_daily'], client: client(), definitionsFile, cwd: checkout.root, runCommand, timeoutMs: 30_000 });
    expect(result.status).toBe('failed');
    // Dagster's message ends in a line break: trimmed, so nothing after it lands alone on a line.
    expect(result.output).toMatch(/Dagster refused schedule all_pipelines_daily: UnauthorizedError: Viewers cannot start schedules$/);
  });
});

describe('the step in a plan', () => {
  function tools(schedules: string, url?: string, prepared?: unknown): ResolveTools {
    return {
      root: '/srv/databox',
      values: {},
      text: (template) => template.replace('{{schedules}}', schedules),
      inRoot: (template) => template,
      sql: (template) => template,
      dagster: { ...defaultDagsterSettings, url },
      now: recordedAt,
      prepared,
    };
  }
  const parsed = { id: 'start_schedules', kind: 'dagster-schedule-start' as const, title: 'Start the paused schedules', schedules: '{{schedules}}', definitionsFile, mutates: true, destructive: false };
  const describeTools = { root: '/srv/databox', rel: (p: string) => p, showArg: (a: string) => a, bound: () => '' };
  const planned = (schedules: string, url?: string, prepared?: unknown) =>
    dagsterScheduleStartStepKind.describe({ ...dagsterScheduleStartStepKind.resolve(parsed as never, tools(schedules, url, prepared)), timeoutMs: 60_000, guard: false }, describeTools);
  /** What prepare asks the webserver before the plan is made: the recorded schedules, or a webserver that is down. */
  async function prepared(up: boolean): Promise<unknown> {
    if (up) serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused' });
    else nock(dagsterUrl).post('/graphql').reply(502, 'Bad Gateway');
    const client = new DagsterClient({ url: dagsterUrl, timeoutMs: 2_000 });
    return dagsterScheduleStartStepKind.prepare?.(parsed as never, { dagster: { ...defaultDagsterSettings, url: dagsterUrl, client } });
  }

  it('names every schedule it will start, one CLI call each, and no other', () => {
    expect(planned('all_pipelines_daily,weekly_export')).toBe(
      `${start('all_pipelines_daily')}\n${start('weekly_export')}\n# one call per schedule; one already running is left as it is, and no other schedule is started`,
    );
  });

  it('goes through the webserver when it listed its schedules as the plan was made, and refuses there a name it does not list', async () => {
    const listed = await prepared(true);
    expect(planned('all_pipelines_daily', dagsterUrl, listed)).toBe(
      'GraphQL startSchedule, one at a time: all_pipelines_daily\n# starts all_pipelines_daily in __repository__@databox.orchestration.definitions (STOPPED when this plan was made)\n# no other copy and no other schedule is started',
    );
    expect(() => planned('all_pipelines_daily,no_such_schedule', dagsterUrl, listed)).toThrow(
      new UserError('the webserver lists no schedule named "no_such_schedule" (it lists: all_pipelines_daily, soda_freshness_hourly): nothing was proposed'),
    );
    expect(() => planned('all_pipelines_dialy', dagsterUrl, listed)).toThrow(
      new UserError('the webserver lists no schedule named "all_pipelines_dialy" (did you mean "all_pipelines_daily"?) (it lists: all_pipelines_daily, soda_freshness_hourly): nothing was proposed'),
    );
  });

  it('falls back to the CLI, and says why, when DAGSTER_URL is set but the webserver could not list its schedules', async () => {
    const down = await prepared(false);
    expect(planned('all_pipelines_daily', dagsterUrl, down)).toMatch(
      new RegExp(`^${start('all_pipelines_daily')}\n# one call per schedule; .*\n# through the CLI, not the webserver: the webserver could not list its schedules \\(.*502.*\\)$`),
    );
    const step = dagsterScheduleStartStepKind.resolve(parsed as never, tools('all_pipelines_daily', dagsterUrl, down));
    expect(dagsterScheduleStartStepKind.programs?.({ ...step, timeoutMs: 60_000, guard: false }, '/srv/databox')).toEqual([{ file: 'uv', cwd: '/srv/databox' }]);
  });

  it('warns in the plan when it turns on a schedule STOPPED with no tick lately, which the diagnosis takes as switched off on purpose', async () => {
    const listed = await prepared(true);
    // all_pipelines_daily last ticked 2026-04-17; 40 days later it is off for long.
    const later = { ...tools('all_pipelines_daily', dagsterUrl, listed), now: new Date(recordedAt.getTime() + 40 * 86_400_000) };
    const step = dagsterScheduleStartStepKind.resolve(parsed as never, later);
    expect(dagsterScheduleStartStepKind.describe({ ...step, timeoutMs: 60_000, guard: false }, describeTools)).toContain(
      '# WARNING: this turns on all_pipelines_daily (no tick since 2026-04-17): STOPPED with no tick lately, which the diagnosis takes as switched off on purpose; nothing here turns it off again (Dagster UI: Overview → Schedules)',
    );
    expect(planned('all_pipelines_daily', dagsterUrl, listed)).not.toContain('WARNING');
  });

  it('refuses an empty list and a name Dagster could not have, whatever template made it', () => {
    expect(() => dagsterScheduleStartStepKind.resolve(parsed as never, tools(''))).toThrow(UserError);
    expect(() => dagsterScheduleStartStepKind.resolve(parsed as never, tools('ok_name,--start-all'))).toThrow(/not a schedule name: "--start-all"/);
  });
});
