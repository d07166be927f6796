// The Dagster GraphQL client against recorded answers: healthy, daemon stopped, one stale, webserver down, slow, error payloads (each part the CLI's then).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { assessDagster, describeDagsterEvidence } from '../../src/dagster/evidence.js';
import { DagsterClient, DagsterError } from '../../src/dagster/graphql-client.js';
import { probeDagster } from '../../src/dagster/probe.js';
import type { CommandRunner } from '../../src/process/run-command.js';
import { cliFixture, dagsterUrl, graphqlFixture, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
afterEach(() => nock.cleanAll());

const client = (timeoutMs = 2_000) => new DagsterClient({ url: dagsterUrl, timeoutMs });
const thresholds = { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 };
const noCli: CommandRunner = () => {
  throw new Error('the CLI must not be asked while the webserver answers');
};

/** A stand-in CLI answering each command with its recorded output, noting what was asked. */
function recordedCli(answers: Record<string, string>): { run: CommandRunner; asked: string[] } {
  const asked: string[] = [];
  const run: CommandRunner = async ({ argv }) => {
    const command = argv.join(' ');
    asked.push(command);
    const fixture = answers[command];
    if (fixture === undefined) throw new Error(`the CLI was asked ${command}`);
    return { exitCode: 0, timedOut: false, output: cliFixture(fixture), redacted: false, outputBytes: 0, durationMs: 1, peakHeldChars: 0 };
  };
  return { run, asked };
}

/** The recorded healthy schedules with the first one's state changed. */
function withFirstSchedule(change: (state: any) => void): unknown {
  const answer = graphqlFixture('schedules-healthy') as any;
  change(answer.data.schedulesOrError.results[0].scheduleState);
  return answer;
}

/** Daily schedules at midnight in their timezones, each with its last tick a success at `lastSuccess` (epoch seconds). */
function dailySchedules(schedules: [name: string, timeZone: string, status: 'RUNNING' | 'STOPPED', lastSuccess: number][]): unknown {
  const answer = graphqlFixture('schedules-healthy') as any;
  answer.data.schedulesOrError.results = schedules.map(([name, timeZone, status, lastSuccess]) => {
    const tick = [{ timestamp: lastSuccess, status: 'SUCCESS', error: null }];
    return { name, cronSchedule: '0 0 * * *', executionTimezone: timeZone, scheduleState: { status, lastTick: tick, lastSuccess: tick } };
  });
  return answer;
}

/** The recorded healthy daemons, heartbeating seconds before `now`. */
function daemonsHeartbeatingAt(now: Date): unknown {
  const answer = graphqlFixture('daemon-health-healthy') as any;
  for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) d.lastHeartbeatTime = now.getTime() / 1000 - 10;
  return answer;
}

async function probe(c = client()) {
  return probeDagster({ client: c, runCommand: noCli, cwd: '/nonexistent', now: recordedAt });
}

