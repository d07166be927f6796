// Scenario 4's verdicts through the real Bolt app with Dagster's answers served: another team's code location whose
// schedules cannot be read leaves ours readable; a stale heartbeat with the marts days behind is not "no day missed";
// a schedule stopped on the day the marts stopped is the likely cause, one marked paused on purpose is not; a GraphQL
// schema the bot's query does not fit is said as such; a daily schedule paused before today's tick has missed nothing,
// its plan holding until that tick; a never-ticked one's window is proposed from the marts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { daemonHealthyNow, dagsterUrl, graphqlFixture, killDetachedDaemons, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const operator = 'U0OPERATOR';
const tempDir = useTempDirs('schedule-verdicts-');
const offset = recordedAt.getTime() - Date.now();
const clock = () => new Date(Date.now() + offset);

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  await createMartsDatabase(checkout.databasePath, '2026-04-17');
});
afterEach(async () => {
  killDetachedDaemons(checkout);
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** A schedule as schedulesOrError lists it, its last tick (a success) at `lastTick`, or none. */
function schedule(name: string, status: 'RUNNING' | 'STOPPED', lastTick: string | null, cron = '0 6 * * *', more: Record<string, unknown> = {}): unknown {
  const ticks = lastTick ? [{ timestamp: seconds(lastTick), status: 'SUCCESS', error: null }] : [];
  return { name, cronSchedule: cron, executionTimezone: 'UTC', ...more, scheduleState: { status, lastTick: ticks, lastSuccess: ticks } };
}

const schedulesAnswer = (results: unknown[]) => ({ data: { schedulesOrError: { __typename: 'Schedules', results } } });

/**
 * Dagster with all_pipelines_daily paused after its 06:07 tick of 2026-04-18 (the hourly check running), its daemon
 * answering `daemonHealth`: the schedules started and the backfills launched, recorded.
 */
function servePausedDaysAgo(at: () => Date, daemonHealth: () => unknown = daemonHealthyNow(at)): { started: unknown[]; launched: unknown[] } {
  const started: unknown[] = [];
  const launched: unknown[] = [];
  serveDagster({
    DataboxRepositories: 'repositories',
    DataboxWorkspace: 'workspace-loaded',
    DataboxAssetNodes: 'asset-nodes',
    DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', '2026-04-18T06:07:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T05:00:00Z', '0 * * * *')]),
    DataboxDaemonHealth: daemonHealth,
    DataboxStartSchedule: ({ variables }) => (started.push(variables.selector), { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }),
    DataboxBackfill: ({ variables }) => (launched.push(variables), { data: { launchPartitionBackfill: { __typename: 'LaunchBackfillSuccess', backfillId: 'b1' } } }),
  });
  return { started, launched };
}

async function diagnose(at: () => Date = clock, env: Record<string, string> = {}): Promise<string> {
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false', ...env }, at);
  await harness.command('diagnose schedule', operator);
  await harness.settle();
  return slack.posted('Verdict:');
}

describe('scenario 4 verdicts', () => {
  it("keeps our location's schedules when another team's code location answers schedulesOrError with a PythonError: the paused one is found, path B offered, the other named with its error, no CLI asked", async () => {
    serveDagster({
      DataboxRepositories: () => ({ data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes: [{ name: '__repository__', location: { name: 'databox.orchestration.definitions' } }, { name: 'ml_repo', location: { name: 'ml.definitions' } }] } } }),
      DataboxWorkspace: () => ({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: ['databox.orchestration.definitions', 'ml.definitions'].map((name) => ({ name, loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } })) } } }),
      DataboxSchedules: ({ variables }) =>
        (variables.selector as { repositoryLocationName: string }).repositoryLocationName === 'ml.definitions'
          ? { data: { schedulesOrError: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server. gRPC Error code: UNAVAILABLE\n' } } }
          : schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', '2026-04-18T06:00:00Z')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).toContain('2026-04-18 … 2026-04-20');
    expect(verdict).toContain('the schedules of ml_repo@ml.definitions could not be read (`dagster._core.errors.DagsterUserCodeUnreachableError`: Could not reach user code server. gRPC Error code: UNAVAILABLE)');
    expect(verdict).not.toContain('Not conclusive');
    expect(slack.buttons('choose_path_b')).toHaveLength(1);
    expect(slack.allText()).toContain('Schedules of ml_repo@ml.definitions: could not be read: dagster._core.errors.DagsterUserCodeUnreachableError');
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);

    // The plan lists the schedules it starts from the readable repositories: the other location's error does not stop it.
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=b incident=${incident}`, operator);
    await harness!.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
    expect(String(plan?.blocks)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');
  });

  it("without DAGSTER_LOCATION, leaves another team's STOPPED schedule (its repository holds none of the stack's jobs) out of the verdict: a note naming where it is, nothing proposed to start", async () => {
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-20');
    const ours = { repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__' };
    serveDagster({
      DataboxRepositories: () => ({
        data: {
          repositoriesOrError: {
            __typename: 'RepositoryConnection',
            nodes: [
              { name: '__repository__', location: { name: 'databox.orchestration.definitions' }, jobs: [{ name: 'all_pipelines' }, { name: 'soda_freshness' }] },
              { name: 'repo_b', location: { name: 'team-b/loc (prod)' }, jobs: [{ name: 'team_b_job' }] },
            ],
          },
        },
      }),
      DataboxWorkspace: () => ({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: ['databox.orchestration.definitions', 'team-b/loc (prod)'].map((name) => ({ name, loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } })) } } }),
      DataboxSchedules: ({ variables }) =>
        (variables.selector as typeof ours).repositoryLocationName === ours.repositoryLocationName
          ? schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')])
          : schedulesAnswer([schedule('team_b_daily', 'STOPPED', '2026-04-20T03:00:00Z', '0 3 * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).not.toContain('Schedules paused');
    expect(verdict).toContain('Verdict: Daemon and schedules healthy');
    // Slack shows the repository's underscores as code.
    expect(verdict).toMatch(/schedule team_b_daily in repo_b@team-b\/loc \(prod\) is STOPPED: not the stack's \(its repository holds no job all_pipelines, which `?__repository__@databox\.orchestration\.definitions`? holds\), so left off and not proposed to start/);
    expect(verdict).not.toContain('schedules=team_b_daily');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it("with a runbook whose dagster step names no jobs, takes the stack's schedules from the job its recovery backfills: another team's RUNNING daily schedule does not hide ours, never ticked", async () => {
    const runbooks = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), runbooks, { recursive: true });
    const file = path.join(runbooks, 'schedule.yml');
    const withJobs = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, withJobs.replace(/^ +jobs: \[all_pipelines\]\n/m, ''));
    expect(fs.readFileSync(file, 'utf8')).not.toContain('jobs: [');
    const ours = { repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__' };
    serveDagster({
      DataboxRepositories: () => ({
        data: {
          repositoriesOrError: {
            __typename: 'RepositoryConnection',
            nodes: [
              { name: '__repository__', location: { name: 'databox.orchestration.definitions' }, jobs: [{ name: 'all_pipelines' }] },
              { name: 'repo_b', location: { name: 'team-b/loc (prod)' }, jobs: [{ name: 'team_b_job' }] },
            ],
          },
        },
      }),
      DataboxWorkspace: () => ({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: ['databox.orchestration.definitions', 'team-b/loc (prod)'].map((name) => ({ name, loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } })) } } }),
      DataboxSchedules: ({ variables }) =>
        (variables.selector as typeof ours).repositoryLocationName === ours.repositoryLocationName
          ? schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')])
          : schedulesAnswer([schedule('team_b_daily', 'RUNNING', '2026-04-21T03:00:00Z', '0 3 * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose(clock, { DATABOX_RUNBOOKS_DIR: runbooks });
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).toContain('no daily schedule is RUNNING: schedule all_pipelines_daily is STOPPED and has never ticked');
    expect(verdict).toContain('schedules=all_pipelines_daily');
  });

  it("does not call a stale heartbeat with today's ticks \"no day missed\" while the marts are days behind: the window starts the day after their last day built, and path A is proposed with it", async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]),
      // Dagster still calls each daemon healthy (it tolerates old heartbeats), but the last one was 20 minutes ago.
      DataboxDaemonHealth: () => {
        const answer = graphqlFixture('daemon-health-healthy') as any;
        for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) {
          d.healthy = true;
          d.lastHeartbeatTime = seconds('2026-04-21T08:40:00Z');
        }
        return answer;
      },
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Dagster daemon stopped');
    expect(verdict).not.toContain('no day missed');
    expect(verdict).not.toContain('nothing to backfill');
    expect(verdict).toContain("missed window 2026-04-18 … 2026-04-20 (from the day after the marts' last day built (2026-04-17): the daily schedules' last success (2026-04-21 06:00 UTC) is today's");
    expect(slack.buttons('choose_path_a')).toHaveLength(1);
    expect(verdict).toContain('/databox recover schedule path=a from=2026-04-18 to=2026-04-20');
  });

  it("before the daily schedule's tick of the day (00:00 UTC to 06:00), takes marts ending the day before yesterday as due, not missed: no backfill of the day that tick builds, and yesterday's last success is not called today's", async () => {
    // 05:07 UTC: the daily schedule last succeeded yesterday at 06:07, building the day before; today's 06:00 tick builds yesterday.
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt);
    const startedAt = Date.now();
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-19');
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-20T06:07:00Z'), schedule('soda_freshness_hourly', 'STOPPED', '2026-04-20T00:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(early),
    });
    const verdict = await diagnose(early);
    expect(verdict).toContain('Verdict: Schedules paused, no day missed yet');
    expect(verdict).not.toContain('; missed window');
    expect(verdict).not.toContain("is today's");
    expect(verdict).toContain('/databox recover schedule path=b');
    expect(verdict).not.toContain('from=2026-04-20');
  });

  it("takes the daily schedule paused before today's tick as having missed nothing: no backfill of the day that tick builds, path B only resumes it, and its plan approved once the tick is due is refused, naming the tick", async () => {
    // 05:07 UTC: paused after yesterday's 06:07 tick; today's 06:00 tick builds yesterday once the schedule runs again.
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const startedAt = Date.now();
    let later = 0;
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt + later);
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-19');
    const started: unknown[] = [];
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', '2026-04-20T06:07:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T05:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(early),
      DataboxStartSchedule: ({ variables }) => (started.push(variables.selector), { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }),
    });
    const verdict = await diagnose(early, { DATABOX_APPROVAL_TTL: '2h' });
    expect(verdict).toContain('Verdict: Schedules paused, no day missed yet');
    expect(verdict).not.toContain('; missed window');
    expect(verdict).toContain("schedule all_pipelines_daily's next tick, at 2026-04-21 06:00 UTC, builds 2026-04-20 if schedule all_pipelines_daily is running again by then: resuming is enough");
    expect(verdict).not.toContain('from=2026-04-20');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    expect(slack.allText()).toMatch(
      /no day missed yet: nothing to backfill, as of 2026-04-21 05:\d\d UTC, if approved before 2026-04-21 06:00 UTC, when schedule all_pipelines_daily's next tick \(it builds 2026-04-20, missed if the schedule is not running by then\) is due/,
    );

    // Approved once the tick is due, the schedule still paused: resuming it now would leave 2026-04-20 unbuilt.
    later = 60 * 60_000;
    await harness!.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness!.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(
      /on what its diagnosis found at 2026-04-21 05:\d\d UTC, which held until schedule all_pipelines_daily's next tick \(it builds 2026-04-20, missed if the schedule is not running by then\), at 2026-04-21 06:00 UTC: it is 2026-04-21 06:\d\d UTC now, and what it found may no longer be so\. Diagnose again and propose a new plan; nothing was run/,
    );
    expect(started).toEqual([]);
    // Made again on that diagnosis, the plan asks for the window, naming the tick that ended the finding.
    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    const refusal = String(slack.responses.at(-1)?.body.text);
    expect(refusal).toContain('missing from=YYYY-MM-DD');
    expect(refusal).toMatch(/found none needed at 2026-04-21 05:\d\d UTC, which held until schedule all_pipelines_daily's next tick \(it builds 2026-04-20, missed if the schedule is not running by then\), at 2026-04-21 06:00 UTC and may no longer: diagnose again/);
  });

  it("leaves the day today's tick builds out of the window of a schedule paused days ago, and holds its plan until that tick: approved after it, refused, nothing run, and made after it, refused", async () => {
    // 05:07 UTC: paused after the 06:07 tick three days ago; its ticks since built 2026-04-18 and 2026-04-19 no more.
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const startedAt = Date.now();
    let later = 0;
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt + later);
    const { started, launched } = servePausedDaysAgo(early);
    const verdict = await diagnose(early, { DATABOX_APPROVAL_TTL: '2h' });
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).toContain('missed window 2026-04-18 … 2026-04-19');
    expect(verdict).toContain('/databox recover schedule path=b from=2026-04-18 to=2026-04-19 schedules=all_pipelines_daily');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);

    // Approved once the tick is due, the schedule still paused: the window leaves 2026-04-20 to a tick that did not run.
    later = 60 * 60_000;
    await harness!.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness!.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(
      /this plan's diagnosis found at 2026-04-21 05:\d\d UTC what held until schedule all_pipelines_daily's next tick \(it builds 2026-04-20, missed if the schedule is not running by then\), at 2026-04-21 06:00 UTC: it is 2026-04-21 06:\d\d UTC now, and what it found may no longer be so\. Diagnose again and propose a new plan; nothing was run/,
    );
    expect(started).toEqual([]);
    expect(launched).toEqual([]);
    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(new RegExp(`refused, nothing was proposed: the diagnosis of incident ${incidentId} found at 2026-04-21 05:\\d\\d UTC what held until schedule all_pipelines_daily's next tick`));
  });

  it('checks the hold again right before the plan starts the schedules: a tick due while its first steps ran stops it there, nothing started', async () => {
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const startedAt = Date.now();
    let later = 0;
    let approved = false;
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt + later);
    const healthy = daemonHealthyNow(early);
    // Path B's check of the daemon, run after the approval, takes until past the tick.
    const { started, launched } = servePausedDaysAgo(early, () => {
      if (approved) later = 60 * 60_000;
      return healthy();
    });
    await diagnose(early, { DATABOX_APPROVAL_TTL: '2h' });
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    approved = true;
    await harness!.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness!.settle();
    expect(slack.allText()).toMatch(/not started, nothing was changed: this plan's diagnosis found at 2026-04-21 05:\d\d UTC what held until schedule all_pipelines_daily's next tick .*Diagnose again and propose a new plan; nothing was changed/);
    expect(started).toEqual([]);
    expect(launched).toEqual([]);
  });

  it("holds a plan of the path the verdict did not offer (path A on schedules paused) until the same tick: approved after it, refused, nothing run", async () => {
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const startedAt = Date.now();
    let later = 0;
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt + later);
    const { started, launched } = servePausedDaysAgo(early);
    const verdict = await diagnose(early, { DATABOX_APPROVAL_TTL: '2h' });
    expect(verdict).toContain('missed window 2026-04-18 … 2026-04-19');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=a incident=${incidentId}`, operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);

    later = 60 * 60_000;
    await harness!.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness!.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/this plan's diagnosis found at 2026-04-21 05:\d\d UTC what held until schedule all_pipelines_daily's next tick .*Diagnose again and propose a new plan; nothing was run/);
    expect(started).toEqual([]);
    expect(launched).toEqual([]);
  });

  it("holds the plan on a RUNNING schedule behind until today's tick, as a paused one's: its window leaves yesterday to that tick, which may fail as its last ones did; approved after it, refused, nothing run", async () => {
    const beforeTick = new Date('2026-04-21T05:07:00Z');
    const startedAt = Date.now();
    let later = 0;
    const early = () => new Date(Date.now() + beforeTick.getTime() - startedAt + later);
    const launched: unknown[] = [];
    // Running, its ticks failing since the one of 2026-04-18 06:07 UTC.
    const failing = { timestamp: seconds('2026-04-20T06:00:00Z'), status: 'FAILURE', error: { message: 'dagster._core.errors.DagsterExecutionStepExecutionError: ebird API returned 503' } };
    const behind = { name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status: 'RUNNING', lastTick: [failing], lastSuccess: [{ timestamp: seconds('2026-04-18T06:07:00Z'), status: 'SUCCESS', error: null }] } };
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxAssetNodes: 'asset-nodes',
      DataboxSchedules: () => schedulesAnswer([behind]),
      DataboxDaemonHealth: daemonHealthyNow(early),
      DataboxBackfill: ({ variables }) => (launched.push(variables), { data: { launchPartitionBackfill: { __typename: 'LaunchBackfillSuccess', backfillId: 'b1' } } }),
    });
    const verdict = await diagnose(early, { DATABOX_APPROVAL_TTL: '2h' });
    expect(verdict).toContain('Verdict: Schedules running but behind');
    expect(verdict).toContain('/databox recover schedule path=a from=2026-04-18 to=2026-04-19');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=a incident=${incidentId}`, operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);

    // Approved once the tick is due: whether it built 2026-04-20 is unknown, and the window leaves that day out.
    later = 60 * 60_000;
    await harness!.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness!.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(
      /this plan's diagnosis found at 2026-04-21 05:\d\d UTC what held until schedule all_pipelines_daily's next tick \(it builds 2026-04-20, left unbuilt if it fails too: the schedule has no successful tick since 2026-04-18 06:07 UTC\), at 2026-04-21 06:00 UTC: it is 2026-04-21 06:\d\d UTC now, and what it found may no longer be so\. Diagnose again and propose a new plan; nothing was run/,
    );
    expect(launched).toEqual([]);
  });

  it("after today's daily tick, does not end the marts' missed days at a RUNNING weekly schedule's older success: the day the daily tick built is missed, and path B backfills it", async () => {
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-19');
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () =>
        schedulesAnswer([
          schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:07:00Z'),
          schedule('full_refresh_weekly', 'RUNNING', '2026-04-20T03:00:00Z', '0 3 * * 1'),
          schedule('soda_freshness_hourly', 'STOPPED', '2026-04-21T08:00:00Z', '0 * * * *'),
        ]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).not.toContain('no day missed');
    expect(verdict).toContain("Verdict: Schedules paused");
    expect(verdict).toContain("missed window 2026-04-20 … 2026-04-20 (from the day after the marts' last day built (2026-04-19): the daily schedules' last success (2026-04-21 06:07 UTC) is today's");
    expect(verdict).toContain('/databox recover schedule path=b from=2026-04-20 to=2026-04-20');
  });

  it('takes the only daily schedule, STOPPED and never ticked (a fresh deploy, a renamed schedule), as the likely cause of stale marts: no daily schedule running, path B offered to start it', async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).not.toContain('are fine');
    expect(verdict).toContain('no daily schedule is RUNNING: schedule all_pipelines_daily is STOPPED and has never ticked');
    expect(slack.buttons('choose_path_b')).toHaveLength(1);
    expect(verdict).toContain('schedules=all_pipelines_daily');
  });

  it("proposes the never-ticked schedule's window from the marts' last day built, saying so, and a window typed overrides it", async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).toContain(
      "missed window 2026-04-18 … 2026-04-20 (proposed from the marts: the day after their last day built (2026-04-17) to 2026-04-20, as schedule all_pipelines_daily has never ticked, so no tick says where the missed days start; give from= and to= to backfill another window)",
    );
    expect(verdict).toContain('/databox recover schedule path=b from=2026-04-18 to=2026-04-20 schedules=all_pipelines_daily');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    // Typed with a window of the operator's own, it is that window the plan backfills.
    await harness!.command(`recover schedule path=b from=2026-04-19 to=2026-04-20 incident=${incidentId}`, operator);
    await harness!.settle();
    const proposed = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');
    expect(proposed.map((r) => [r.data.run.params.from, r.data.run.params.to])).toEqual([['2026-04-19', '2026-04-20']]);
  });

  it("says there is nothing to backfill for a never-ticked schedule whose marts lack no day over: no day missed yet, path B starting it with no window, not from= and to= asked for", async () => {
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-20');
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Schedules paused, no day missed yet');
    expect(verdict).toContain(
      "no missed day yet (schedule all_pipelines_daily has never ticked, but the marts lack no day over: their last day built is 2026-04-20); schedule all_pipelines_daily's next tick, at 2026-04-22 06:00 UTC, builds 2026-04-21",
    );
    expect(verdict).not.toContain('an unknown window');
    expect(verdict).toContain('/databox recover schedule path=b schedules=all_pipelines_daily');
    expect(verdict).not.toContain('from=');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(slack.allText()).toContain('no day missed yet: nothing to backfill');
  });

  it('with Dagster healthy and one mart stale, gives the way forward: scenario 2 for its source, as the command and a button per source opening it as a new incident', async () => {
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-20', 30, { 'noaa.fct_daily_weather': '2026-04-17' });
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Dagster healthy but marts stale');
    expect(verdict).toContain('scenario 2, for the source of the stale mart (noaa.fct_daily_weather)');
    expect(verdict).toContain("with that source's command (`/databox diagnose backfill source=ebird from=2026-04-17 to=2026-04-20` for ebird's mart, source=noaa for noaa's");
    const buttons = slack.buttons(/^open_follow_up_\d+$/);
    // Every source's command, not the first one alone: the stale mart here is noaa's.
    expect(slack.posted('Next:')).toContain(
      'What this verdict points to: Partial backfill of a single source (`/databox diagnose backfill source=ebird from=2026-04-17 to=2026-04-20`, `/databox diagnose backfill source=noaa from=2026-04-17 to=2026-04-20`, `/databox diagnose backfill source=usgs from=2026-04-17 to=2026-04-20`; one per source, pick the one the verdict names)',
    );
    expect(slack.posted('Next:')).toContain('the parameters filled in from this diagnosis');
    expect(buttons.map((b) => JSON.parse(String(b.value)) as { params: Record<string, string> }).map((v) => v.params)).toEqual(
      ['ebird', 'noaa', 'usgs'].map((source) => ({ source, from: '2026-04-17', to: '2026-04-20' })),
    );
    // Its button opens scenario 2's diagnosis of that window as a new incident.
    await harness!.click(buttons[1]!, operator);
    await harness!.settle();
    await slack.waitFor('the new incident', () => slack.callsTo('chat.postMessage').filter((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-')).length === 2);
    const recorded = journalRecordsOf(checkout).filter((r) => r.type === 'command.received').map((r) => String(r.data.text));
    expect(recorded).toContain('follow-up button: diagnose backfill source=noaa from=2026-04-17 to=2026-04-20');
  });

  it('takes the only daily schedule, STOPPED over 31 days ago on the day the marts stopped, as the likely cause: schedules paused, the doubt said, path B proposed to start it', async () => {
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-03-11');
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => schedulesAnswer([schedule('all_pipelines_daily', 'STOPPED', '2026-03-12T06:00:00Z'), schedule('soda_freshness_hourly', 'RUNNING', '2026-04-21T08:00:00Z', '0 * * * *')]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain('Verdict: Schedules paused');
    expect(verdict).not.toContain('look at the failed runs');
    expect(verdict).toContain("schedule all_pipelines_daily's last tick (2026-03-12) is over 31 days old, which alone would be taken as switched off on purpose; but the marts' last day built (2026-03-11) is the day that tick built, so its pause is the likely cause, and it is proposed to start");
    expect(verdict).toContain('add a line `databox/paused:` with the reason to its description and diagnose again');
    expect(verdict).toContain('2026-03-12 … 2026-04-20');
    expect(slack.buttons('choose_path_b')).toHaveLength(1);
    expect(verdict).toContain('schedules=all_pipelines_daily');
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness!.command(`recover schedule path=b incident=${incident}`, operator);
    await harness!.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
    expect(String(plan?.blocks)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');
  });

  it('leaves a STOPPED schedule whose description says `databox/paused: <reason>` off, however recent its last tick: named with the reason, never proposed to start', async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () =>
        schedulesAnswer([
          schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z'),
          schedule('ebird_daily', 'STOPPED', '2026-04-19T06:00:00Z', '0 6 * * *', { description: 'Loads eBird.\ndatabox/paused: eBird API key revoked, INC-42' }),
        ]),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    fs.rmSync(checkout.databasePath, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-20');
    const verdict = await diagnose();
    expect(verdict).not.toContain('Schedules paused');
    expect(verdict).toContain('schedule ebird_daily is STOPPED and its description marks it paused on purpose (databox/paused: eBird API key revoked, INC-42): left off');
    expect(slack.buttons('choose_path_b')).toEqual([]);
  });

  it.each([
    [
      'a repository of ours whose schedules Dagster answers a PythonError for (its code server down)',
      {
        DataboxRepositories: () => ({ data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes: [{ name: '__repository__', location: { name: 'databox.orchestration.definitions' } }, { name: 'ml_repo', location: { name: 'ml.definitions' } }] } } }),
        DataboxSchedules: ({ variables }: { variables: Record<string, unknown> }) =>
          (variables.selector as { repositoryLocationName: string }).repositoryLocationName === 'ml.definitions'
            ? { data: { schedulesOrError: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server\n  Stack trace: …' } } }
            : schedulesAnswer([schedule('all_pipelines_daily', 'RUNNING', '2026-04-21T06:00:00Z')]),
      },
      'the code location or code server of ml_repo@ml.definitions, whose schedules Dagster could not read (`dagster._core.errors.DagsterUserCodeUnreachableError`: Could not reach user code server)',
    ],
    [
      'a running schedule whose last tick could not reach its code server',
      {
        DataboxRepositories: 'repositories',
        DataboxSchedules: () =>
          schedulesAnswer([
            {
              name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC',
              scheduleState: {
                status: 'RUNNING',
                lastTick: [{ timestamp: seconds('2026-04-21T06:00:00Z'), status: 'FAILURE', error: { message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server\n\nStack Trace: …' } }],
                lastSuccess: [{ timestamp: seconds('2026-04-20T06:00:00Z'), status: 'SUCCESS', error: null }],
              },
            },
          ]),
      },
      "the code server of `__repository__@databox.orchestration.definitions`, which schedule all_pipelines_daily's last tick could not reach (`dagster._core.errors.DagsterUserCodeUnreachableError`: Could not reach user code server)",
    ],
  ] as const)('says the webserver answered and names the code that failed when it is %s, not "is it up, and reachable?"', async (_name, answers, failed) => {
    serveDagster({ DataboxWorkspace: 'workspace-loaded', DataboxDaemonHealth: daemonHealthyNow(clock), ...answers });
    const verdict = await diagnose();
    // Before: "Not conclusive — Dagster could not be read … Make Dagster answer … (is it up, and reachable from here?)".
    expect(verdict).toContain("Verdict: Not conclusive — the webserver answered, but the stack's code location failed");
    expect(verdict).toContain(`The Dagster webserver answered (the daemons' heartbeats above are its answer); what failed is ${failed}.`);
    expect(verdict).toContain('Deployment → Code locations');
    expect(verdict).not.toContain('is it up, and reachable from here');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it("says a GraphQL schema the bot's query does not fit (Cannot query field) is this Dagster's version, naming the field, not \"is it up, and reachable?\"", async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxSchedules: () => ({ errors: [{ message: 'Cannot query field "ticks" on type "ScheduleState".' }] }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const verdict = await diagnose();
    expect(verdict).toContain("Verdict: Not conclusive — this Dagster's GraphQL schema does not fit the bot's query");
    // The verdict's text is in its blocks' JSON, quotes escaped.
    expect(verdict).toMatch(/The webserver answered, but its GraphQL schema has no field \\?"ticks\\?" on type \\?"ScheduleState\\?", which the bot's query asks for: this Dagster version does not fit the bot/);
    expect(verdict).toContain('uv run dagster --version');
    expect(verdict).not.toContain('is it up, and reachable from here');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });
});
