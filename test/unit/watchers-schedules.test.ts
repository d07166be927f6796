// The paused schedules watcher: a stack schedule STOPPED with the daemon heartbeating is one alert for scenario 4 and
// one "back to healthy" once it runs again, journaled; the schedules the diagnosis leaves off (paused on purpose, never
// switched on, another team's) are not; off as the other watchers are.
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { Journal } from '../../src/journal/journal.js';
import { runCommand } from '../../src/process/run-command.js';
import type { AlertRef } from '../../src/watchers/alert-state.js';
import type { Finding, Watcher } from '../../src/watchers/finding.js';
import { recoveryText } from '../../src/watchers/outage-span.js';
import { loadScheduleRules } from '../../src/watchers/schedule-rules.js';
import { schedulesWatcher } from '../../src/watchers/schedules-watcher.js';
import { WatchService, type AlertSink } from '../../src/watchers/watch-service.js';
import { daemonHealthyNow, dagsterUrl, graphqlFixture, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useTempDirs } from '../support/fixtures.js';

blockNetwork();
afterEach(() => nock.cleanAll());
const tempDir = useTempDirs('watch-schedules-');
const minute = 60_000;
const rules = { jobs: ['all_pipelines'], switchedOffAfterMs: 31 * 24 * 60 * minute, runsOnSensors: false };

/** A schedule as schedulesOrError lists it, its last tick (a success) at `lastTick`, or none. */
function schedule(name: string, status: 'RUNNING' | 'STOPPED', lastTick: string | null, cron = '0 6 * * *', description: string | null = null): unknown {
  const ticks = lastTick ? [{ timestamp: Date.parse(lastTick) / 1000, status: 'SUCCESS', error: null }] : [];
  return { name, cronSchedule: cron, executionTimezone: 'UTC', description, scheduleState: { status, lastTick: ticks, lastSuccess: ticks } };
}

const schedulesAnswer = (results: unknown[]) => ({ data: { schedulesOrError: { __typename: 'Schedules', results } } });

/** Dagster with the daemons heartbeating at `clock`'s now and our location's schedules as `schedules()` lists them. */
function serve(clock: () => Date, schedules: () => unknown[]): void {
  serveDagster({ DataboxDaemonHealth: daemonHealthyNow(clock), DataboxSchedules: () => schedulesAnswer(schedules()) });
}

/** `location`: DAGSTER_LOCATION; null for none (every repository Dagster lists is read). */
function watcher(enabled = true, location: string | null = 'databox.orchestration.definitions', runsOnSensors = false): Watcher {
  return schedulesWatcher({ client: new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000, location: location ?? undefined }), runCommand, root: '/', heartbeatMaxAgeMs: 3 * minute, rules: { ...rules, runsOnSensors }, enabled });
}

function recordingSink(posted: { kind: string; text: string; scenario?: string }[]): AlertSink {
  return {
    async alert(finding: Finding): Promise<AlertRef> {
      posted.push({ kind: 'alert', text: finding.summary, scenario: finding.scenario });
      return { channel: 'C0ALERTS', ts: '1776762000.000001' };
    },
    async reminder(finding: Finding) {
      posted.push({ kind: 'reminder', text: finding.summary });
    },
    async changed(finding: Finding) {
      posted.push({ kind: 'changed', text: finding.summary });
    },
    async recovered(w: Watcher, _outage, span, finding, said: boolean) {
      const leftOff = finding.leftOff ? `; left off: ${finding.leftOff.map((part) => part.said).join('; ')}` : '';
      posted.push({ kind: 'recovered', text: (said ? recoveryText(w.title, span) : 'quietly') + leftOff });
    },
    async returned(finding: Finding) {
      posted.push({ kind: 'returned', text: finding.summary });
    },
    async settled() {
      posted.push({ kind: 'settled', text: '' });
    },
  };
}