describe('Dagster GraphQL client', () => {
  it('reads a healthy instance: every required daemon heartbeating, schedules ticking', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const evidence = await probe();
    expect(evidence.source).toBe('graphql');
    expect(evidence.daemons?.find((d) => d.type === 'SCHEDULER')).toMatchObject({ required: true, healthy: true, heartbeatAgeSeconds: 11 });
    expect(evidence.schedules?.map((s) => [s.name, s.status, s.sinceLastTickSeconds])).toEqual([
      ['all_pipelines_daily', 'RUNNING', 3 * 3600],
      ['soda_freshness_hourly', 'RUNNING', 3600],
    ]);
    expect(assessDagster(evidence, thresholds, recordedAt)).toMatchObject({ id: 'healthy', window: null });
  });

  it("counts the missed days in the schedule's execution timezone, the days its partitions are keyed by, and shows that timezone", async () => {
    // Midnight in Auckland (NZDT, UTC+13): its last success began 2026-12-01 there; the daemon stopped since.
    const lastSuccess = Date.parse('2026-11-30T11:00:00Z') / 1000;
    serveDagster({
      DataboxDaemonHealth: 'daemon-health-stopped',
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => dailySchedules([['all_pipelines_daily', 'Pacific/Auckland', 'RUNNING', lastSuccess]]),
    });
    // 15:00 on 2026-12-05 in Auckland: 2026-12-04 is over there, and in UTC too.
    const now = new Date('2026-12-05T02:00:00Z');
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now });
    expect(assessDagster(evidence, thresholds, now)).toMatchObject({ id: 'daemon-stopped', window: { from: '2026-12-01', to: '2026-12-04' } });
    expect(describeDagsterEvidence(evidence)).toMatch(/all_pipelines_daily +RUNNING +0 0 \* \* \* \(Pacific\/Auckland\)/);
    // 01:00 on 2026-12-05 in Auckland, still 2026-12-04 in UTC: no window may name today (UTC), so it ends the day
    // before, and the verdict says when the day left out can be backfilled.
    const earlier = new Date('2026-12-04T12:00:00Z');
    const beforeUtcMidnight = assessDagster(evidence, thresholds, earlier);
    expect(beforeUtcMidnight).toMatchObject({ window: { from: '2026-12-01', to: '2026-12-03' } });
    expect(beforeUtcMidnight.notes).toContain('schedule all_pipelines_daily runs in Pacific/Auckland, where 2026-12-04 is over but in UTC it is still today: the window ends 2026-12-03; diagnose again after 2026-12-05 00:00 UTC to backfill 2026-12-04');
  });

  it('does not call a schedule ahead of UTC paused with no day missed when the day just over there was missed, though no window can name it yet', async () => {
    // Paused after its 00:00 tick on 2026-12-04 in Auckland (NZDT, UTC+13), the daemon up.
    const lastSuccess = Date.parse('2026-12-03T11:00:00Z') / 1000;
    // 01:00 on 2026-12-05 in Auckland: its 00:00 tick, which builds 2026-12-04, was missed; in UTC it is still 2026-12-04.
    const now = new Date('2026-12-04T12:00:00Z');
    serveDagster({
      DataboxDaemonHealth: () => daemonsHeartbeatingAt(now),
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => dailySchedules([['all_pipelines_daily', 'Pacific/Auckland', 'STOPPED', lastSuccess]]),
    });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now });
    const verdict = assessDagster(evidence, thresholds, now);
    expect(verdict).toMatchObject({ id: 'schedules-paused', window: null, noDayMissed: false, missedStillTodayInUtc: '2026-12-04' });
    expect(verdict.notes).toContain('schedule all_pipelines_daily runs in Pacific/Auckland, where 2026-12-04 is over and was missed, but in UTC it is still today: no backfill can name it before it has ended in UTC too; diagnose again after 2026-12-05 00:00 UTC, whose plan backfills it');
    // An hour earlier (00:00 there, its tick just built 2026-12-03): nothing is missed yet.
    const beforeItsTick = new Date('2026-12-04T10:30:00Z');
    expect(assessDagster(evidence, thresholds, beforeItsTick)).toMatchObject({ id: 'schedules-paused-no-day-missed', missedStillTodayInUtc: null });
  });

  it('names the day a UTC schedule missed that is still under way where another schedule runs, west of UTC, and when it ends there, rather than an unknown window', async () => {
    // 06:00 UTC on 2026-12-04 is 22:00 on 2026-12-03 in Los Angeles (PST, UTC-8): 2026-12-03 is over in UTC, not there.
    const now = new Date('2026-12-04T06:00:00Z');
    // The UTC schedule paused after its tick of 2026-12-03 00:00 UTC: its tick that builds 2026-12-03 was missed.
    const utcSuccess = Date.parse('2026-12-03T00:00:00Z') / 1000;
    // The Los Angeles one runs, its tick of 2026-12-03 00:00 there made: it has missed nothing.
    const laSuccess = Date.parse('2026-12-03T08:00:00Z') / 1000;
    serveDagster({
      DataboxDaemonHealth: () => daemonsHeartbeatingAt(now),
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => dailySchedules([
        ['all_pipelines_daily', 'UTC', 'STOPPED', utcSuccess],
        ['weather_daily', 'America/Los_Angeles', 'RUNNING', laSuccess],
      ]),
    });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now });
    const verdict = assessDagster(evidence, thresholds, now);
    expect(verdict).toMatchObject({
      id: 'schedules-paused',
      window: null,
      noDayMissed: false,
      missedStillTodayInUtc: null,
      missedNotOverWest: { day: '2026-12-03', timeZone: 'America/Los_Angeles', endsAt: '2026-12-04 08:00 UTC' },
    });
    // With a schedule in Chicago too, which shares Los Angeles' yesterday but ends the day two hours sooner, the time
    // said is Los Angeles': diagnosing at Chicago's would find no window yet.
    const withChicago = { ...evidence, schedules: [...(evidence.schedules ?? []), { ...(evidence.schedules ?? [])[1]!, name: 'birds_daily', timezone: 'America/Chicago' }] };
    expect(assessDagster(withChicago, thresholds, new Date('2026-12-04T03:00:00Z'))).toMatchObject({
      missedNotOverWest: { day: '2026-12-03', timeZone: 'America/Los_Angeles', endsAt: '2026-12-04 08:00 UTC' },
    });
    // Once it has ended there, the window names it.
    expect(assessDagster(evidence, thresholds, new Date('2026-12-04T08:30:00Z'))).toMatchObject({ window: { from: '2026-12-03', to: '2026-12-03' }, missedNotOverWest: null });
  });

  it('says which code location a STOPPED schedule is in when another lists one of the same name RUNNING, in the verdict and the table', async () => {
    serveDagster({
      DataboxDaemonHealth: 'daemon-health-healthy',
      DataboxRepositories: () => ({
        data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes: [{ name: '__repository__', location: { name: 'databox.orchestration.definitions' } }, { name: '__repository__', location: { name: 'databox_legacy' } }] } },
      }),
      DataboxSchedules: ({ variables }) => {
        const answer = graphqlFixture('schedules-healthy') as any;
        const legacy = (variables.selector as { repositoryLocationName: string }).repositoryLocationName === 'databox_legacy';
        answer.data.schedulesOrError.results = answer.data.schedulesOrError.results.filter((r: any) => r.name === 'all_pipelines_daily');
        if (!legacy) answer.data.schedulesOrError.results[0].scheduleState.status = 'STOPPED';
        return answer;
      },
    });
    const evidence = await probe();
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    // Paused after this morning's successful tick: no day is missed yet.
    expect(verdict.id).toBe('schedules-paused-no-day-missed');
    expect(verdict.reasons).toContainEqual(expect.stringMatching(/^schedule all_pipelines_daily in __repository__@databox\.orchestration\.definitions is STOPPED, last tick \d{4}-\d\d-\d\d \d\d:\d\d UTC \(its copy in __repository__@databox_legacy is RUNNING\)$/));
    const table = describeDagsterEvidence(evidence);
    expect(table).toMatch(/schedule +status .* repository\n/);
    expect(table).toMatch(/all_pipelines_daily +STOPPED .*__repository__@databox\.orchestration\.definitions/);
    expect(table).toMatch(/all_pipelines_daily +RUNNING .*__repository__@databox_legacy/);
  });

  it('names the code location in the left-off note and beside a stopped daemon too, where two list the same schedule', () => {
    const copy = (repository: string, lastTickAt: string) => ({ name: 'all_pipelines_daily', status: 'STOPPED' as const, cron: '0 6 * * *', lastTickAt, lastTickStatus: 'SUCCESS', lastTickError: null, lastSuccessAt: lastTickAt, sinceLastTickSeconds: 0, repository });
    const schedules = [copy('__repository__@databox.orchestration.definitions', '2026-04-19T06:00:00.000Z'), copy('__repository__@databox_legacy', '2026-01-05T06:00:00.000Z')];
    const paused = assessDagster({ source: 'graphql', daemons: [], schedules, unparsed: [], problems: [] } as any, thresholds, recordedAt);
    expect(paused.notes).toContain('schedule all_pipelines_daily in __repository__@databox_legacy is STOPPED, last tick 2026-01-05: taken as switched off on purpose');
    const stopped = assessDagster({ source: 'graphql', daemons: [], daemonLive: false, schedules, unparsed: [], problems: [] } as any, thresholds, recordedAt);
    expect(stopped.reasons).toContain('schedules also STOPPED: all_pipelines_daily in __repository__@databox.orchestration.definitions');
  });

  it("reads the code locations that failed to load, which repositoriesOrError leaves out with their schedules", async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: 'workspace-location-failed' });
    const evidence = await probe();
    expect(evidence.unloadedLocations).toEqual([
      { name: 'databox.orchestration.definitions', error: "dagster._core.errors.DagsterImportError: Encountered ImportError: `No module named 'databox.orchestration.assets_ebird'` while importing module databox.orchestration.definitions.", ours: true },
    ]);
    expect(assessDagster(evidence, thresholds, recordedAt).id).toBe('inconclusive');
    // With DAGSTER_LOCATION naming another location, a failed one is told apart from the stack's.
    const elsewhere = await probe(new DagsterClient({ url: dagsterUrl, timeoutMs: 2_000, location: 'databox_prod' }));
    expect(elsewhere.unloadedLocations?.map((l) => l.ours)).toEqual([false]);
    // All loaded, or a Dagster that cannot answer the question (its schema older): nothing is held against it.
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: 'workspace-loaded' });
    expect((await probe()).unloadedLocations).toEqual([]);
    // Being updated (LOADING, the location still there) is loaded; LOADING with nothing yet is still loading, not broken.
    nock.cleanAll();
    const entry = (loadStatus: string, locationOrLoadError: unknown) => ({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'databox', loadStatus, locationOrLoadError }] } } });
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: () => entry('LOADING', { __typename: 'RepositoryLocation' }) });
    expect((await probe()).unloadedLocations).toEqual([]);
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: () => entry('LOADING', null) });
    const loading = await probe();
    expect(assessDagster(loading, thresholds, recordedAt).reasons).toEqual(["code location databox is still loading; its schedules and jobs are missing from what Dagster lists (diagnose again once it has loaded)"]);
    // Reloading after a fix, the error of the load before still attached: still loading, not "fix it".
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: () => entry('LOADING', { __typename: 'PythonError', message: 'ImportError: the old one' }) });
    expect((await probe()).unloadedLocations).toEqual([{ name: 'databox', error: 'still loading', ours: true }]);
    // The watcher, asking the webserver alone on every poll, does not ask this.
    expect((await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true })).unloadedLocations).toBeUndefined();
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const older = await probe();
    expect(older.unloadedLocations).toBeUndefined();
    expect(assessDagster(older, thresholds, recordedAt).id).toBe('healthy');
  });

  it('says in the evidence why the code locations could not be listed: a PythonError is not dropped', async () => {
    const pythonError = { data: { workspaceOrError: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterUserCodeUnreachableError: workspace snapshot failed\n  File "/opt/dagster/workspace.py", line 12\n' } } };
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxWorkspace: () => pythonError });
    const evidence = await probe();
    expect(evidence.unloadedLocations).toBeUndefined();
    expect(describeDagsterEvidence(evidence)).toContain(
      'Code locations: could not be listed, so whether each loaded is unknown (Dagster failed while reading its code locations: dagster._core.errors.DagsterUserCodeUnreachableError: workspace snapshot failed)',
    );
    // Extra evidence only: the daemons and schedules the webserver gave still make the verdict.
    expect(assessDagster(evidence, thresholds, recordedAt).id).toBe('healthy');
  });

  it('asks schedulesOrError with the repository it discovered', async () => {
    const selectors: unknown[] = [];
    serveDagster({
      DataboxDaemonHealth: 'daemon-health-healthy',
      DataboxRepositories: 'repositories',
      DataboxSchedules: (request) => {
        selectors.push(request.variables.selector);
        return { data: { schedulesOrError: { __typename: 'Schedules', results: [] } } };
      },
    });
    await probe();
    expect(selectors).toEqual([{ repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__' }]);
  });

  it('finds a stopped daemon, since its last heartbeat, and the missed window from the last successful tick to yesterday', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-daemon-stopped' });
    const evidence = await probe();
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    expect(verdict.id).toBe('daemon-stopped');
    expect(verdict.since).toBe('2026-04-18T05:41:07.000Z');
    expect(verdict.window).toEqual({ from: '2026-04-17', to: '2026-04-20' });
    expect(verdict.title).toBe('Dagster daemon stopped since 2026-04-18 05:41 UTC');
    const text = describeDagsterEvidence(evidence);
    expect(text).toMatch(/SCHEDULER\s+yes\s+no\s+3 d 3 h ago/);
    expect(text).toContain('all_pipelines_daily');
  });

  it('calls one daemon silent past the threshold, Dagster still deeming it healthy, lagging while the others heartbeat, and stopped once none does', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-one-stale', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const evidence = await probe();
    const scheduler = evidence.daemons?.find((d) => d.type === 'SCHEDULER');
    expect(scheduler).toMatchObject({ healthy: true, heartbeatAgeSeconds: 537 });
    expect(scheduler?.errors[0]).toContain('DagsterUserCodeUnreachableError');
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    // The other daemons of the same process heartbeat: one thread slow, not a stopped daemon to start a second of.
    expect(verdict.id).toBe('healthy');
    expect(verdict.notes, JSON.stringify(verdict.notes)).toContain(
      "daemon lagging, not stopped: SCHEDULER (last heartbeat 8 min 57 s ago), while the other required daemons heartbeat (SENSOR 4.0 s ago, BACKFILL 9.0 s ago, ASSET 20.0 s ago, QUEUED_RUN_COORDINATOR 2.0 s ago), so the daemon process runs; Dagster still calls it healthy (it tolerates up to 30 min 30 s); look at the daemon's log for what holds SCHEDULER up",
    );
    // Ten minutes on, none has heartbeated within the threshold: the daemon is stopped, whatever Dagster still says; the
    // threshold is the operator's, not Dagster's.
    const later = new Date(recordedAt.getTime() + 10 * 60_000);
    const stopped = assessDagster(await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: later, webserverOnly: true }), thresholds, later);
    expect(stopped.id).toBe('daemon-stopped-no-day-missed');
    expect(stopped.reasons[0]).toBe('daemon SCHEDULER: last heartbeat 18 min 57 s ago');
  });

  it('judges the required daemons of an answer whose errors are about a daemon Dagster does not require, and refuses one whose errors touch a required one', async () => {
    const partial = (index: number) => () => ({ ...(graphqlFixture('daemon-health-healthy') as object), errors: [{ message: 'Cannot return null for non-nullable field DaemonStatus.id.', path: ['instance', 'daemonHealth', 'allDaemonStatuses', index, 'id'] }] });
    serveDagster({ DataboxDaemonHealth: partial(5), DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(evidence.problems).toEqual([]);
    expect(evidence.daemons?.filter((d) => d.required).map((d) => d.type)).toEqual(['SCHEDULER', 'SENSOR', 'BACKFILL', 'ASSET', 'QUEUED_RUN_COORDINATOR']);
    // The error is said on the row of the daemon it is about.
    expect(evidence.daemons?.[5]).toMatchObject({ type: 'MONITORING', required: false, errors: ["Dagster's answer about it: Cannot return null for non-nullable field DaemonStatus.id."] });
    expect(assessDagster(evidence, thresholds, recordedAt).id).toBe('healthy');

    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: partial(0) });
    const error = await client().daemonHealth().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'graphql', message: "Dagster's GraphQL API answered with an error: Cannot return null for non-nullable field DaemonStatus.id." });
  });

  it("counts heartbeat ages by the webserver's clock (its Date header), so Dagster's clock ahead cannot hide a stopped daemon, and says how far apart the clocks are", async () => {
    // Dagster's clock 10 min ahead of the bot's; its daemons stopped 5 min ago by it: their last heartbeats are in the bot's future.
    const dagsterNow = new Date(recordedAt.getTime() + 10 * 60_000);
    const stoppedAt = (dagsterNow.getTime() - 5 * 60_000) / 1000;
    const answer = () => {
      const health = graphqlFixture('daemon-health-healthy') as any;
      for (const d of health.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = stoppedAt;
      return health;
    };
    serveDagster({ DataboxDaemonHealth: answer, DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' }, dagsterUrl, () => dagsterNow);
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(evidence.daemons?.find((d) => d.type === 'SCHEDULER')?.heartbeatAgeSeconds).toBe(300);
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    expect(verdict.id).toBe('daemon-stopped-no-day-missed');
    expect(verdict.notes).toContain("Dagster's clock is 10 min ahead of the bot's (read off its webserver's Date header): heartbeat ages are counted by Dagster's clock");
    expect(describeDagsterEvidence(evidence)).toContain("Dagster's clock is 10 min ahead of the bot's");

    // A webserver that sends no Date header: the heartbeat in the bot's future says Dagster's clock is at least that far ahead.
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: answer, DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const undated = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(assessDagster(undated, thresholds, recordedAt).notes).toContain(
      "Dagster's clock is at least 5 min ahead of the bot's (a heartbeat is that far in the bot's future); its webserver sent no Date header, so heartbeat ages are counted from its newest heartbeat",
    );
  });

  it("says in the verdict, with no Date header and heartbeats 10 min before the bot's clock, that Dagster's clock is unknown, not only that the daemons stopped", async () => {
    const answer = () => {
      const health = graphqlFixture('daemon-health-healthy') as any;
      for (const d of health.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = recordedAt.getTime() / 1000 - 600;
      return health;
    };
    serveDagster({ DataboxDaemonHealth: answer, DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    expect(verdict.notes).toContain(
      "Dagster's clock is unknown: its webserver sent no Date header, and its newest heartbeat is 10 min before the bot's clock; heartbeat ages are counted by the bot's clock, so a bot's clock 10 min ahead of Dagster's would look the same as daemons that stopped; a second look 35 s later tells (a newer heartbeat says they run), and path A's daemon start takes it before it starts one",
    );
    // Not said where the daemons are stopped whatever the clocks: Dagster itself calls them unhealthy.
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const stopped = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(assessDagster(stopped, thresholds, recordedAt).notes.join('\n')).not.toContain("Dagster's clock is unknown");
  });

  it('finds paused schedules and proposes the window since their last successful tick', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused' });
    const verdict = assessDagster(await probe(), thresholds, recordedAt);
    expect(verdict).toMatchObject({ id: 'schedules-paused', since: '2026-04-17T06:00:00.418Z', window: { from: '2026-04-17', to: '2026-04-20' } });
    expect(verdict.title).toBe('Schedules paused, last ticked at 2026-04-17 06:00 UTC: all_pipelines_daily');
  });

  it('reads the schedules from the CLI when schedulesOrError is a PythonError, keeps the webserver\'s daemons, and says why', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-python-error' });
    const cli = recordedCli({ 'uv run dagster schedule list': 'schedule-list-stopped', 'uv run dagster instance info': 'instance-info' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    expect(cli.asked).toEqual(['uv run dagster schedule list', 'uv run dagster instance info']);
    expect(evidence).toMatchObject({ source: 'cli', problems: [], unparsed: [] });
    expect(evidence.daemons?.find((d) => d.type === 'SCHEDULER')).toMatchObject({ healthy: true, heartbeatAgeSeconds: 11 });
    expect(evidence.schedules?.map((s) => `${s.name} ${s.status}`)).toEqual(['all_pipelines_daily STOPPED', 'soda_freshness_hourly RUNNING']);
    expect(evidence.webserverProblem).toBe(
      "its schedules could not be used, so the CLI listed them: Dagster failed while reading the schedules of __repository__@databox.orchestration.definitions: dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server. gRPC Error code: UNAVAILABLE; the daemons are the webserver's",
    );
    expect(assessDagster(evidence, thresholds, recordedAt)).toMatchObject({ id: 'schedules-paused', title: 'Schedules paused: all_pipelines_daily', pausedSchedules: ['all_pipelines_daily'] });
    const text = describeDagsterEvidence(evidence);
    expect(text).toMatch(/^Source: Dagster CLI \(webserver: its schedules could not be used, so the CLI listed them: .*UNAVAILABLE; the daemons are the webserver's\)\n/);
    expect(text).toMatch(/SCHEDULER\s+yes\s+yes\s+11.0 s ago/);
  });

  it('says a PythonError of many lines (its stack trace) by its first line in why the CLI was asked: no line break in the verdict', async () => {
    const pythonError = { __typename: 'PythonError', message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server\n  Stack trace: File "/x.py", line 1\n' };
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: () => ({ data: { schedulesOrError: pythonError } }) });
    const cli = recordedCli({ 'uv run dagster schedule list': 'schedule-list-stopped', 'uv run dagster instance info': 'instance-info' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    // Before: "…Could not reach user code server\n  Stack trace: File "/x.py", line 1; the daemons are the webserver's".
    expect(evidence.webserverProblem).toBe(
      "its schedules could not be used, so the CLI listed them: Dagster failed while reading the schedules of __repository__@databox.orchestration.definitions: dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server; the daemons are the webserver's",
    );
  });

  it('asks liveness-check alone when only the daemon health cannot be used, keeping the webserver\'s schedules with their ticks', async () => {
    serveDagster({ DataboxDaemonHealth: 'graphql-error', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' });
    const cli = recordedCli({ 'uv run dagster-daemon liveness-check': 'liveness-live' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    expect(cli.asked).toEqual(['uv run dagster-daemon liveness-check']);
    expect(evidence).toMatchObject({ source: 'graphql', daemonLive: true, daemons: undefined, problems: [] });
    expect(evidence.schedules?.map((s) => s.sinceLastTickSeconds)).toEqual([3 * 3600, 3600]);
    expect(evidence.webserverProblem).toBe(
      'its daemon health could not be used, so the CLI was asked: Dagster\'s GraphQL API answered with an error: Cannot query field "daemonHealth" on type "Instance".; the schedules are the webserver\'s',
    );
    expect(assessDagster(evidence, thresholds, recordedAt).id).toBe('healthy');
  });

  it("keeps the repositories' jobs when the daemon health cannot be used, for the diagnosis and the watchers alike: they tell the stack's schedules from another team's", async () => {
    const node = (name: string, location: string, job: string) => ({ name, location: { name: location }, jobs: [{ name: job }] });
    const nodes = [node('__repository__', 'databox.orchestration.definitions', 'all_pipelines'), node('repo_b', 'team-b', 'team_b_job')];
    serveDagster({ DataboxDaemonHealth: 'graphql-error', DataboxRepositories: () => ({ data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes } } }), DataboxSchedules: 'schedules-healthy' });
    const jobs = { '__repository__@databox.orchestration.definitions': ['all_pipelines'], 'repo_b@team-b': ['team_b_job'] };
    const diagnosed = await probeDagster({ client: client(), runCommand: recordedCli({ 'uv run dagster-daemon liveness-check': 'liveness-live' }).run, cwd: '/nonexistent', now: recordedAt });
    expect(diagnosed.repositoryJobs).toEqual(jobs);
    const watched = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(watched.repositoryJobs).toEqual(jobs);
  });

  it.each([
    ['a repositories answer without its list', { DataboxRepositories: () => ({ data: { repositoriesOrError: { __typename: 'RepositoryConnection' } } }) }, 'the repositories answer has no list of repositories'],
    ['a schedules answer without its list', { DataboxSchedules: () => ({ data: { schedulesOrError: { __typename: 'Schedules', results: null } } }) }, 'the schedules answer of __repository__@databox.orchestration.definitions has no list of schedules'],
    [
      'a tick whose time is text',
      { DataboxSchedules: () => withFirstSchedule((state) => (state.lastTick[0].timestamp = '1776751200')) },
      'the schedules answer gives schedule all_pipelines_daily\'s last tick as {"timestamp":"1776751200"',
    ],
    ['a schedule state that is neither RUNNING nor STOPPED', { DataboxSchedules: () => withFirstSchedule((state) => (state.status = 'PAUSED')) }, 'the schedules answer gives schedule all_pipelines_daily the state "PAUSED", neither RUNNING nor STOPPED'],
  ])('does not read %s as facts: the CLI lists the schedules, and says why', async (_name, answers, why) => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', ...answers });
    const cli = recordedCli({ 'uv run dagster schedule list': 'schedule-list-running', 'uv run dagster instance info': 'instance-info' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    expect(cli.asked).toEqual(['uv run dagster schedule list', 'uv run dagster instance info']);
    expect(evidence.webserverProblem).toContain(`its schedules could not be used, so the CLI listed them: ${why}`);
  });

  it('does not read a heartbeat given as text as "never": liveness-check is asked instead', async () => {
    serveDagster({
      DataboxDaemonHealth: () => {
        const answer = graphqlFixture('daemon-health-healthy') as any;
        answer.data.instance.daemonHealth.allDaemonStatuses[0].lastHeartbeatTime = '1776761988.518';
        return answer;
      },
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-healthy',
    });
    const cli = recordedCli({ 'uv run dagster-daemon liveness-check': 'liveness-live' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    expect(evidence).toMatchObject({ daemons: undefined, daemonLive: true });
    expect(evidence.webserverProblem).toContain('the daemon health answer gives SCHEDULER\'s last heartbeat as "1776761988.518", not a time in seconds');
  });

  it('does not read a heartbeat given in milliseconds as a clock far ahead: the answer is not a time in seconds', async () => {
    serveDagster({
      DataboxDaemonHealth: () => {
        const answer = graphqlFixture('daemon-health-healthy') as any;
        answer.data.instance.daemonHealth.allDaemonStatuses[0].lastHeartbeatTime = 1776761988518;
        return answer;
      },
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-healthy',
    });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(evidence.daemons).toBeUndefined();
    expect(evidence.problems).toEqual(["the daemon health answer gives SCHEDULER's last heartbeat as 1776761988518, not a time in seconds"]);
  });

  it('names where a redirect led when the answer there is not JSON (a login page)', async () => {
    // A real loopback server: the redirect is followed by fetch itself, as a proxy in front of Dagster makes it.
    const server = http.createServer((req, res) => {
      if (req.url === '/graphql') res.writeHead(302, { location: '/login' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(new DagsterClient({ url, timeoutMs: 2_000 }).request('query DataboxDaemonHealth { instance { id } }')).rejects.toMatchObject({
        kind: 'bad-answer',
        message: `the Dagster webserver answered HTTP 200 after a redirect to ${url}/login with an HTML page, not JSON: a page usually means a login (an SSO or auth proxy) in front of Dagster: set DAGSTER_URL to Dagster's own address behind it, or give the bot's requests access through it`,
      });
    } finally {
      server.close();
    }
  });

  it('asks the CLI for everything when every answer is an HTTP error, naming it once', async () => {
    nock(dagsterUrl).persist().post('/graphql').reply(502, '<html><body>502 Bad Gateway</body></html>');
    const cli = recordedCli({ 'uv run dagster-daemon liveness-check': 'liveness-live', 'uv run dagster schedule list': 'schedule-list-running', 'uv run dagster instance info': 'instance-info' });
    const evidence = await probeDagster({ client: client(), runCommand: cli.run, cwd: '/nonexistent', now: recordedAt });
    expect(cli.asked).toEqual(['uv run dagster-daemon liveness-check', 'uv run dagster schedule list', 'uv run dagster instance info']);
    expect(evidence).toMatchObject({ source: 'cli', daemonLive: true, webserverProblem: 'the Dagster webserver answered HTTP 502 with something that is not JSON' });
    expect(assessDagster(evidence, thresholds, recordedAt).id).toBe('healthy');
    // The CLI's output not read either: not conclusive, the webserver's own failure said first, as the likely cause.
    const unread = recordedCli({ 'uv run dagster-daemon liveness-check': 'liveness-unseen', 'uv run dagster schedule list': 'schedule-list-running', 'uv run dagster instance info': 'instance-info' });
    const both = await probeDagster({ client: client(), runCommand: unread.run, cwd: '/nonexistent', now: recordedAt });
    expect(assessDagster(both, thresholds, recordedAt).reasons[0]).toBe('the webserver: the Dagster webserver answered HTTP 502 with something that is not JSON');
  });

  it('keeps a PythonError as a problem for the watcher, which asks the webserver alone, without the line break Dagster ends it with', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-python-error' });
    const evidence = await probeDagster({ client: client(), runCommand: noCli, cwd: '/nonexistent', now: recordedAt, webserverOnly: true });
    expect(evidence.problems).toEqual([
      'Dagster failed while reading the schedules of __repository__@databox.orchestration.definitions: dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server. gRPC Error code: UNAVAILABLE',
    ]);
    const verdict = assessDagster(evidence, thresholds, recordedAt);
    expect(verdict.id).toBe('inconclusive');
    expect(verdict.reasons).toContain('the schedules could not be read');
    expect(verdict.reasons.every((r) => r === r.trim())).toBe(true);
  });

  it('raises a top-level GraphQL error with its message', async () => {
    serveDagster({ DataboxDaemonHealth: 'graphql-error' });
    const error = await client().daemonHealth().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DagsterError);
    expect(error).toMatchObject({ kind: 'graphql', message: 'Dagster\'s GraphQL API answered with an error: Cannot query field "daemonHealth" on type "Instance".' });
  });

  it('says the webserver cannot be reached when the connection is refused', async () => {
    nock(dagsterUrl).post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const error = await client().daemonHealth().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as Error).message).toBe('the Dagster webserver at http://127.0.0.1:3070/graphql cannot be reached (connect ECONNREFUSED 127.0.0.1:3070)');
  });

  it('says in one line that TLS failed, with a hint the scheme may be wrong, when DAGSTER_URL is https:// and the webserver speaks plain HTTP', async () => {
    const plain = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    try {
      const error = await new DagsterClient({ url: `https://127.0.0.1:${port}`, timeoutMs: 5_000 }).daemonHealth().catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'unreachable' });
      // Before: OpenSSL's own text, "(80CC017B477F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/…:350:\n)".
      expect((error as Error).message).toBe(
        `the Dagster webserver at https://127.0.0.1:${port}/graphql cannot be reached (the TLS handshake failed: wrong version number; the server may speak plain HTTP: if so, DAGSTER_URL starts with http://, not https://)`,
      );
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('says a cause of many lines in its first line only, never a line break in the verdict', async () => {
    nock(dagsterUrl).post('/graphql').replyWithError({ code: 'EPROTO', message: 'write EPROTO\nsomething below' });
    const error = await client().daemonHealth().catch((e: unknown) => e);
    expect((error as Error).message).toBe('the Dagster webserver at http://127.0.0.1:3070/graphql cannot be reached (write EPROTO)');
  });

  it('gives up on a webserver slower than the timeout', async () => {
    nock(dagsterUrl).post('/graphql').delay(3_000).reply(200, {});
    const started = Date.now();
    const error = await client(300).daemonHealth().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', message: 'the Dagster webserver at http://127.0.0.1:3070/graphql did not answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('reports an answer that is not JSON (a proxy error page) with its text', async () => {
    nock(dagsterUrl).post('/graphql').reply(502, '<html><body>502 Bad Gateway</body></html>');
    const error = await client().daemonHealth().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', message: 'the Dagster webserver answered HTTP 502 with something that is not JSON', raw: '<html><body>502 Bad Gateway</body></html>' });
  });

  it('launches a partition backfill with the window and returns its id; refusals and PythonErrors name themselves', async () => {
    const sent: unknown[] = [];
    serveDagster({
      DataboxBackfill: (request) => {
        sent.push(request.variables.params);
        return { data: { launchPartitionBackfill: { __typename: 'LaunchBackfillSuccess', backfillId: 'lxkdvmpa' } } };
      },
    });
    const request = { assetKeys: [['ebird', 'fct_daily_bird_observations']], start: '2026-04-18', end: '2026-04-20', title: 'databox dbx-20260421-0a1b', tags: [{ key: 'databox/incident', value: 'dbx-20260421-0a1b' }] };
    await expect(client().launchPartitionBackfill(request)).resolves.toBe('lxkdvmpa');
    expect(sent).toEqual([
      {
        partitionsByAssets: [{ assetKey: { path: ['ebird', 'fct_daily_bird_observations'] }, partitions: { range: { start: '2026-04-18', end: '2026-04-20' } } }],
        title: 'databox dbx-20260421-0a1b',
        tags: [{ key: 'databox/incident', value: 'dbx-20260421-0a1b' }],
      },
    ]);
    nock.cleanAll();
    serveDagster({ DataboxBackfill: 'backfill-python-error' });
    await expect(client().launchPartitionBackfill(request)).rejects.toMatchObject({ kind: 'python-error', message: expect.stringContaining('Partition 2026-04-20 not found') });
    nock.cleanAll();
    serveDagster({ DataboxBackfill: 'backfill-unauthorized' });
    await expect(client().launchPartitionBackfill(request)).rejects.toMatchObject({ kind: 'graphql', message: expect.stringContaining('UnauthorizedError: Authorization failed') });
  });
});

describe('stopping a schedule by its state', () => {
  it('sends stopRunningSchedule by the state id, and by origin and selector ids to a Dagster whose mutation takes no id', async () => {
    const asked: unknown[] = [];
    const stoppedAnswer = { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'STOPPED' } } } };
    serveDagster({ DataboxStopSchedule: (request) => (asked.push(['by id', request.variables]), stoppedAnswer) });
    const client = new DagsterClient({ url: dagsterUrl, timeoutMs: 2_000 });
    await expect(client.stopSchedule({ id: 'abc', selectorId: 'sel' }, 'all_pipelines_daily')).resolves.toBe('STOPPED');
    nock.cleanAll();
    // An older Dagster: `id` is no argument of stopRunningSchedule, so GraphQL refuses the document.
    serveDagster({
      DataboxStopSchedule: () => ({ errors: [{ message: 'Unknown argument "id" on field "Mutation.stopRunningSchedule".' }] }),
      DataboxStopScheduleByOrigin: (request) => (asked.push(['by origin', request.variables]), stoppedAnswer),
    });
    await expect(client.stopSchedule({ id: 'abc', selectorId: 'sel' }, 'all_pipelines_daily')).resolves.toBe('STOPPED');
    expect(asked).toEqual([
      ['by id', { id: 'abc' }],
      ['by origin', { originId: 'abc', selectorId: 'sel' }],
    ]);
  });
});