describe('paused schedules watcher', () => {
  it('alerts once for scenario 4 on the stack\'s daily schedule STOPPED with the daemon heartbeating, and says it is back to healthy once it runs again, journaled', async () => {
    const stateDir = tempDir();
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let status: 'RUNNING' | 'STOPPED' = 'STOPPED';
    serve(clock, () => [schedule('all_pipelines_daily', status, '2026-04-21T06:00:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]);
    const posted: { kind: string; text: string; scenario?: string }[] = [];
    const journal = new Journal(stateDir, clock);
    journal.load();
    const service = new WatchService({ watchers: [watcher()], journal, sink: recordingSink(posted), logger: pino({ level: 'silent' }), intervalMs: minute, reminderMs: 4 * 60 * minute, clock });
    for (let i = 0; i < 30; i += 1) {
      await service.checkOnce();
      now += minute;
    }
    expect(posted).toEqual([{ kind: 'alert', text: 'Dagster schedule STOPPED: all_pipelines_daily (last tick 2026-04-21 06:00 UTC)', scenario: 'schedule' }]);
    expect(service.statusLines()[0]).toMatch(/^• Dagster schedules: ALERTING since 2026-04-21 09:00 UTC/);

    // Started again (by hand, or by a recovery): said once, and not again at later checks.
    status = 'RUNNING';
    for (let i = 0; i < 3; i += 1) {
      await service.checkOnce();
      now += minute;
    }
    expect(posted.slice(1)).toEqual([{ kind: 'recovered', text: 'Dagster schedules: back to healthy at 09:30 UTC, after 30 min (since 09:00 UTC)' }]);
    await journal.flushed();
    const types = fs.readFileSync(journal.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: { watcher?: string } });
    expect(types.map((r) => [r.type, r.data.watcher])).toEqual([
      ['watch.alerted', 'schedules'],
      ['watch.recovered', 'schedules'],
    ]);
    expect(service.statusLines()[0]).toMatch(/^• Dagster schedules: healthy: 2 of the stack's schedules RUNNING \(last check/);
  });

  it('ends the alert of a schedule that is left off while still STOPPED (marked databox/paused:, or STOPPED over switchedOffAfter) as no longer alerted on, never back to healthy, in the journal and the status too', async () => {
    for (const how of ['marked', 'aged out'] as const) {
      nock.cleanAll();
      const stateDir = tempDir();
      let now = recordedAt.getTime();
      const clock = () => new Date(now);
      let description: string | null = null;
      serve(clock, () => [schedule('all_pipelines_daily', 'STOPPED', '2026-04-21T06:00:00Z', '0 6 * * *', description)]);
      const posted: { kind: string; text: string; scenario?: string }[] = [];
      const journal = new Journal(stateDir, clock);
      journal.load();
      const service = new WatchService({ watchers: [watcher()], journal, sink: recordingSink(posted), logger: pino({ level: 'silent' }), intervalMs: minute, reminderMs: 32 * 24 * 60 * minute, clock });
      await service.checkOnce();
      expect(posted.map((p) => p.kind)).toEqual(['alert']);
      if (how === 'marked') {
        now += 60 * minute;
        description = 'Daily run.\ndatabox/paused: upstream API migration, back Monday (alice)';
      } else {
        now = Date.parse('2026-05-23T09:00:00Z');
      }
      await service.checkOnce();
      const reason = how === 'marked' ? 'databox/paused: upstream API migration, back Monday (alice)' : 'STOPPED over 31 d, last ticked at 2026-04-21 06:00 UTC';
      const leftOff = `all_pipelines_daily is treated as switched off on purpose (${reason}) — it is still STOPPED; nothing runs job all_pipelines on a schedule`;
      expect(posted.slice(1)).toEqual([{ kind: 'recovered', text: expect.stringContaining(`; left off: ${leftOff}`) as string }]);
      await journal.flushed();
      const recovered = fs.readFileSync(journal.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: { leftOff?: string[] } }).find((r) => r.type === 'watch.recovered');
      expect(recovered?.data.leftOff).toEqual([leftOff]);
      expect(service.statusLines()[0]).toMatch(new RegExp(`^• Dagster schedules: not alerted on: ${leftOff.replace(/[()]/g, '\\$&')} \\(0 of the stack's schedules RUNNING, 1 STOPPED not alerted on`));
    }
  });

  it('alerts when Dagster lists no schedule for the stack (a deploy dropped or renamed it), as the daemon watcher does for no daemon, unless schedule.yml says the stack runs on sensors', async () => {
    const clock = () => recordedAt;
    serveDagster({ DataboxDaemonHealth: daemonHealthyNow(clock), DataboxSchedules: () => schedulesAnswer([]), DataboxWorkspace: 'workspace-loaded' });
    const none = await watcher().check(clock());
    expect(none).toMatchObject({ state: 'problem', scenario: 'schedule', summary: 'Dagster lists no schedule for the stack: nothing launches job all_pipelines on a schedule', problem: 'no schedule listed' });
    expect(none.details[0]).toMatch(/^Dagster lists no schedule for the stack though every code location loaded: a deploy may have dropped or renamed it.*set `runsOnSensors: true` on the dagster-health step of runbooks\/schedule\.yml$/);
    const sensors = await watcher(true, 'databox.orchestration.definitions', true).check(clock());
    expect(sensors).toMatchObject({ state: 'healthy', summary: 'Dagster lists no schedule for the stack, which runs on sensors (runsOnSensors in schedule.yml)' });
  });

  it("says the stack's code location failed to load, not that a deploy dropped its schedule, when Dagster lists none because of it, runsOnSensors or not", async () => {
    const clock = () => recordedAt;
    let workspaceAsked = 0;
    serveDagster({
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => schedulesAnswer([]),
      DataboxWorkspace: () => ((workspaceAsked += 1), graphqlFixture('workspace-location-failed')),
    });
    const failed = "code location databox.orchestration.definitions failed to load: dagster._core.errors.DagsterImportError: Encountered ImportError: `No module named 'databox.orchestration.assets_ebird'` while importing module databox.orchestration.definitions.";
    for (const runsOnSensors of [false, true]) {
      const found = await watcher(true, 'databox.orchestration.definitions', runsOnSensors).check(clock());
      expect(found).toMatchObject({ state: 'problem', scenario: 'schedule', summary: `Dagster lists no schedule for the stack: ${failed}`, problem: 'code location failed: databox.orchestration.definitions' });
      expect(found.details.join('\n')).not.toMatch(/every code location loaded|runsOnSensors/);
    }
    expect(workspaceAsked).toBe(2);
  });

  it("cannot tell, rather than alert, while the stack's code location is still loading and Dagster lists none of its schedules", async () => {
    const clock = () => recordedAt;
    const loading = { data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'databox.orchestration.definitions', loadStatus: 'LOADING', locationOrLoadError: null }] } } };
    serveDagster({ DataboxDaemonHealth: daemonHealthyNow(clock), DataboxSchedules: () => schedulesAnswer([]), DataboxWorkspace: () => loading });
    expect(await watcher().check(clock())).toMatchObject({ state: 'unknown', summary: 'Dagster lists no schedule for the stack while code location databox.orchestration.definitions is still loading' });
  });

  it("asks for the code locations only when Dagster lists no schedule, and claims every one loaded only when Dagster said so", async () => {
    const clock = () => recordedAt;
    let workspaceAsked = 0;
    const answers = { DataboxDaemonHealth: daemonHealthyNow(clock), DataboxWorkspace: () => ((workspaceAsked += 1), { data: null, errors: [{ message: 'workspace is not available' }] }) };
    serveDagster({ ...answers, DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z')]) });
    expect(await watcher().check(clock())).toMatchObject({ state: 'healthy' });
    expect(workspaceAsked).toBe(0);
    nock.cleanAll();
    serveDagster({ ...answers, DataboxSchedules: () => schedulesAnswer([]) });
    const none = await watcher().check(clock());
    expect(workspaceAsked).toBe(1);
    expect(none).toMatchObject({ state: 'problem', problem: 'no schedule listed' });
    expect(none.details.join('\n')).not.toContain('every code location loaded');
    expect(none.details[0]).toMatch(/^Dagster lists no schedule for the stack, and whether its code location loaded is unknown \(.*workspace is not available.*\)/);
  });

  it('reads runsOnSensors from the dagster-health step, refusing anything but true or false', () => {
    const dir = tempDir();
    const text = fs.readFileSync('runbooks/schedule.yml', 'utf8');
    fs.writeFileSync(path.join(dir, 'schedule.yml'), text.replace('switchedOffAfter: 31d', 'switchedOffAfter: 31d\n      runsOnSensors: true'));
    expect(loadScheduleRules(dir).runsOnSensors).toBe(true);
    fs.writeFileSync(path.join(dir, 'schedule.yml'), text.replace('switchedOffAfter: 31d', 'switchedOffAfter: 31d\n      runsOnSensors: sometimes'));
    expect(() => loadScheduleRules(dir)).toThrow(/diagnosis\.steps\[1\]\.runsOnSensors: expected true or false/);
  });

  it('leaves off what the diagnosis leaves off: one marked databox/paused:, one never ticked beside a daily one RUNNING, one STOPPED for over switchedOffAfter', async () => {
    const clock = () => recordedAt;
    serve(clock, () => [
      schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z'),
      schedule('soda_freshness_hourly', 'STOPPED', '2026-04-21T08:00:00Z', '0 * * * *', 'Hourly checks.\ndatabox/paused: replaced by the sensor'),
      schedule('all_pipelines_daily_v2', 'STOPPED', null),
      schedule('weekly_export', 'STOPPED', '2026-02-01T06:00:00Z', '0 6 * * 1'),
    ]);
    const found = await watcher().check(clock());
    expect(found.state).toBe('healthy');
    expect(found.summary).toBe("1 of the stack's schedules RUNNING, 3 STOPPED not alerted on (why in the details)");
    expect(found.details.join('\n')).toContain('marks it paused on purpose (databox/paused: replaced by the sensor)');
  });

  it("says of a daily schedule STOPPED for over switchedOffAfter that the diagnosis still counts it as paused if the marts stopped with it, which the watcher does not read", async () => {
    const clock = () => recordedAt;
    serve(clock, () => [schedule('all_pipelines_daily', 'STOPPED', '2026-03-01T06:00:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]);
    const found = await watcher().check(clock());
    expect(found.state).toBe('healthy');
    expect(found.summary).toBe("1 of the stack's schedules RUNNING, 1 STOPPED not alerted on (why in the details)");
    expect(found.details).toContain(
      "all_pipelines_daily last ticked over 31 days ago: the diagnosis still counts it as paused when the marts' last day built is the day its last tick built (the marts stopped with it); this watcher does not read the marts, whose watcher alerts on them then (scenario 4 too)",
    );
  });

  it('alerts on a daily schedule STOPPED and never ticked when it is the only one building the days, as the diagnosis\' never-ticked rule says', async () => {
    const clock = () => recordedAt;
    serve(clock, () => [schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]);
    const found = await watcher().check(clock());
    expect(found.state).toBe('problem');
    expect(found.summary).toBe('Dagster schedule STOPPED: all_pipelines_daily (never ticked, and no other daily schedule is running, paused or behind)');
  });

  /** Dagster without DAGSTER_LOCATION: our repository (holding all_pipelines) and team B's, whose daily schedule is STOPPED. */
  function serveTwoRepositories(daemonHealth: () => unknown, ours: () => 'RUNNING' | 'STOPPED'): void {
    serveDagster({
      DataboxDaemonHealth: daemonHealth,
      DataboxRepositories: () => ({
        data: {
          repositoriesOrError: {
            __typename: 'RepositoryConnection',
            nodes: [
              { name: '__repository__', location: { name: 'databox.orchestration.definitions' }, jobs: [{ name: 'all_pipelines' }] },
              { name: 'repo_b', location: { name: 'team-b' }, jobs: [{ name: 'team_b_job' }] },
            ],
          },
        },
      }),
      DataboxSchedules: ({ variables }) =>
        (variables.selector as { repositoryLocationName: string }).repositoryLocationName === 'team-b'
          ? schedulesAnswer([schedule('team_b_daily', 'STOPPED', '2026-04-20T03:00:00Z', '0 3 * * *')])
          : schedulesAnswer([schedule('all_pipelines_daily', ours(), '2026-04-21T06:00:00Z')]),
    });
  }

  it("without DAGSTER_LOCATION, leaves another team's STOPPED schedule alone (its repository holds none of the stack's jobs), and alerts on ours", async () => {
    const clock = () => recordedAt;
    let ours: 'RUNNING' | 'STOPPED' = 'RUNNING';
    serveTwoRepositories(daemonHealthyNow(clock), () => ours);
    const healthy = await watcher(true, null).check(clock());
    expect(healthy.state).toBe('healthy');
    expect(healthy.details.join('\n')).toContain("schedule team_b_daily in repo_b@team-b is STOPPED: not the stack's");
    ours = 'STOPPED';
    const paused = await watcher(true, null).check(clock());
    expect(paused.summary).toBe('Dagster schedule STOPPED: all_pipelines_daily (last tick 2026-04-21 06:00 UTC)');
  });

  it("without DAGSTER_LOCATION, still leaves another team's STOPPED schedule alone when Dagster answers the daemons' health with an error", async () => {
    const clock = () => recordedAt;
    serveTwoRepositories(() => ({ data: null, errors: [{ message: 'daemon health is not available' }] }), () => 'RUNNING');
    const found = await watcher(true, null).check(clock());
    expect(found.summary).toBe("1 of the stack's schedules RUNNING");
    expect(found.state).toBe('healthy');
    expect(found.details.join('\n')).toContain("schedule team_b_daily in repo_b@team-b is STOPPED: not the stack's");
  });

  it('cannot tell when the schedules cannot be read, and is off when turned off or without DAGSTER_URL', async () => {
    serveDagster({ DataboxDaemonHealth: daemonHealthyNow(() => recordedAt) });
    expect((await watcher().check(recordedAt)).state).toBe('unknown');
    expect(watcher(false).off).toBe('turned off (DATABOX_WATCH_SCHEDULES=false)');
    expect(schedulesWatcher({ runCommand, root: '/', heartbeatMaxAgeMs: 1, rules, enabled: true }).off).toBe('off: DAGSTER_URL is not set');
  });

  it('with the daemon watcher off, counts a webserver that gives nothing as its own outage once it lasts downAfterMs, as the daemon watcher would', async () => {
    const client = new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000, location: 'databox.orchestration.definitions' });
    const alone = schedulesWatcher({ client, runCommand, root: '/', heartbeatMaxAgeMs: 3 * minute, rules, enabled: true, downAfterMs: 5 * minute });
    serveDagster({ DataboxDaemonHealth: () => ({ data: null, errors: [{ message: 'daemon health is not available' }] }), DataboxSchedules: () => ({ data: null, errors: [{ message: 'schedules are not available' }] }) });
    const first = await alone.check(recordedAt);
    expect(first).toMatchObject({ watcher: 'schedules', state: 'unknown', lasting: true });
    expect(first.summary).toMatch(/^The Dagster webserver gave no usable answer \(first time\): /);
    const later = await alone.check(new Date(recordedAt.getTime() + 5 * minute), recordedAt);
    expect(later).toMatchObject({ watcher: 'schedules', state: 'problem', summary: 'The Dagster webserver has not given a usable answer for 5 min', problem: 'the webserver does not answer' });
    // With the daemon watcher on, that outage is its own: here the schedules are only unknown, however long.
    const beside = await watcher().check(new Date(recordedAt.getTime() + 5 * minute), recordedAt);
    expect(beside).toMatchObject({ state: 'unknown', summary: "The schedules could not be read: Dagster's GraphQL API answered with an error: daemon health is not available" });
  });

  it("reads the stack's jobs and switchedOffAfter from schedule.yml's dagster-health step, as the diagnosis does", () => {
    expect(loadScheduleRules('runbooks')).toEqual({ jobs: ['all_pipelines'], switchedOffAfterMs: 31 * 24 * 60 * minute, runsOnSensors: false });
    expect(loadScheduleRules(tempDir())).toEqual({ jobs: [], switchedOffAfterMs: 31 * 24 * 60 * minute, runsOnSensors: false });
  });

  it("takes the jobs the recovery backfills when the step names none, as the diagnosis' loaded runbook does", () => {
    const dir = tempDir();
    const text = fs.readFileSync('runbooks/schedule.yml', 'utf8');
    const withoutJobs = text.replace(/^ +jobs: \[all_pipelines\]\n/m, '');
    expect(withoutJobs).not.toBe(text);
    fs.writeFileSync(path.join(dir, 'schedule.yml'), withoutJobs);
    expect(loadScheduleRules(dir).jobs).toEqual(['all_pipelines']);
  });

  it('refuses a switchedOffAfter that is no duration, naming where it is', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'schedule.yml'), fs.readFileSync('runbooks/schedule.yml', 'utf8').replace('switchedOffAfter: 31d', 'switchedOffAfter: soon'));
    expect(() => loadScheduleRules(dir)).toThrow(/switchedOffAfter/);
  });
});
