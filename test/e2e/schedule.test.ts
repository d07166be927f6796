// Scenario 4 end to end through the real Bolt app: diagnose a stopped daemon from Dagster's recorded answers, recover with the
// requester's own confirmation (daemon started detached, backfill of the diagnosed window through GraphQL for the assets the
// webserver lists for the job, or through the CLI when it cannot list them), validate until marts are fresh; paused schedules
// recovered by a typed command that leaves the window and the schedules to the diagnosis (path B: start the paused
// schedules only, then backfill); a schedules= given empty refused, typed, in the form or at the terminal; a daemon caught
// before it missed a day started by path A with no window, nothing backfilled (schedules paused then, by path B), that
// finding held to its UTC day (a plan approved after it refused), a window the diagnosis cannot size still asked for, and
// one reaching back to the day after the marts' last day built when they end before the schedules' last success, and one
// longer than a backfill takes proposed as its first 62 days, in Slack and at the terminal, with the next part's command,
// each part's validation judging that part (not the whole window's SLA) and giving the next.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/terminal/console.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { daemonHealthUntilStarted, daemonHealthyNow, dagsterUrl, graphqlFixture, killDetachedDaemons, recordedAt, runsAnswer, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { DagsterScheduleStates } from '../helpers/dagster-schedule-states.js';
import { backfillMartsSql, createMartsDatabase } from '../helpers/schedule-data.js';
import { scriptedTerminal } from '../helpers/scripted-terminal.js';
import { SlackStandIn, prefilledValues } from '../helpers/slack-stand-in.js';
import { choosePathWith, closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { acceptPathForm } from '../helpers/form-flow.js';
import { quickDaemonStartRunbooks } from '../helpers/quick-daemon-runbooks.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const backfillCommand = 'uv run dagster job backfill -j all_pipelines --from 2026-04-17 --to 2026-04-20 --noprompt -f packages/databox/databox/orchestration/definitions.py';
const offset = recordedAt.getTime() - Date.now();
/**
 * The bundled runbooks with the daemon's start settling 1 s instead of 5 (the stand-in daemon stays up, or exits at once),
 * for every bot here but the one that holds the GraphQL backfill to the shipped runbook as it is.
 */
const quickDaemonStart = { DATABOX_RUNBOOKS_DIR: quickDaemonStartRunbooks() };
/** Moved on by a test in which the day of the diagnosis ends before its plan is made or approved. */
let later = 0;
const clock = () => new Date(Date.now() + offset + later);

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  later = 0;
  await createMartsDatabase(checkout.databasePath, '2026-04-17');
});
afterEach(async () => {
  killDetachedDaemons(checkout);
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

/** Dagster as it answers once the daemon the bot started has heartbeated, and as recorded before (stopped at `stoppedAt`, when given). */
function dagsterStoppedUntilStarted(more: Parameters<typeof serveDagster>[0] = {}, schedules: Parameters<typeof serveDagster>[0][string] = 'schedules-daemon-stopped', stoppedAt?: Date): void {
  serveDagster({
    DataboxAssetNodes: 'asset-nodes',
    ...more,
    DataboxRepositories: 'repositories',
    DataboxSchedules: schedules,
    DataboxDaemonHealth: daemonHealthUntilStarted(checkout, clock, stoppedAt),
  });
}

/** The recorded healthy schedules (ticked at 06:00 and 08:00 today), and a daily one switched on since that has not ticked yet. */
function schedulesWithOneNeverTicked(): unknown {
  const answer = graphqlFixture('schedules-healthy') as any;
  answer.data.schedulesOrError.results.push({ name: 'usgs_daily', cronSchedule: '0 7 * * *', executionTimezone: 'UTC', scheduleState: { status: 'RUNNING', lastTick: [], lastSuccess: [] } });
  return answer;
}

/**
 * A schedule paused in the webserver until the bot starts it, as Dagster answers: `schedules` (a recorded answer,
 * edited by `edit`) with `name` STOPPED, RUNNING once a startSchedule came (the validation reads it again). `started`
 * collects the selectors the bot sent.
 */
function pausedUntilStarted(fixture: string, name: string, edit: (answer: any) => void = () => {}): { started: unknown[]; handlers: Parameters<typeof serveDagster>[0] } {
  const started: unknown[] = [];
  return {
    started,
    handlers: {
      DataboxSchedules: () => {
        const answer = graphqlFixture(fixture) as any;
        edit(answer);
        answer.data.schedulesOrError.results.find((s: any) => s.name === name).scheduleState.status = started.length > 0 ? 'RUNNING' : 'STOPPED';
        return answer;
      },
      DataboxStartSchedule: ({ variables }) => {
        started.push(variables.selector);
        return { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } };
      },
    },
  };
}

/** What the runs a backfill launches leave behind: every mart gets the days from `start` to `end`. */
async function fillMarts(start: string, end: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    for (const sql of backfillMartsSql) await connection.run(sql, [start, end]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The raw eBird table beside the marts, its days ending with the marts', so scenario 2 can diagnose a window. */
async function addRawEbird(lastDay: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run('CREATE SCHEMA raw_ebird');
    await connection.run(
      'CREATE TABLE raw_ebird.observations AS SELECT CAST(row_number() OVER () AS BIGINT) AS id, CAST(? AS DATE) - CAST(d.range AS INTEGER) AS observation_date FROM range(30) AS d, range(50) AS r',
      [lastDay],
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The text of a step of the newest plan posted, as the approver sees it (its code block, newlines kept). */
function planStep(number: number): string {
  const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
  const sections: string[] = JSON.parse(String(plan?.blocks)).filter((b: any) => b.type === 'section').map((b: any) => b.text.text);
  return sections.find((text) => text.includes(`*${number}. `)) ?? '';
}

/** The first section of the newest plan posted: its title, who asked, its steps and who may approve it. */
function planHeader(): string {
  const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
  return JSON.parse(String(plan?.blocks)).find((b: any) => b.type === 'section')?.text.text ?? '';
}

const message = (startsWith: string) => slack.posted(startsWith);

describe('/databox diagnose schedule and recover schedule', () => {
  it('calls a healthy stack healthy: daemons heartbeating, schedules ticking, marts fresh', async () => {
    serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxDaemonHealth: 'daemon-health-healthy' });
    await fillMarts('2026-04-18', '2026-04-20');
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Daemon and schedules healthy, marts fresh');
    expect(verdict).not.toContain('Not conclusive');
  });

  it('calls the run queue stuck, not the schedules paused, while runs have waited QUEUED for over an hour with the daemon up: the verdict counts them, names the oldest and its job, and offers no plan that would queue more', async () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const runs = runsAnswer([
      { runId: 'a1b2c3d4', jobName: 'all_pipelines', status: 'QUEUED', creationTime: at('2026-04-21T03:00:00Z') },
      { runId: 'e5f6a7b8', jobName: 'all_pipelines', status: 'QUEUED', creationTime: at('2026-04-21T06:00:00Z') },
      // Never handed to the coordinator: a note, not counted against the queue.
      { runId: 'c9d0e1f2', jobName: 'soda_checks', status: 'NOT_STARTED', creationTime: at('2026-04-21T07:30:00Z') },
      // Queued minutes ago: a normal wait, not counted.
      { runId: 'f3a4b5c6', jobName: 'all_pipelines', status: 'QUEUED', creationTime: at('2026-04-21T08:50:00Z') },
      // Running since long before the hour: the queue is not about it, and it does not show the queue moving.
      { runId: 'd7e8f9a0', jobName: 'soda_checks', status: 'STARTED', creationTime: at('2026-04-21T02:00:00Z') },
    ]);
    serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused', DataboxDaemonHealth: daemonHealthyNow(clock), DataboxQueuedRuns: runs, DataboxRunsStartedLately: runs });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Run queue stuck: 2 runs QUEUED for over 1 h, the oldest since 2026-04-21 03:00 UTC (6 h), run a1b2c3d4 of job all_pipelines; by job: all_pipelines 2');
    expect(slack.allText()).toContain('1 run NOT_STARTED for over 1 h, the oldest since 2026-04-21 07:30 UTC (1 h 30 min), run c9d0e1f2 of job soda_checks; by job: soda_checks 1: never handed to the run coordinator');
    expect(verdict).toContain('besides, without the queue: Schedules paused, last ticked at 2026-04-17 06:00 UTC: all_pipelines_daily');
    expect(verdict).toContain("its run coordinator is not starting queued runs: starting schedules or backfilling now would only add runs behind them, so no plan is offered");
    expect(verdict).not.toContain('Start the paused schedules and backfill');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    expect(slack.allText()).toContain('Runs waiting in the queue for over an hour, oldest first:');
    expect(slack.allText()).not.toContain('f3a4b5c6');
  });

  it('does not call the run queue stuck while runs wait QUEUED for over an hour but another started 10 minutes ago (run concurrency limits): the verdict stays the schedules paused, the wait a note', async () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const runs = runsAnswer([
      { runId: 'a1b2c3d4', jobName: 'all_pipelines', status: 'QUEUED', creationTime: at('2026-04-21T03:00:00Z') },
      { runId: 'b2c3d4e5', jobName: 'all_pipelines', status: 'STARTED', creationTime: at('2026-04-21T02:00:00Z'), updateTime: at('2026-04-21T08:50:00Z') },
    ]);
    serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused', DataboxDaemonHealth: daemonHealthyNow(clock), DataboxQueuedRuns: runs, DataboxRunsStartedLately: runs });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).not.toContain('Run queue stuck');
    expect(verdict).toContain('Schedules paused, last ticked at 2026-04-17 06:00 UTC: all_pipelines_daily');
    expect(slack.allText()).toContain('1 run QUEUED for over 1 h, the oldest since 2026-04-21 03:00 UTC (6 h), run a1b2c3d4 of job all_pipelines; by job: all_pipelines 1, but run b2c3d4e5 of job all_pipelines started at 2026-04-21 08:50 UTC: the queue moves');
  });

  it("does not call Dagster healthy while the stack's code location has failed to load, and offers nothing: its schedules are missing, not ticking", async () => {
    serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy', DataboxDaemonHealth: 'daemon-health-healthy', DataboxWorkspace: 'workspace-location-failed' });
    await fillMarts('2026-04-16', '2026-04-17');
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive');
    expect(verdict).toContain("code location databox.orchestration.definitions failed to load: `dagster._core.errors.DagsterImportError`: Encountered ImportError: `No module named 'databox.orchestration.assets_ebird'`");
    expect(verdict).not.toContain('Dagster healthy');
    // What to do next: the webserver answered, so not "is it up?", but that code location; and what the marts say meanwhile.
    expect(verdict).toContain("Verdict: Not conclusive — the webserver answered, but the stack's code location failed");
    expect(verdict).toContain('what failed is code location databox.orchestration.definitions, which failed to load (');
    expect(verdict).not.toContain('is it up, and reachable from here');
    expect(verdict).toMatch(/Marts meanwhile: \d of 4 marts past their SLA/);
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('starts a daemon caught before it missed a day: the verdict offers path A with no window, its plan leaves the backfill out, nothing is backfilled, and a failed validation advises scenario 2 with no window', async () => {
    // Stopped at 08:30 today, after every schedule's successful tick of the day: no day is missed yet.
    const launched: unknown[] = [];
    dagsterStoppedUntilStarted({ DataboxBackfill: (request) => launched.push(request.variables) }, 'schedules-healthy', new Date('2026-04-21T08:30:00Z'));
    await fillMarts('2026-04-18', '2026-04-20');
    checkout.behave({
      'uv run dagster-daemon run': { stdout: 'dagster.daemon - INFO - Instance is configured with the following daemons\n', sleepMs: 120_000 },
      // The resumed pipeline's checks fail: the advice that follows has no window to give.
      'task verify': { exit: 1, stdout: 'verify: contract fct_daily_bird_observations failed\n' },
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Dagster daemon stopped, no day missed yet');
    expect(verdict).toMatch(/Dagster daemon stopped since 2026-04-21 08:(29|30) UTC; no missed day yet \(the last successful tick was at 2026-04-21 06:00 UTC\)/);
    expect(verdict).toContain('No day missed yet: nothing to backfill. Start the daemon');
    // The command to type asks for no window: there is none to give.
    expect(verdict).toMatch(/Or type `\/databox recover schedule path=a incident=dbx-\d{8}-[0-9a-f]{4}`/);

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    expect(prefilledValues(modal)).toEqual({ from: null, to: null, schedules: null });
    expect(modal.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.optional])).toEqual([['from', true], ['to', true], ['schedules', true]]);
    const sent = await harness.submitModal(operator, modal, { from: null, to: null, schedules: null });
    expect(sent.json ?? {}).not.toHaveProperty('response_action', 'errors');
    await harness.settle();
    // The plan starts the daemon alone and says plainly why nothing is backfilled.
    expect(slack.allText()).toMatch(
      /Left out, as from= was not given: Backfill the missed window \(Dagster catches up at most the latest missed tick\) \(no day missed yet: nothing to backfill, as of 2026-04-21 09:\d\d UTC, if approved before 2026-04-22 00:00 UTC, when that day ends\)/,
    );
    expect(planStep(1)).toContain('Start the Dagster daemon, detached, and check it heartbeats');
    expect(planStep(2)).toBe('');

    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Validation failed');
    expect(slack.allText()).toMatch(/all 4 marts within their SLA/);
    // Nothing was backfilled, so the scenario-2 command to type has no window: not `from= to=`.
    expect(slack.allText()).toContain('`/databox diagnose backfill source=ebird` (or source=noaa, source=usgs; with no day missed, nothing was backfilled, and the command has no window: it scans the last 30 days)');
    const commands = checkout.calls().map((c) => c.command);
    expect(commands).toContain('uv run dagster-daemon run');
    expect(commands.filter((c) => c.includes('backfill'))).toEqual([]);
    expect(launched).toEqual([]);
    const recovery = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');
    expect(recovery?.data.run.steps.map((s: any) => s.id)).toEqual(['start_daemon']);
  });

  it('holds "no day missed yet" to the day it was found: approved after that day, its plan is refused, nothing run, and made again it asks for the window', async () => {
    dagsterStoppedUntilStarted({}, 'schedules-healthy', new Date('2026-04-21T08:30:00Z'));
    await fillMarts('2026-04-18', '2026-04-20');
    // A plan may wait a day for its approval here: the finding it rests on must not outlive that day.
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_APPROVAL_TTL: '24h' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('Dagster daemon stopped, no day missed yet');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness.command(`recover schedule path=a incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.allText()).toMatch(/\(no day missed yet: nothing to backfill, as of 2026-04-21 09:\d\d UTC, if approved before 2026-04-22 00:00 UTC, when that day ends\)/);

    // Approved the next morning, after the schedules' next tick was due: it would start the daemon and lose a day.
    later = 22 * 3_600_000;
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(
      /this plan goes without from= and to= \(leaving out "Backfill the missed window \(Dagster catches up at most the latest missed tick\)"\) on what its diagnosis found at 2026-04-21 09:\d\d UTC, which held until that day ended \(2026-04-22 00:00 UTC\): it is 2026-04-22 07:\d\d UTC now, and what it found may no longer be so\. Diagnose again and propose a new plan; nothing was run/,
    );
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'approval.refused').map((r) => r.data.reason)).toEqual([expect.stringContaining('Diagnose again and propose a new plan')]);
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);

    // Made again on the same diagnosis, typed or in the form, the plan asks for the window, saying to diagnose again.
    await harness.command(`recover schedule path=a incident=${incidentId}`, operator);
    await harness.settle();
    const refusal = String(slack.responses.at(-1)?.body.text);
    expect(refusal).toContain('missing from=YYYY-MM-DD');
    expect(refusal).toMatch(
      new RegExp(`found none needed at 2026-04-21 09:\\d\\d UTC, which held until that day ended \\(2026-04-22 00:00 UTC\\) and may no longer: diagnose again \\(\`/databox diagnose schedule incident=${incidentId}\`\\), or give it`),
    );
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    expect(form.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.optional])).toEqual([['from', false], ['to', false], ['schedules', true]]);
    // Sent without them anyway (a form opened before midnight, say), it says why, as the typed command does.
    const sent = await harness.submitModal(operator, form, { from: null, to: null, schedules: null });
    expect(sent.json).toMatchObject({
      response_action: 'errors',
      errors: {
        from: 'missing from=YYYY-MM-DD: none was needed on 2026-04-21 only, when the diagnosis looked: diagnose again, or give it',
        to: 'missing to=YYYY-MM-DD: none was needed on 2026-04-21 only, when the diagnosis looked: diagnose again, or give it',
      },
    });
  });

  it('still asks for from= and to= when the diagnosis cannot size the window (a schedule with no successful tick on record), typed or in the form', async () => {
    // The others ticked today, so "no window" would read as none missed; the one that never ticked leaves it unknown.
    dagsterStoppedUntilStarted({}, schedulesWithOneNeverTicked, new Date('2026-04-21T08:30:00Z'));
    await fillMarts('2026-04-18', '2026-04-20');
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Verdict: Dagster daemon stopped*');
    expect(verdict).not.toContain('no day missed yet');
    expect(verdict).toContain('backfill an unknown window (not every schedule has a successful tick on record: read the schedules above, and give from= and to=)');
    expect(verdict).toMatch(/Or type `\/databox recover schedule path=a from=… to=… incident=dbx-\d{8}-[0-9a-f]{4}`/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    await harness.command(`recover schedule path=a incident=${incidentId}`, operator);
    await harness.settle();
    const refusal = String(slack.responses.at(-1)?.body.text);
    expect(refusal).toContain('missing from=YYYY-MM-DD');
    expect(refusal).toContain('missing to=YYYY-MM-DD');
    expect(refusal).toContain(`the diagnosis of incident ${incidentId} ("Dagster daemon stopped") did not find it (its verdict says why): give it`);

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    expect(modal.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.optional])).toEqual([['from', false], ['to', false], ['schedules', true]]);
    const sent = await harness.submitModal(operator, modal, { from: null, to: null, schedules: null });
    // Slack asks for both before it sends the form; one sent without them anyway is refused, each under its own field.
    expect(sent.json).toMatchObject({ response_action: 'errors', errors: { from: expect.stringMatching(/^missing from=YYYY-MM-DD: [^\n]*$/), to: expect.stringMatching(/^missing to=YYYY-MM-DD: [^\n]*$/) } });
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);

    // Given as asked, the window is the operator's to give: the plan is not warned of as going against the diagnosis.
    await harness.command(`recover schedule path=a from=2026-04-20 to=2026-04-20 incident=${incidentId}`, operator);
    await harness.settle();
    const plan = slack.posted('Plan Path A');
    expect(plan).toContain('partitions 2026-04-20 … 2026-04-20');
    expect(plan).not.toMatch(/takes days it did not find bad|against it/);
  });

  it('finds the stopped daemon and the missed window, and recovery backfills exactly that window, confirmed by the requester alone', async () => {
    // The webserver answers the diagnosis, then stops answering: the plan cannot list the job's assets and says it uses the CLI.
    nock(dagsterUrl)
      .post('/graphql', (body: { query: string }) => body.query.includes('DataboxAssetNodes'))
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    dagsterStoppedUntilStarted();
    checkout.behave({
      'uv run dagster-daemon run': { stdout: 'dagster.daemon - INFO - Instance is configured with the following daemons\n', sleepMs: 120_000 },
      [backfillCommand]: { stdoutFile: 'dagster/cli/job-backfill.txt', sql: backfillMartsSql, params: ['arg:--from', 'arg:--to'] },
      'task verify': { stdout: 'verify: 4 marts fresh, contracts pass\n' },
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Dagster daemon stopped');
    expect(verdict).toContain('missed window 2026-04-17 … 2026-04-20');
    expect(slack.allText()).toMatch(/SCHEDULER\s+yes\s+no\s+\d+ d( \d+ h)? ago/);
    expect(slack.allText()).toMatch(/all_pipelines_daily\s+RUNNING\s+0 6 \* \* \*\s+2026-04-17 06:00 SUCCESS/);
    expect(slack.allText()).toContain('ebird.fct_daily_bird_observations: newest 2026-04-17');

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const prefilled = prefilledValues(modal);
    expect(prefilled).toEqual({ from: '2026-04-17', to: '2026-04-20', schedules: null });
    await harness.submitModal(operator, modal, prefilled);
    await harness.settle();
    const plan = slack.allText();
    // No schedule was found paused: nothing to give, so the step that would start them is left out without a word.
    expect(plan).not.toContain('Left out');
    expect(plan).toContain('uv run dagster-daemon run  (not started when a daemon already heartbeats, or one this bot started still runs; else started detached and left running');
    expect(planStep(2)).toContain(
      `${backfillCommand}\n# size: 4 days of job all_pipelines = 4 runs, one per daily partition\n# through the CLI, not the webserver: the webserver did not list the assets of job all_pipelines: the Dagster webserver at ${dagsterUrl}/graphql cannot be reached (connect ECONNREFUSED 127.0.0.1:3070)`,
    );

    // Nothing here is destructive: the requester confirms it alone, still with the button, still on the record.
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Validation succeeded');
    expect(checkout.calls().map((c) => c.command)).toEqual(
      expect.arrayContaining(['uv run dagster-daemon run', backfillCommand, 'task verify']),
    );
    expect(slack.allText()).toMatch(/started PID \d+ at \d\d:\d\d:\d\d UTC, left running/);
    expect(slack.allText()).toContain('launched backfill wqbqzyhx for 2026-04-17 to 2026-04-20');
    expect(slack.allText()).toMatch(/all 4 marts within their SLA \(after \d+ ms, 1 check\)/);

    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const approved = journal.find((r) => r.type === 'run.approved');
    expect(approved?.actor).toBe(operator);
    const started = journal.find((r) => r.type === 'step.finished' && r.data.result.stepId === 'start_daemon');
    expect(started?.data.result).toMatchObject({ status: 'ok', outputs: { pid: expect.any(Number), startedAt: expect.stringMatching(/^2026-04-21T09:/) } });
    // Started by the bot's command host, a child of the bot (here, this process), which is never forked for it.
    const parentOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    const host = parentOf(started?.data.result.outputs.pid as number);
    expect(host).not.toBe(process.pid);
    expect(parentOf(host)).toBe(process.pid);
    // The CLI backfill's process is on the record (a restart stops it rather than leave it running unseen), and its
    // whole output is kept beside the other steps' outputs.
    const backfillRun = journal.find((r) => r.type === 'step.finished' && r.data.result.stepId === 'backfill')?.data;
    const backfillProcess = journal.find((r) => r.type === 'step.process' && r.data.runId === backfillRun?.runId && r.data.argv.join(' ') === backfillCommand);
    expect(backfillProcess?.data).toMatchObject({ pid: expect.any(Number), boot: expect.any(String) });
    expect(fs.readFileSync(backfillRun?.result.logFile, 'utf8')).toContain('Launched backfill job `wqbqzyhx`');
  });

  it('a validation waiting for the marts when the bot stops is interrupted, not failed, and the restarted bot runs it again in the same thread', async () => {
    // The backfill launched has built nothing yet: the validation waits for the marts, as after a real one still running.
    dagsterStoppedUntilStarted({ DataboxBackfill: async () => graphqlFixture('backfill-success') });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh, contracts pass\n' } });
    const env = { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.submitModal(operator, slack.lastForm(), prefilledValues(slack.lastForm()));
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await slack.waitFor('the validation waiting for the marts', () => /check 1, /.test(slack.allText()), 60_000);
    await harness.stop();
    harness = undefined;

    const records = journalRecordsOf(checkout);
    const [first] = records.filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.runId as string);
    expect(records.find((r) => r.type === 'run.finished' && r.data.runId === first)?.data).toMatchObject({ status: 'interrupted', interruptedBy: 'stop' });
    expect(slack.allText()).not.toContain('Validation failed');
    expect(slack.allText()).toContain('The validation was interrupted by the bot stopping (a restart or a deploy) before it finished');

    // The backfill has built the window meanwhile: the validation run again passes.
    await fillMarts('2026-04-17', '2026-04-20');
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the validation run again', () => /Validation succeeded/.test(slack.allText()), 60_000);
    await harness.settle();
    const after = journalRecordsOf(checkout);
    const again = after.find((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation' && r.data.run.rerunOf === first)?.data.runId;
    expect(after.find((r) => r.type === 'run.finished' && r.data.runId === again)?.data.status).toBe('succeeded');
    expect(slack.allText()).toContain(`Running the validation again: ${first} was interrupted by a stop`);
    const status = String((await harness.command('status', operator)).json?.text ?? '');
    expect(status).not.toContain('validation failed');
    expect(status).not.toContain('validation interrupted');
  });

  it('backfills through GraphQL with the shipped runbook: the plan names the assets the webserver lists for all_pipelines and the window, and the mutation carries exactly those', async () => {
    const assets = [
      'analytics/fct_species_environment_daily',
      'ebird/fct_daily_bird_observations',
      'noaa/fct_daily_weather',
      'raw_ebird/observations',
      'raw_noaa/daily_weather',
      'raw_usgs/streamflow',
      'usgs/fct_daily_streamflow',
    ];
    const mutations: Record<string, any>[] = [];
    dagsterStoppedUntilStarted({
      DataboxBackfill: async (request) => {
        mutations.push(request.variables);
        const { start, end } = (request.variables as any).params.partitionsByAssets[0].partitions.range;
        await fillMarts(start, end);
        return graphqlFixture('backfill-success');
      },
    });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    // Commands niced: the daemon must not keep that priority for good.
    harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_WORK_NICENESS: '5' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('missed window 2026-04-17 … 2026-04-20');
    await choosePathWith(harness, slack, 'choose_path_a', operator, { from: '2026-04-17', to: '2026-04-20' });
    // Looked up before the plan was posted: the plan shows what will be launched, before anyone approves it.
    expect(planStep(2)).toContain(
      [
        `GraphQL launchPartitionBackfill: assets ${assets.join(', ')}, partitions 2026-04-17 … 2026-04-20`,
        '# size: 4 days × 7 assets = 28 asset partitions to materialize',
        '# the partitioned assets of job all_pipelines in code location databox.orchestration.definitions, as the webserver listed them when this plan was made (Daily, starting 2024-01-01 UTC.)',
        '# left out, not partitioned: analytics/dim_species',
      ].join('\n'),
    );
    expect(slack.allText()).not.toContain('soda/contract_results');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);

    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    expect(mutations).toEqual([
      {
        params: {
          partitionsByAssets: assets.map((key) => ({ assetKey: { path: key.split('/') }, partitions: { range: { start: '2026-04-17', end: '2026-04-20' } } })),
          title: `databox ${incidentId}: missed window 2026-04-17 to 2026-04-20`,
          tags: [{ key: 'databox/incident', value: incidentId }],
        },
      },
    ]);
    expect(checkout.calls().some((c) => c.command.includes('dagster job backfill'))).toBe(false);
    expect(slack.allText()).toContain('launched backfill lxkdvmpa for 2026-04-17 to 2026-04-20 through the webserver');
    expect(slack.allText()).toContain('Validation succeeded');
    // The approved plan, with the assets it names, is what the journal holds.
    const proposed = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');
    expect(proposed?.data.run.steps.find((s: any) => s.id === 'backfill')).toMatchObject({ via: 'graphql', assetKeys: assets.map((key) => key.split('/')) });
    // Started by the bot itself (here, this process) at its own priority, not from the niced command host.
    const daemon = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'start_daemon')?.data.result.outputs.pid as number;
    const stat = fs.readFileSync(`/proc/${daemon}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    expect({ parent: Number(stat[1]), nice: Number(stat[16]) }).toEqual({ parent: process.pid, nice: 0 });
  });

  it("reaches the backfill back to the day after the marts' last day built when they end before the schedules' last success: the verdict says why, the form and the plan start there", async () => {
    // The runs since the 15th "succeeded" and wrote nothing: the marts end on the 14th, the schedules' last success is the 17th's.
    for (const file of [checkout.databasePath, `${checkout.databasePath}.wal`]) fs.rmSync(file, { force: true });
    await createMartsDatabase(checkout.databasePath, '2026-04-14');
    const ranges: unknown[] = [];
    dagsterStoppedUntilStarted({
      DataboxBackfill: async (request) => {
        const { range } = (request.variables as any).params.partitionsByAssets[0].partitions;
        ranges.push(range);
        await fillMarts(range.start, range.end);
        return graphqlFixture('backfill-success');
      },
    });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain(
      "missed window 2026-04-15 … 2026-04-20 (from the day after the marts' last day built (2026-04-14), not from the schedules' last success (2026-04-17 06:00 UTC): not every mart has a day after it, so a backfill from 2026-04-17 would leave 2026-04-15 … 2026-04-16 empty)",
    );
    expect(verdict).toContain('backfill 2026-04-15 … 2026-04-20 (path A)');
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    expect(prefilledValues(modal)).toEqual({ from: '2026-04-15', to: '2026-04-20', schedules: null });
    await harness.submitModal(operator, modal, prefilledValues(modal));
    await harness.settle();
    expect(planStep(2)).toContain('partitions 2026-04-15 … 2026-04-20');

    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(ranges).toEqual([{ start: '2026-04-15', end: '2026-04-20' }]);
    expect(slack.allText()).toContain('Validation succeeded');
  });

  it('proposes the first 62 days of a missed window longer than a backfill takes, in the verdict, its command and its form: the plan starts the daemon and backfills them, its validation judges that part and gives the next, and the next part, typed as the verdict gives it, is judged the same', async () => {
    // Found on 2026-12-03: the schedules' last success is 2026-04-17's, so 230 days are missed, more than a backfill takes.
    later = Date.parse('2026-12-03T09:00:00Z') - recordedAt.getTime();
    const ranges: unknown[] = [];
    dagsterStoppedUntilStarted({
      DataboxBackfill: async (request) => {
        const { range } = (request.variables as any).params.partitionsByAssets[0].partitions;
        ranges.push(range);
        // The part backfilled, and nothing after it: the marts end on its last day, past their SLA.
        await fillMarts(range.start, range.end);
        return graphqlFixture('backfill-success');
      },
    });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    expect(verdict).toContain('Dagster daemon stopped');
    expect(verdict).toContain('missed window 2026-04-17 … 2026-12-02');
    expect(verdict).toContain('backfill 2026-04-17 … 2026-06-17 (path A)');
    expect(verdict).toContain(
      'The missed window 2026-04-17 … 2026-12-02 is 230 days long and a backfill takes at most 62 days at a time: the recovery proposed backfills its first 62, 2026-04-17 … 2026-06-17, the oldest first. Once that plan has run, the rest (2026-06-18 … 2026-12-02) is backfilled the same way',
    );
    expect(verdict).toContain('`/databox recover schedule path=a from=2026-06-18 to=2026-08-18`, then the same again from the day after its to=, 62 days at a time, up to to=2026-12-02.');
    expect(verdict).toContain(`Or type \`/databox recover schedule path=a from=2026-04-17 to=2026-06-17 incident=${incidentId}\``);

    // The form, prefilled and sent as it is, proposes the plan: the daemon started, the first 62 days backfilled.
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    expect(prefilledValues(modal)).toEqual({ from: '2026-04-17', to: '2026-06-17', schedules: null });
    const sent = await harness.submitModal(operator, modal, prefilledValues(modal));
    expect(sent.json ?? {}).not.toHaveProperty('response_action', 'errors');
    await harness.settle();
    expect(planStep(1)).toContain('Start the Dagster daemon, detached, and check it heartbeats');
    expect(planStep(2)).toContain('partitions 2026-04-17 … 2026-06-17');
    // 62 days of 7 assets: the step says how big it is, and a backfill that large is not approved by its requester alone.
    expect(planStep(2)).toContain('# size: 62 days × 7 assets = 434 asset partitions to materialize — LARGE: over 14 days, a teammate approves it');
    expect(planHeader()).toContain(
      "It launches a large backfill (62 days × 7 assets = 434 asset partitions to materialize; over 14 days, the step's teammateApprovalAboveDays): someone other than the requester must approve it.",
    );
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain('a plan that launches a large backfill (62 days × 7 assets');
    expect(slack.ephemerals(operator).at(-1)).toContain('must be approved by someone other than the person who requested it');
    expect(ranges).toEqual([]);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    // The validation's end (then what it posts after it), or its first check still waiting: held to the SLA, a part's
    // validation would wait two hours for days no part has built yet, and settling would wait with it.
    const validations = () => slack.allText().match(/Validation (succeeded|failed)/g)?.length ?? 0;
    const validated = async (count: number) => {
      await slack.waitFor('the validation', () => validations() === count || /check 1, /.test(slack.allText()), 60_000);
      if (validations() === count) await harness?.settle();
    };
    await validated(1);
    expect(checkout.calls().map((c) => c.command)).toContain('uv run dagster-daemon run');
    expect(ranges).toEqual([{ start: '2026-04-17', end: '2026-06-17' }]);
    // The part is judged by its own days, and said to be done, the days after it not, with the next part's command.
    expect(slack.allText()).toContain('Validation succeeded');
    expect(slack.allText()).toContain(
      "every mart through 2026-06-17, the window's last day. The days after it are not all built yet (2026-06-18 … 2026-12-02, from the first day a mart has no row for to yesterday)",
    );
    expect(slack.allText()).toContain(
      'This part is done: every mart reaches its last day, 2026-06-17. The days after it are not yet all backfilled (2026-06-18 … 2026-12-02): that is what a part of a longer backfill leaves, not a reason to roll back. ' +
        'Backfill the next part: `/databox recover schedule path=a from=2026-06-18 to=2026-08-18` (the first 62 of 168 days: then the same command again from=2026-08-19, 62 days at a time, up to to=2026-12-02).',
    );
    expect(slack.allText()).not.toContain('Validation failed');
    expect(slack.allText()).not.toContain('The resumed run failed');
    expect(checkout.calls().map((c) => c.command)).toContain('task verify');
    // Not over: the status lists it unfinished, and its postmortem says it is not recovered yet, with no time to recover.
    const status = String((await harness.command('status', operator)).json?.text ?? '');
    expect(status).toContain(`validation succeeded on one part of the window; the days after it are still to backfill (${incidentId}/`);
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(quickDaemonStart.DATABOX_RUNBOOKS_DIR), root: checkout.root, incidentId: incidentId as string }).markdown;
    expect(postmortem).toMatch(/\| Outcome \| not recovered yet: Path A[^|]* built one part of the window, and its validation passed on that part at \d\d:\d\d:\d\d; every mart through 2026-06-17/);
    expect(postmortem).toContain('- **Time to recover:** none yet.');

    // The next part on the same incident would be made on a diagnosis of the database before that backfill: refused,
    // as the verdict says; typed as it gives it, without incident=, it is a plan of its own.
    await harness.command(`recover schedule path=a from=2026-06-18 to=2026-08-18 incident=${incidentId}`, operator);
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain("has changed since this incident's diagnosis");
    await harness.command('recover schedule path=a from=2026-06-18 to=2026-08-18', operator);
    await harness.settle();
    expect(planStep(2)).toContain('partitions 2026-06-18 … 2026-08-18');
    expect(slack.allText()).toContain('No diagnosis: this plan was typed without one');
    expect(slack.buttons('approve_plan')).toHaveLength(2);

    // Meanwhile the restarted schedules' first tick built yesterday: the marts are within their SLA, but the weeks after
    // this part are still empty, which their newest dates alone do not show. Its validation judges this part too.
    await fillMarts('2026-12-02', '2026-12-02');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await validated(2);
    expect(ranges).toEqual([{ start: '2026-04-17', end: '2026-06-17' }, { start: '2026-06-18', end: '2026-08-18' }]);
    expect(slack.allText()).toContain('The days after it are not all built yet (2026-08-19 … 2026-12-02');
    expect(slack.allText()).toContain(
      'Backfill the next part: `/databox recover schedule path=a from=2026-08-19 to=2026-10-19` (the first 62 of 106 days: then the same command again from=2026-10-20, 62 days at a time, up to to=2026-12-02).',
    );
    expect(slack.allText()).not.toContain('Validation failed');
  });

  it('at the terminal, proposes the same first 62 days of a longer missed window, and says the next part as the terminal types it', async () => {
    later = Date.parse('2026-12-03T09:00:00Z') - recordedAt.getTime();
    dagsterStoppedUntilStarted();
    const terminal = scriptedTerminal({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DAGSTER_URL: dagsterUrl, USER: 'alice', LOG_LEVEL: 'error' }, () => null);
    await runCli(['diagnose', 'schedule'], terminal.io, { clock });
    const said = terminal.stdout();
    expect(said).toContain('is 230 days long and a backfill takes at most 62 days at a time');
    expect(said).toContain('`npm run --silent cli -- recover schedule path=a from=2026-06-18 to=2026-08-18`');
    const incidentId = /(dbx-\d{8}-[0-9a-f]{4})/.exec(said)?.[1];
    expect(said).toContain(`npm run --silent cli -- recover schedule path=a from=2026-04-17 to=2026-06-17 incident=${incidentId}`);

    // from= and to= left out are the first 62 days the diagnosis suggests: the plan is made, not refused.
    const recover = scriptedTerminal({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DAGSTER_URL: dagsterUrl, USER: 'alice', LOG_LEVEL: 'error' }, () => null);
    await runCli(['recover', 'schedule', 'path=a', `incident=${incidentId}`], recover.io, { clock });
    expect(recover.stderr()).not.toContain('days long; at most 62 days at a time');
    expect(recover.stdout()).toContain('partitions 2026-04-17 … 2026-06-17');
  });

  it("at the terminal, keeps in the evidence's few lines the row of the schedule found paused, listed after many running", async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => {
        const answer = graphqlFixture('schedules-paused') as any;
        const running = answer.data.schedulesOrError.results.find((s: any) => s.scheduleState.status === 'RUNNING');
        const others = ['ebird_hourly', 'noaa_hourly', 'usgs_hourly', 'soda_checks_hourly', 'exports_hourly', 'vacuum_hourly'].map((name) => ({ ...running, name }));
        // Dagster lists them by name: the paused one after the rest, where a cut of the middle would hide it.
        answer.data.schedulesOrError.results = [...others, ...answer.data.schedulesOrError.results.sort((a: any, b: any) => b.name.localeCompare(a.name))];
        return answer;
      },
    });
    const terminal = scriptedTerminal({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DAGSTER_URL: dagsterUrl, USER: 'alice', LOG_LEVEL: 'error' }, () => null);
    await runCli(['diagnose', 'schedule'], terminal.io, { clock });
    const said = terminal.stdout();
    expect(said).toContain('Verdict: Schedules paused');
    // Before: "│ [… 9 lines omitted …]" where the schedules' table was, its paused row among them.
    expect(said).toMatch(/│ schedule +status +cron +last tick/);
    expect(said).toMatch(/│ all_pipelines_daily +STOPPED +0 6 \* \* \*/);
  });

  it('offers scenario 2 for the diagnosed window when the resumed run fails: a button per source opens its diagnosis as a new incident, the window filled in', async () => {
    // The backfill is launched and its runs leave the marts fresh, but task verify then fails: the resumed run failed.
    dagsterStoppedUntilStarted({
      DataboxBackfill: async (request) => {
        const { start, end } = (request.variables as any).params.partitionsByAssets[0].partitions.range;
        await fillMarts(start, end);
        return graphqlFixture('backfill-success');
      },
    });
    await addRawEbird('2026-04-17');
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stderr: 'soda: row_count check failed on raw_ebird\n', exit: 1 } });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('missed window 2026-04-17 … 2026-04-20');
    const [scheduleRoot] = slack.buttons('write_postmortem');
    const scheduleIncident = scheduleRoot!.value;
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the follow-up', () => slack.allText().includes('Next:'), 60_000);
    expect(slack.allText()).toContain('Recovery succeeded');
    expect(slack.allText()).toContain('Validation failed');
    expect(message('Next:')).toContain('with scenario 2 for the source whose run failed, over the window backfilled: `/databox diagnose backfill source=ebird from=2026-04-17 to=2026-04-20`');
    expect(slack.buttons('request_rollback')).toHaveLength(0);

    // One button per source, each carrying the window the diagnosis found.
    const offered = slack.buttons(/^open_follow_up_\d+$/);
    expect(offered.map((b) => JSON.parse(b.value))).toEqual(
      ['ebird', 'noaa', 'usgs'].map((source) => ({ incident: scheduleIncident, scenario: 'backfill', params: { source, from: '2026-04-17', to: '2026-04-20' } })),
    );
    expect(offered[0]).toMatchObject({ channel: scheduleRoot!.channel, threadTs: scheduleRoot!.ts });
    await harness.click(offered[0]!, 'U0ONCALL');
    await harness.settle();

    const journal = journalRecordsOf(checkout);
    const backfillIncident = journal.find((r) => r.type === 'incident.opened' && r.data.scenario === 'backfill')?.incident;
    expect(backfillIncident).toMatch(/^dbx-\d{8}-[0-9a-f]{4}$/);
    expect(journal.find((r) => r.type === 'diagnosis.verdict' && r.incident === backfillIncident)?.data.params).toEqual({ source: 'ebird', from: '2026-04-17', to: '2026-04-20' });
    expect(journal.find((r) => r.type === 'command.received' && r.actor === 'U0ONCALL')).toMatchObject({
      incident: scheduleIncident,
      data: { text: 'follow-up button: diagnose backfill source=ebird from=2026-04-17 to=2026-04-20' },
    });
    const backfillRoot = slack.callsTo('chat.postMessage').find((a) => !a.thread_ts && String(a.text).startsWith(`Incident ${backfillIncident}`));
    expect(backfillRoot).toMatchObject({ channel: scheduleRoot!.channel });
    expect(String(backfillRoot?.text)).toContain('Partial backfill of a single source');
    // Scenario 2's diagnosis ran on exactly that window, in the new incident's thread.
    expect(slack.allText()).toMatch(/2026-04-18\s+0\s+(0\s+)?zero/);
    const link = slack.callsTo('chat.postMessage').find((a) => a.thread_ts === scheduleRoot!.ts && String(a.text).startsWith('<@U0ONCALL> opened incident'));
    expect(String(link?.text)).toMatch(
      new RegExp(`^<@U0ONCALL> opened incident \`${backfillIncident}\` \\(Partial backfill of a single source.*\\) with \`diagnose backfill source=ebird from=2026-04-17 to=2026-04-20\`; <https://databox\\.slack\\.com/archives/`),
    );
  });

  it.each([
    ['refused by Dagster (a PythonError)', 'failed', /the backfill for 2026-04-17 to 2026-04-20 was not launched: Dagster failed while launching the backfill: /, 'Recovery failed'],
    // Nobody can tell whether it was launched: not said to have failed.
    ['not answered within DAGSTER_TIMEOUT', 'unknown', /the backfill for 2026-04-17 to 2026-04-20 may or may not have been launched: the Dagster webserver at .* did not answer within 1 s\. Look in the Dagster UI \(Overview → Backfills\) for one tagged databox\/incident=dbx-/, 'Recovery ended, its outcome unknown'],
  ] as const)('a launch %s ends the recovery at that step, with no advice as if the resumed runs had failed', async (_name, status, summary, headline) => {
    dagsterStoppedUntilStarted({
      DataboxBackfill: status === 'failed' ? 'backfill-python-error' : async () => new Promise((resolve) => setTimeout(() => resolve(graphqlFixture('backfill-success')), 3_000)),
    });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 } });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DAGSTER_TIMEOUT: '1s', DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    await choosePathWith(harness, slack, 'choose_path_a', operator, { from: '2026-04-17', to: '2026-04-20' });
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the recovery to end', () => /Recovery (failed|ended, its outcome unknown)/.test(slack.allText()), 60_000);
    await harness.settle();
    expect(slack.allText()).toContain(headline);
    const backfill = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'backfill');
    expect(backfill?.data.result.status).toBe(status);
    expect(backfill?.data.result.summary).toMatch(summary);
    expect(slack.allText()).not.toContain('Next:');
    expect(slack.buttons(/^open_follow_up_\d+$/)).toHaveLength(0);
    expect(journalRecordsOf(checkout).some((r) => r.type === 'run.follow-up')).toBe(false);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1] as string;
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(quickDaemonStart.DATABOX_RUNBOOKS_DIR), root: checkout.root, incidentId }).markdown;
    // The journal and the postmortem say what the message says. Before: "failed" in both, whatever the step's end.
    const finished = journalRecordsOf(checkout).filter((r) => r.type === 'run.finished').at(-1);
    expect(finished?.data).toMatchObject({ status: 'failed', ...(status === 'unknown' ? { outcome: 'unknown' } : {}) });
    if (status === 'failed') expect(finished?.data.outcome).toBeUndefined();
    const ended = status === 'unknown' ? 'ended, its outcome unknown' : 'failed';
    expect(postmortem).toContain(`| Recovery | Path A: Start the daemon and backfill the missed window: ${ended} |`);
    expect(postmortem).toContain(`Outcome: not recovered: Path A: Start the daemon and backfill the missed window ${ended}.`);
    expect(postmortem).toMatch(new RegExp(`\\(\`${incidentId}/2\`\\) \\*\\*${ended}\\*\\* in `));
    expect(postmortem).toMatch(new RegExp(`- Ran [0-9:]+–[0-9:]+ \\([^)]*\\): ${ended}\n`));
    if (status === 'unknown') expect(postmortem).not.toMatch(/window: failed|window failed|\*\*failed\*\*|\): failed/);
  });

  it('refuses path B when the daemon stopped since the diagnosis: nobody would run its backfill or tick its schedules', async () => {
    let daemonUp = true;
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      DataboxDaemonHealth: () => (daemonUp ? daemonHealthyNow(clock)() : graphqlFixture('daemon-health-stopped')),
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('Schedules paused');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    daemonUp = false;
    await harness.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    expect(slack.responses.map((r) => String(r.body.text)).join('\n')).toMatch(/the check "The Dagster daemon is heartbeating \(it runs the backfill and ticks the schedules; stopped, diagnose again: path A starts it\)" did not pass: .*daemon/i);
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);
  });

  it('recovers paused schedules typed without a window: path B starts the paused schedule only (not one switched off on purpose), then backfills the window the diagnosis found', async () => {
    // The webserver cannot list the job's assets, so the backfill goes through the CLI and the stand-in uv records its argv.
    nock(dagsterUrl)
      .post('/graphql', (body: { query: string }) => body.query.includes('DataboxAssetNodes'))
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    // The recorded paused schedule, and a retired export STOPPED since January: switched off on purpose.
    const { started: startedSelectors, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily', (answer) => {
      const retired = { name: 'legacy_export_weekly', cronSchedule: '0 7 * * 1', executionTimezone: 'UTC', scheduleState: { status: 'STOPPED', lastTick: [{ timestamp: 1767596400, status: 'SUCCESS', error: null }], lastSuccess: [{ timestamp: 1767596400, status: 'SUCCESS', error: null }] } };
      answer.data.schedulesOrError.results.push(retired);
    });
    serveDagster({ DataboxRepositories: 'repositories', ...handlers, DataboxDaemonHealth: daemonHealthyNow(clock) });
    checkout.behave({
      [backfillCommand]: { stdoutFile: 'dagster/cli/job-backfill.txt', sql: backfillMartsSql, params: ['arg:--from', 'arg:--to'] },
      'task verify': { stdout: 'verify: 4 marts fresh\n' },
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);

    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Schedules paused');
    expect(verdict).toContain('2026-04-17 … 2026-04-20');
    expect(verdict).toContain('legacy_export_weekly is STOPPED, last tick 2026-01-05: taken as switched off on purpose');
    expect(slack.buttons('choose_path_b')).toHaveLength(1);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    // Typed, not clicked: no from/to/schedules, so the plan takes the window and the paused schedules the diagnosis found.
    const typed = await harness.command(`recover schedule path=b incident=${incidentId}`, operator);
    expect(typed.status).toBe(200);
    await harness.settle();
    expect(slack.responses.map((r) => String(r.body.text))).not.toContainEqual(expect.stringContaining('missing'));
    // The daemon runs the backfill and ticks the schedules: path B checks it heartbeats before it starts anything.
    expect(planStep(1)).toContain('The Dagster daemon is heartbeating (it runs the backfill and ticks the schedules; stopped, diagnose again: path A starts it)');
    expect(planStep(2)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');
    // The approver reads which copy is started, in which repository and code location.
    expect(planStep(2)).toContain('# starts all_pipelines_daily in __repository__@databox.orchestration.definitions (STOPPED when this plan was made)');
    expect(planStep(2)).not.toContain('legacy_export_weekly');
    expect(planStep(3)).toContain(backfillCommand);
    // 4 days through the CLI: its size is said, and the requester may approve it alone.
    expect(planStep(3)).toContain('# size: 4 days of job all_pipelines = 4 runs, one per daily partition');
    expect(planStep(3)).not.toContain('LARGE');
    expect(planHeader()).toContain('Anyone allowed may approve it.');

    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Validation succeeded');
    expect(startedSelectors).toEqual([{ repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__', scheduleName: 'all_pipelines_daily' }]);
    const uv = checkout.calls().filter((c) => c.tool === 'uv').map((c) => c.args);
    expect(uv).toEqual([
      ['run', 'dagster', 'job', 'backfill', '-j', 'all_pipelines', '--from', '2026-04-17', '--to', '2026-04-20', '--noprompt', '-f', 'packages/databox/databox/orchestration/definitions.py'],
    ]);
    expect(checkout.calls().some((c) => c.command === 'uv run dagster-daemon run')).toBe(false);
    expect(slack.allText()).toContain('started all_pipelines_daily');
  });

  it('starts schedules paused today, after their tick of the day, by path B with no window: nothing is backfilled', async () => {
    const launched: unknown[] = [];
    // The recorded healthy schedules (ticked at 06:00 and 08:00 today), the daily one paused since its tick.
    const { started: startedSelectors, handlers } = pausedUntilStarted('schedules-healthy', 'all_pipelines_daily');
    serveDagster({ DataboxRepositories: 'repositories', ...handlers, DataboxBackfill: (request) => launched.push(request.variables), DataboxDaemonHealth: daemonHealthyNow(clock) });
    const { bot, verdict } = await diagnoseWithMartsFresh();
    expect(verdict).toContain('Schedules paused, no day missed yet');
    expect(verdict).toContain('no missed day yet (the last successful tick was at 2026-04-21 06:00 UTC)');
    expect(verdict).toMatch(/Or type `\/databox recover schedule path=b schedules=all_pipelines_daily incident=dbx-\d{8}-[0-9a-f]{4}`/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    expect(slack.responses.map((r) => String(r.body.text))).not.toContainEqual(expect.stringContaining('missing'));
    expect(slack.allText()).toMatch(/Left out, as from= was not given: Backfill the missed window \(Dagster catches up at most the latest missed tick\) \(no day missed yet: nothing to backfill, as of 2026-04-21 09:\d\d UTC, if approved before 2026-04-22 00:00 UTC, when that day ends\)/);
    expect(planStep(2)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');
    expect(planStep(3)).toBe('');

    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Validation succeeded');
    expect(startedSelectors).toEqual([{ repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__', scheduleName: 'all_pipelines_daily' }]);
    expect(launched).toEqual([]);
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);
  });

  it("says a plan voided by one that only started schedules was voided by Dagster's schedules, not its database, once it has expired, and to a click on it", async () => {
    const { handlers } = pausedUntilStarted('schedules-healthy', 'all_pipelines_daily');
    serveDagster({ DataboxAssetNodes: 'asset-nodes', DataboxRepositories: 'repositories', ...handlers, DataboxBackfill: () => graphqlFixture('backfill-success'), DataboxDaemonHealth: daemonHealthyNow(clock) });
    await fillMarts('2026-04-18', '2026-04-20');
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    // Swept every 200 ms, so the plan left waiting expires soon after the bot's clock passes its approval's time.
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock, 200));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    // Path B with no day missed: it only starts the paused schedule.
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    const startsOnly = slack.buttons('approve_plan').at(-1)!;
    expect(planStep(3)).toBe('');
    // Another plan on the same stack, typed with a window of its own, waits beside it.
    await bot.command('recover schedule path=b schedules=all_pipelines_daily from=2026-04-20 to=2026-04-20', 'U0OTHER');
    await bot.settle();
    const voided = slack.buttons('approve_plan').at(-1)!;
    expect(voided.value).not.toBe(startsOnly.value);
    await bot.click(startsOnly, operator);
    await bot.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    const voidedNow = () => slack.messages().find((m) => m.ts === voided.ts)?.blocks ?? '';
    const startsOnlyRun = JSON.parse(startsOnly.value).run as string;
    expect(voidedNow()).toContain(`No longer approvable: Dagster's schedules changed since this plan was made (plan ${startsOnlyRun}`);
    // Past its approval's time: expired, its message still says what changed, and no database is said to have.
    later = 16 * 60_000;
    await slack.waitFor('the voided plan to expire', () => voidedNow().includes('it expired at'), 60_000);
    expect(voidedNow()).toContain(`No longer approvable: Dagster's schedules changed since it was made (plan ${startsOnlyRun}); it expired at`);
    expect(voidedNow()).not.toContain('its database changed');
    // A click Slack still delivers is told the same.
    await bot.click(voided, 'U0OTHER');
    await bot.settle();
    expect(slack.ephemerals('U0OTHER').at(-1)).toContain(`plan ${startsOnlyRun} (Path B: Start the paused schedules and backfill the missed window) changed Dagster's schedules after`);
    expect(slack.ephemerals('U0OTHER').at(-1)).not.toContain('changed its database');
  });

  it('starts a paused hourly check schedule by path B and backfills nothing: its missed ticks leave no day unbuilt while the daily one runs', async () => {
    const launched: unknown[] = [];
    // The daily schedule ticked at 06:00 today; the hourly freshness check STOPPED since 09:00 three days ago.
    const { started: startedSelectors, handlers } = pausedUntilStarted('schedules-healthy', 'soda_freshness_hourly', (answer) => {
      const hourly = answer.data.schedulesOrError.results.find((s: any) => s.name === 'soda_freshness_hourly').scheduleState;
      const stoppedAt = Date.parse('2026-04-18T09:00:00Z') / 1000;
      Object.assign(hourly, { lastTick: [{ timestamp: stoppedAt, status: 'SUCCESS', error: null }], lastSuccess: [{ timestamp: stoppedAt, status: 'SUCCESS', error: null }] });
    });
    serveDagster({ DataboxAssetNodes: 'asset-nodes', DataboxRepositories: 'repositories', ...handlers, DataboxBackfill: (request) => launched.push(request.variables), DataboxDaemonHealth: daemonHealthyNow(clock) });
    const { bot, verdict } = await diagnoseWithMartsFresh();
    expect(verdict).toContain('Schedules paused, no day missed yet');
    expect(verdict).toContain('soda_freshness_hourly');
    expect(verdict).toContain('schedule soda_freshness_hourly (0 `* * * *`) ticks more than once a day: it builds no daily partition, so its missed ticks leave no day to backfill');
    expect(verdict).not.toContain('; missed window');
    expect(verdict).not.toContain('from=');
    expect(verdict).toMatch(/Or type `\/databox recover schedule path=b schedules=soda_freshness_hourly incident=dbx-\d{8}-[0-9a-f]{4}`/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    expect(planStep(2)).toContain('GraphQL startSchedule, one at a time: soda_freshness_hourly');
    expect(planStep(3)).toBe('');
    expect(slack.allText()).toContain('Left out, as from= was not given: Backfill the missed window');

    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Validation succeeded');
    expect(startedSelectors).toEqual([{ repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__', scheduleName: 'soda_freshness_hourly' }]);
    expect(launched).toEqual([]);
    expect(checkout.calls().filter((c) => c.tool === 'uv')).toEqual([]);
  });

  /** Every mart built through yesterday and `task verify` passing, the bot started (as `harness`) and asked to diagnose: the bot, and its verdict. */
  async function diagnoseWithMartsFresh(): Promise<{ bot: Harness; verdict: string }> {
    await fillMarts('2026-04-18', '2026-04-20');
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    return { bot, verdict: message('Verdict:') };
  }

  /**
   * Path A with the daemon stopped and all_pipelines_daily paused, typed from the form for 17–20 April, approved, until
   * its validation ends. Dagster answers each start RUNNING and each backfill fills the marts; its schedule list is the
   * recorded one as `edit` leaves it (told whether a start came). The selectors of the starts sent.
   */
  async function pathAThroughValidation(edit: (answer: any, started: boolean) => void): Promise<unknown[]> {
    const started: unknown[] = [];
    dagsterStoppedUntilStarted(
      {
        DataboxStartSchedule: ({ variables }) => (started.push(variables.selector), { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }),
        DataboxBackfill: async (request) => {
          const { start, end } = (request.variables as any).params.partitionsByAssets[0].partitions.range;
          await fillMarts(start, end);
          return graphqlFixture('backfill-success');
        },
      },
      () => {
        const answer = graphqlFixture('schedules-daemon-stopped') as any;
        edit(answer, started.length > 0);
        return answer;
      },
    );
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 120_000 }, 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    await choosePathWith(harness, slack, 'choose_path_a', operator, { from: '2026-04-17', to: '2026-04-20', schedules: 'all_pipelines_daily' });
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    return started;
  }

  /** Starts the bot (as `harness`), diagnoses, proposes path B and approves it; the bot, and the failure it ends with. */
  async function pathBUntilItFails(): Promise<{ bot: Harness; failure: string }> {
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the failure', () => slack.allText().includes('Recovery failed'), 60_000);
    return { bot, failure: String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Recovery failed'))?.blocks) };
  }

  it('a start Dagster refused started nothing: the failure and /databox status do not say the run changed anything', async () => {
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      DataboxStartSchedule: () => ({ data: { startSchedule: { __typename: 'UnauthorizedError', message: 'Viewers cannot start schedules\n' } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const { bot, failure } = await pathBUntilItFails();
    expect(failure).toContain('NOT started: all_pipelines_daily');
    expect(failure).not.toContain('Changed before it stopped');
    const status = String((await bot.command('status', operator)).json?.text);
    expect(status).not.toContain('Left part-way');
    expect(checkout.calls().filter((c) => c.tool === 'uv'), 'nothing was backfilled').toEqual([]);
  });

  it('with 120 schedules paused names the first few, keeps the window, the advice and the marts, and suggests the first 100 per plan', async () => {
    const at = (hoursAgo: number) => [{ timestamp: recordedAt.getTime() / 1000 - hoursAgo * 3600, status: 'SUCCESS', error: null }];
    const schedule = (name: string, status: string, hoursAgo: number) => ({ name, cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status, lastTick: at(hoursAgo), lastSuccess: at(hoursAgo) } });
    const paused = Array.from({ length: 120 }, (_, i) => `paused_export_number_${String(i).padStart(3, '0')}`);
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => ({
        data: {
          schedulesOrError: {
            __typename: 'Schedules',
            results: [
              ...paused.map((name) => schedule(name, 'STOPPED', 40)),
              ...Array.from({ length: 20 }, (_, i) => schedule(`retired_export_${i}`, 'STOPPED', 45 * 24)),
              ...Array.from({ length: 60 }, (_, i) => schedule(`running_export_${i}`, 'RUNNING', 3)),
            ],
          },
        },
      }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    // Through the 18th, which the paused schedules' last tick (the 19th) built: the window is theirs, not reaching back.
    await fillMarts('2026-04-18', '2026-04-18');
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('paused_export_number_009, … and 110 more');
    expect(verdict).toContain('missed window 2026-04-19 … 2026-04-20');
    expect(verdict).toContain('120 schedules paused, at most 100 per plan: the suggested schedules= names the first 100; once that plan has run, diagnose again to propose the other 20');
    expect(verdict).toContain('Start the paused schedules and backfill 2026-04-19 … 2026-04-20 (path B)');
    expect(verdict).toMatch(/Marts: \d of 4 marts past their SLA/);
    // The first 100 would make a command longer than the bot takes: left out, for the diagnosis to fill in.
    expect(verdict).not.toContain('schedules=paused_export_number_000');
    expect(verdict).toMatch(/incident=dbx-\d{8}-[0-9a-f]{4}` \(leaving out schedules= takes the 100 the diagnosis found\)/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    await harness.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.responses.map((r) => String(r.body.text))).not.toContainEqual(expect.stringContaining('missing'));
    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const proposed = journal.filter((r) => r.type === 'run.proposed').at(-1);
    expect(proposed?.data.run.steps.find((s: any) => s.id === 'start_schedules').schedules).toEqual(paused.slice(0, 100));
  });

  /** Dagster answering with `count` schedules paused 40 hours ago, each of a long name; their names. */
  async function manyPausedWithLongNames(count: number): Promise<string[]> {
    const at = [{ timestamp: recordedAt.getTime() / 1000 - 40 * 3600, status: 'SUCCESS', error: null }];
    const paused = Array.from({ length: count }, (_, i) => `paused_export_with_a_long_name_number_${String(i).padStart(3, '0')}`);
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => ({ data: { schedulesOrError: { __typename: 'Schedules', results: paused.map((name) => ({ name, cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status: 'STOPPED', lastTick: at, lastSuccess: at } })) } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    await fillMarts('2026-04-18', '2026-04-18');
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    return paused;
  }

  it("opens path B's form with 80 paused schedules too long to prefill: the field is left empty, says it takes the diagnosis' 80, and left empty the plan starts all 80", async () => {
    const paused = await manyPausedWithLongNames(80);
    await harness!.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness!.settle();
    const form = slack.lastForm();
    const field = form.blocks.find((b: any) => b.block_id === 'schedules');
    expect(field.element.initial_value).toBeUndefined();
    expect(field.optional).toBe(true);
    expect(field.hint.text).toContain('Left empty, it takes the 80 schedules the diagnosis found, too long to show here.');
    for (const block of form.blocks.filter((b: any) => b.type === 'input')) expect(String(block.element.initial_value ?? '').length).toBeLessThanOrEqual(3_000);
    await harness!.submitModal(operator, form, prefilledValues(form));
    await harness!.settle();
    const proposed = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1);
    expect(proposed?.data.run.steps.find((s: any) => s.id === 'start_schedules').schedules).toEqual(paused);
  });

  it("offers a typed command within the bot's 1,000 characters for 80 paused schedules: schedules= is left out, said so, and the command typed as offered starts all 80", async () => {
    const paused = await manyPausedWithLongNames(80);
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict'));
    const contexts = JSON.parse(String(verdict?.blocks)).filter((b: any) => b.type === 'context').map((b: any) => b.elements[0].text as string);
    const pathB = contexts.find((text: string) => text.startsWith('*Path B*')) ?? '';
    const typed = /`\/databox (recover [^`]*)`/.exec(pathB)?.[1] ?? '';
    expect(typed).toMatch(/^recover schedule path=b .*incident=dbx-\d{8}-[0-9a-f]{4}$/);
    expect(typed.length).toBeLessThanOrEqual(1_000);
    expect(typed).not.toContain('schedules=');
    expect(pathB).toContain('(leaving out schedules= takes the 80 the diagnosis found)');
    await harness!.command(typed, operator);
    await harness!.settle();
    const proposed = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1);
    expect(proposed?.data.run.steps.find((s: any) => s.id === 'start_schedules').schedules).toEqual(paused);
  });

  it("says Slack's refusal to open a path's form as what to do instead, not as the bot's own failure", async () => {
    await manyPausedWithLongNames(3);
    slack.refuse = (method) => (method === 'views.open' ? 'invalid_arguments' : undefined);
    await harness!.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness!.settle();
    const told = [...slack.ephemerals(operator), ...slack.responses.map((r) => String(r.body.text))].join('\n');
    expect(told).toContain("Slack would not open this path's form (invalid_arguments), so nothing was run: type the path's command from the verdict's \"Or type\" line instead");
    expect(told).not.toContain("went wrong on the bot's side");
  });

  it('a backfill Dagster refused launched nothing: the failure lists only the schedules started, and /databox status says they are Dagster\'s', async () => {
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      DataboxStartSchedule: () => ({ data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }),
      DataboxBackfill: () => ({ data: { launchPartitionBackfill: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterInvariantViolationError: no such partition\n' } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const { bot, failure } = await pathBUntilItFails();
    expect(failure).toContain('was not launched: Dagster failed while launching the backfill: `dagster._core.errors.DagsterInvariantViolationError`: no such partition');
    const changed = failure.slice(failure.indexOf('Changed before it stopped'));
    expect(changed).toContain('Start the paused schedules: started all_pipelines_daily');
    expect(changed).not.toContain('Backfill the missed window');
    expect(changed).not.toContain('look at the data');
    const status = String((await bot.command('status', operator)).json?.text);
    expect(status).toContain("what it changed is Dagster's schedules, not the data in ");
    expect(status).not.toContain('no change has run on');
  });

  it('a schedule started by hand before the approval, then a backfill Dagster refused: the failure lists no change, the start step having found it already running', async () => {
    let startedInTheUi = false;
    const { started, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: (request) => {
        const answer = (handlers.DataboxSchedules as (body: unknown) => any)(request);
        if (startedInTheUi) answer.data.schedulesOrError.results.find((s: any) => s.name === 'all_pipelines_daily').scheduleState.status = 'RUNNING';
        return answer;
      },
      DataboxStartSchedule: handlers.DataboxStartSchedule!,
      DataboxBackfill: () => ({ data: { launchPartitionBackfill: { __typename: 'PythonError', message: 'dagster._core.errors.DagsterInvariantViolationError: no such partition\n' } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    // A teammate switches it on in Dagster's UI while the plan waits.
    startedInTheUi = true;
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the failure', () => slack.allText().includes('Recovery failed'), 60_000);
    const failure = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Recovery failed'))?.blocks);
    expect(started).toHaveLength(0);
    expect(slack.allText()).toContain('already running: all_pipelines_daily');
    expect(failure).toContain('Nothing was changed: it stopped before any step that changes data did anything.');
    // Before: "Changed before it stopped (still so now): • Start the paused schedules: already running: all_pipelines_daily".
    expect(failure).not.toContain('Changed before it stopped');
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(quickDaemonStart.DATABOX_RUNBOOKS_DIR), root: checkout.root, incidentId: incidentId as string }).markdown;
    expect(postmortem).not.toContain('Changed before it stopped');
  });

  /**
   * A teammate's backfill from Dagster's UI, still being carried out, of the marts over some of the diagnosed window; it
   * answers who launched it too (DataboxBackfillsLaunchedBy), each question reading only the fields it asked for.
   */
  const teammatesBackfill = {
    data: {
      partitionBackfillsOrError: {
        __typename: 'PartitionBackfills',
        results: [
          {
            id: 'qzvxkmwa',
            status: 'REQUESTED',
            partitionNames: ['2026-04-19', '2026-04-20'],
            assetSelection: [{ path: ['ebird', 'fct_daily_bird_observations'] }, { path: ['noaa', 'fct_daily_weather'] }],
            partitionSetName: null,
            timestamp: Date.parse('2026-04-21T08:40:00Z') / 1000,
            user: 'ana@example.com',
            title: null,
          },
        ],
      },
    },
  };
  const noBackfills = { data: { partitionBackfillsOrError: { __typename: 'PartitionBackfills', results: [] } } };

  it('refuses path B while Dagster carries out a backfill of the same assets over the window (a teammate\'s, from its UI): the refusal names it, who and when, its partitions, and how to cancel it; nothing is started', async () => {
    const launched: unknown[] = [];
    const { started, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({ DataboxAssetNodes: 'asset-nodes', DataboxRepositories: 'repositories', ...handlers, DataboxBackfillsInProgress: () => teammatesBackfill, DataboxBackfillsLaunchedBy: () => teammatesBackfill, DataboxBackfill: (request) => launched.push(request.variables), DataboxDaemonHealth: daemonHealthyNow(clock) });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness.command(`recover schedule path=b incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    const refusal = slack.responses.map((r) => String(r.body.text)).join('\n');
    expect(refusal).toContain('Dagster is already carrying out backfill qzvxkmwa launched 2026-04-21 08:40 UTC by ana@example.com (2 assets, 2 partitions 2026-04-19 … 2026-04-20)');
    expect(refusal).toContain('Overview → Backfills → qzvxkmwa → Cancel backfill');
    expect(started).toEqual([]);
    expect(launched).toEqual([]);
  });

  it('stops the plan before it starts any schedule when a backfill of the same partitions was launched in Dagster between the proposal and the approval: journaled and posted as its first step\'s failure, naming the backfill, nothing changed and no rollback offered', async () => {
    const launched: unknown[] = [];
    let teammateLaunched = false;
    const { started, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      ...handlers,
      DataboxBackfillsInProgress: () => (teammateLaunched ? teammatesBackfill : noBackfills),
      DataboxBackfillsLaunchedBy: () => teammatesBackfill,
      DataboxBackfill: (request) => launched.push(request.variables),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    expect(planStep(3)).toContain('GraphQL launchPartitionBackfill');
    expect(planStep(3)).not.toContain('could not be read');
    teammateLaunched = true;
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the failure', () => slack.allText().includes('Recovery failed'), 60_000);
    const failure = message('Recovery failed');
    expect(failure).toContain('stopped at *Start the paused schedules*: not started, nothing was changed: the step');
    expect(failure).toContain('Backfill the missed window (Dagster catches up at most the latest missed tick)');
    expect(failure).toContain('would clash: Dagster is already carrying out backfill qzvxkmwa');
    expect(failure).toContain('Nothing was changed: it stopped before any step that changes data did anything.');
    expect(started).toEqual([]);
    expect(launched).toEqual([]);
    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const finished = journal.filter((r) => r.type === 'step.finished').at(-1);
    expect(finished?.data.result).toMatchObject({ stepId: 'start_schedules', status: 'failed', untouched: true });
    expect(finished?.data.result.summary).toContain('Overview → Backfills → qzvxkmwa → Cancel backfill');
    expect(slack.buttons('request_rollback')).toHaveLength(0);
  });

  it('refuses path B, with no DAGSTER_LOCATION, to start a STOPPED copy of a schedule whose copy in another code location is RUNNING, naming both; with DAGSTER_LOCATION set it reads and starts that location\'s copy only, the plan naming it', async () => {
    const started: unknown[] = [];
    const copy = (status: string, lastIso: string) => {
      const tick = [{ timestamp: Date.parse(lastIso) / 1000, status: 'SUCCESS', error: null }];
      return { name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', scheduleState: { status, lastTick: tick, lastSuccess: tick } };
    };
    const twoLocations = ['databox.orchestration.definitions', 'other_team.definitions'];
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: () => ({ data: { repositoriesOrError: { __typename: 'RepositoryConnection', nodes: twoLocations.map((name) => ({ name: '__repository__', location: { name } })) } } }),
      DataboxWorkspace: () => ({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: twoLocations.map((name) => ({ name, loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } })) } } }),
      // The stack's copy RUNNING, another team's STOPPED since 04-17.
      DataboxSchedules: ({ variables }) => ({
        data: { schedulesOrError: { __typename: 'Schedules', results: [(variables.selector as any).repositoryLocationName === 'other_team.definitions' ? copy('STOPPED', '2026-04-17T06:00:00Z') : copy('RUNNING', '2026-04-21T06:00:00Z')] } },
      }),
      DataboxStartSchedule: ({ variables }) => (started.push(variables.selector), { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'RUNNING' } } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('recover schedule path=b from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily', operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    const refusal = slack.responses.map((r) => String(r.body.text)).join('\n');
    expect(refusal).toContain(
      'all_pipelines_daily is STOPPED in __repository__@other_team.definitions and RUNNING in __repository__@databox.orchestration.definitions: without DAGSTER_LOCATION the bot cannot tell which code location is the stack\'s',
    );
    expect(refusal).toContain('Set DAGSTER_LOCATION to the stack\'s code location');
    expect(started).toEqual([]);

    // Told which location is meant, the bot reads that one alone, and the plan names the copy it starts there.
    await harness.stop();
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DAGSTER_LOCATION: 'other_team.definitions', DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('recover schedule path=b from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily', operator);
    await harness.settle();
    expect(planStep(2)).toContain('# starts all_pipelines_daily in __repository__@other_team.definitions (STOPPED when this plan was made)');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the backfill step', () => /launched backfill|Backfill the missed window/.test(slack.allText()) && started.length > 0, 30_000);
    expect(started).toEqual([{ repositoryLocationName: 'other_team.definitions', repositoryName: '__repository__', scheduleName: 'all_pipelines_daily' }]);
  });

  it('rolls back path B by stopping exactly the schedule it started, by its state\'s id, not one already running, and says the backfill is not undone and how to cancel it', async () => {
    const stopped: unknown[] = [];
    const { started, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      ...handlers,
      DataboxBackfill: async () => (await fillMarts('2026-04-17', '2026-04-20'), graphqlFixture('backfill-success')),
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxScheduleState: ({ variables }) => ({
        data: { scheduleOrError: { __typename: 'Schedule', scheduleState: { id: `state-of-${(variables.selector as any).scheduleName}`, selectorId: 'sel-1', status: stopped.length > 0 ? 'STOPPED' : 'RUNNING' } } },
      }),
      DataboxStopSchedule: ({ variables }) => (stopped.push(variables), { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'STOPPED' } } } }),
    });
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    expect(started).toHaveLength(1);
    // The offer says what the rollback cannot undo. Before: "the rollback undoes what it changed", the backfill unsaid.
    const offer = String(slack.callsTo('chat.postMessage').find((p) => p.text === 'A rollback is available')?.blocks);
    expect(offer).toContain('the rollback undoes what it can of what it changed (its plan shows each step first). It cannot undo the backfill it launched (lxkdvmpa), whose runs go on writing the marts: cancel it in the Dagster UI (Overview → Backfills → lxkdvmpa → Cancel backfill)');
    expect(offer).not.toContain('the rollback undoes what it changed (');
    // soda_freshness_hourly was RUNNING before the recovery: the rollback does not touch it.
    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    const rollback = planStep(1);
    expect(rollback).toContain('GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions');
    expect(rollback).not.toContain('soda_freshness_hourly');
    const rollbackPlan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1)?.blocks);
    expect(rollbackPlan).toContain(
      '# not undone by this rollback: of what the recovery changed, the backfill it launched (lxkdvmpa), whose runs go on writing the marts: cancel it in the Dagster UI (Overview → Backfills → lxkdvmpa → Cancel backfill).',
    );
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback', () => /Rollback (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Rollback succeeded');
    expect(stopped).toEqual([{ id: 'state-of-all_pipelines_daily' }]);
  });

  it('shows in the rollback plan each schedule\'s state when proposed, and leaves one paused by hand since and started again while the plan waited as it is', async () => {
    const stopped: unknown[] = [];
    let byHand: 'RUNNING' | 'STOPPED' = 'RUNNING';
    const { handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      ...handlers,
      DataboxBackfill: async () => (await fillMarts('2026-04-17', '2026-04-20'), graphqlFixture('backfill-success')),
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxScheduleState: ({ variables }) => ({
        data: { scheduleOrError: { __typename: 'Schedule', scheduleState: { id: `state-of-${(variables.selector as any).scheduleName}`, selectorId: 'sel-1', status: stopped.length > 0 ? 'STOPPED' : byHand } } },
      }),
      DataboxStopSchedule: ({ variables }) => (stopped.push(variables), { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'STOPPED' } } } }),
    });
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    // A teammate pauses it in Dagster's UI; the rollback is asked for.
    byHand = 'STOPPED';
    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    // Before: only "GraphQL stopRunningSchedule: all_pipelines_daily in …", no word of its state.
    expect(planStep(1)).toContain(
      'GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions (STOPPED when this plan was made: paused since the recovery started it, so left as it is, and left as is too if it is started again by the time this runs)',
    );
    // Someone else starts it again by hand, on purpose, while the plan waits.
    byHand = 'RUNNING';
    await bot.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await bot.settle();
    await slack.waitFor('the rollback', () => /Rollback (succeeded|failed)/.test(slack.allText()), 60_000);
    // Before: stopped, overriding the teammate's start.
    expect(stopped).toEqual([]);
    expect(slack.allText()).toContain('all_pipelines_daily in __repository__@databox.orchestration.definitions: changed by hand since: left as is (STOPPED when this plan was made, RUNNING now: started again since, not by the recovery)');
  });

  it('leaves as is, and names in the rollback plan and its outcome, a schedule stopped and started again by hand between the recovery and the rollback: Dagster gave it another start time', async () => {
    const dagster = new DagsterScheduleStates(clock);
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: () => {
        const answer = graphqlFixture('schedules-paused') as any;
        answer.data.schedulesOrError.results.find((s: any) => s.name === 'all_pipelines_daily').scheduleState.status = dagster.status('all_pipelines_daily');
        return answer;
      },
      ...dagster.handlers,
      DataboxBackfill: async () => (await fillMarts('2026-04-17', '2026-04-20'), graphqlFixture('backfill-success')),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    const bot = (harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    const byRecovery = dagster.startTimestamp('all_pipelines_daily') as number;
    // A teammate pauses it in Dagster's UI and, a minute later, switches it on again: RUNNING as after the recovery.
    dagster.stop('all_pipelines_daily');
    later += 60_000;
    dagster.start('all_pipelines_daily');
    const byHand = dagster.startTimestamp('all_pipelines_daily') as number;
    const utc = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    const restarted = `stopped and started again since the recovery started it: Dagster says it was started ${utc(byHand)}, the recovery's start was ${utc(byRecovery)}`;
    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    // Before: "(RUNNING when this plan was made)", and the teammate's start stopped.
    expect(planStep(1)).toContain(
      `GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions (RUNNING when this plan was made, but ${restarted}: a start by hand, not the recovery's, so left as it is)`,
    );
    await bot.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await bot.settle();
    await slack.waitFor('the rollback', () => /Rollback (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(dagster.stopRequests).toEqual([]);
    expect(dagster.status('all_pipelines_daily')).toBe('RUNNING');
    expect(slack.allText()).toContain(`all_pipelines_daily in __repository__@databox.orchestration.definitions: changed by hand since: left as is (${restarted}, not by the recovery)`);
  });

  it('offers no rollback after a recovery that started no schedule: each planned copy was already RUNNING when it ran', async () => {
    let startedInTheUi = false;
    const { started, handlers } = pausedUntilStarted('schedules-paused', 'all_pipelines_daily');
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: (request) => {
        const answer = (handlers.DataboxSchedules as (body: unknown) => any)(request);
        if (startedInTheUi) answer.data.schedulesOrError.results.find((s: any) => s.name === 'all_pipelines_daily').scheduleState.status = 'RUNNING';
        return answer;
      },
      DataboxStartSchedule: handlers.DataboxStartSchedule!,
      DataboxBackfill: async () => (await fillMarts('2026-04-17', '2026-04-20'), graphqlFixture('backfill-success')),
      DataboxDaemonHealth: daemonHealthyNow(clock),
    });
    checkout.behave({ 'task verify': { stdout: 'verify: 4 marts fresh\n' } });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    expect(planStep(2)).toContain('# starts all_pipelines_daily in __repository__@databox.orchestration.definitions (STOPPED when this plan was made)');
    // Someone starts it in Dagster's UI between the plan and its approval: the run finds it RUNNING and starts nothing.
    startedInTheUi = true;
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    await bot.settle();
    expect(started).toHaveLength(0);
    expect(slack.allText()).toContain('already running: all_pipelines_daily');
    expect(slack.buttons('request_rollback')).toHaveLength(0);
  });

  it('a start whose answer was lost may have started the schedule: the rollback offered stops that copy, and one found STOPPED is left as it is', async () => {
    const stateAsked: unknown[] = [];
    const stopped: unknown[] = [];
    serveDagster({
      DataboxAssetNodes: 'asset-nodes',
      DataboxRepositories: 'repositories',
      DataboxSchedules: 'schedules-paused',
      // An answer with no status: whether it started is not known.
      DataboxStartSchedule: () => ({ data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: {} } } }),
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxScheduleState: ({ variables }) => (
        stateAsked.push(variables.selector),
        { data: { scheduleOrError: { __typename: 'Schedule', scheduleState: { id: 'state-1', selectorId: 'sel-1', status: 'STOPPED' } } } }
      ),
      DataboxStopSchedule: ({ variables }) => (stopped.push(variables), { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: { status: 'STOPPED' } } } }),
    });
    const bot = (harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock));
    await bot.command('diagnose schedule', operator);
    await bot.settle();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await bot.command(`recover schedule path=b incident=${incidentId}`, operator);
    await bot.settle();
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0, 60_000);
    expect(slack.allText()).toContain('not known whether started (no usable answer came back): all_pipelines_daily');
    await bot.click(slack.buttons('request_rollback').at(-1)!, operator);
    await bot.settle();
    expect(planStep(1)).toContain('GraphQL stopRunningSchedule: all_pipelines_daily in __repository__@databox.orchestration.definitions');
    await bot.click(slack.buttons('approve_plan').at(-1)!, operator);
    await bot.settle();
    await slack.waitFor('the rollback', () => /Rollback (succeeded|failed)/.test(slack.allText()), 60_000);
    expect(slack.allText()).toContain('Rollback succeeded');
    // Asked when the plan was made (shown in it) and right before it stops anything.
    const copy = { repositoryLocationName: 'databox.orchestration.definitions', repositoryName: '__repository__', scheduleName: 'all_pipelines_daily' };
    expect(stateAsked).toEqual([copy, copy]);
    expect(stopped).toEqual([]);
  });

  it('path B without the webserver starts the schedules the operator names (the CLI cannot tell which are paused), one CLI call each', async () => {
    checkout.behave({
      'uv run dagster-daemon liveness-check': { stdoutFile: 'dagster/cli/liveness-live.txt' },
      'uv run dagster schedule list': { stdoutFile: 'dagster/cli/schedule-list-stopped.txt' },
      'uv run dagster instance info': { stdoutFile: 'dagster/cli/instance-info.txt' },
      'uv run dagster schedule start all_pipelines_daily -f packages/databox/databox/orchestration/definitions.py': { stdout: 'Started schedule all_pipelines_daily\n' },
      [backfillCommand]: { stdoutFile: 'dagster/cli/job-backfill.txt', sql: backfillMartsSql, params: ['arg:--from', 'arg:--to'] },
      'task verify': { stdout: 'verify: 4 marts fresh\n' },
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('Schedules paused');
    expect(message('Verdict:')).toContain('backfill an unknown window (the Dagster CLI gives no tick times: give from= and to=');
    expect(message('Verdict:')).toContain('a STOPPED schedule switched off on purpose cannot be told from a paused one');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];

    // The CLI cannot tell which STOPPED schedule is paused: nothing is proposed to start until the operator names it.
    const unnamed = await harness.command(`recover schedule path=b from=2026-04-17 to=2026-04-20 incident=${incidentId}`, operator);
    expect(unnamed.status).toBe(200);
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain('schedules=');
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    const typed = await harness.command(`recover schedule path=b from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily incident=${incidentId}`, operator);
    expect(typed.status).toBe(200);
    await harness.settle();
    expect(planStep(2)).toContain('uv run dagster schedule start all_pipelines_daily -f packages/databox/databox/orchestration/definitions.py');
    expect(planStep(2)).not.toContain('--start-all');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    await slack.waitFor('the validation', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    const starts = checkout.calls().filter((c) => c.args.includes('start')).map((c) => c.command);
    expect(starts).toEqual(['uv run dagster schedule start all_pipelines_daily -f packages/databox/databox/orchestration/definitions.py']);
  });

  it('path A without the webserver says in its plan that the STOPPED schedules stay off unless schedules= names them, as the verdict does', async () => {
    checkout.behave({
      'uv run dagster-daemon liveness-check': { stdoutFile: 'dagster/cli/liveness-not-running.txt', exit: 1 },
      'uv run dagster schedule list': { stdoutFile: 'dagster/cli/schedule-list-stopped.txt' },
      'uv run dagster instance info': { stdoutFile: 'dagster/cli/instance-info.txt' },
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    expect(message('Verdict:')).toContain('Dagster daemon stopped');
    expect(message('Verdict:')).toContain('none is proposed to start (name those to start with schedules=)');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    const plan = () => String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1)?.blocks);
    await harness.command(`recover schedule path=a from=2026-04-17 to=2026-04-20 incident=${incidentId}`, operator);
    await harness.settle();
    expect(plan()).toContain(
      'Left out, as schedules= was not given: Start the schedules also found paused (no schedule is started: the Dagster CLI gives no tick times, so a paused schedule cannot be told from one switched off on purpose, and the STOPPED ones (all_pipelines_daily) stay off unless schedules= names them)',
    );
    // Named, the schedule is started by a step of the plan, which says that no other one is: no note then.
    await harness.command(`recover schedule path=a from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily incident=${incidentId}`, 'U0OTHER');
    await harness.settle();
    expect(planStep(2)).toContain('one already running is left as it is, and no other schedule is started');
    expect(plan()).not.toContain('Left out');
  });

  /** The recorded answer with the daily schedule STOPPED as well (the daemon was stopped and the schedule paused), diagnosed. */
  async function diagnoseDaemonStoppedAndSchedulePaused(): Promise<Harness> {
    dagsterStoppedUntilStarted({}, () => {
      const answer = graphqlFixture('schedules-daemon-stopped') as any;
      answer.data.schedulesOrError.results[0].scheduleState.status = 'STOPPED';
      return answer;
    });
    const started = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await started.command('diagnose schedule', operator);
    await started.settle();
    return started;
  }

  it('with the daemon stopped and a schedule paused too, path A\'s plan starts that schedule beside the daemon', async () => {
    harness = await diagnoseDaemonStoppedAndSchedulePaused();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Dagster daemon stopped');
    expect(verdict).toContain('schedules also STOPPED: all_pipelines_daily');
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const prefilled = prefilledValues(modal);
    expect(prefilled).toEqual({ from: '2026-04-17', to: '2026-04-20', schedules: 'all_pipelines_daily' });
    await harness.submitModal(operator, modal, prefilled);
    await harness.settle();
    expect(planStep(2)).toContain('Start the schedules also found paused');
    expect(planStep(2)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');
  });

  it("fails the validation naming a schedule still STOPPED after the start, though Dagster answered RUNNING and the marts are fresh: the cause is re-read, not taken for gone", async () => {
    // The start is answered RUNNING, but the webserver goes on listing the schedule STOPPED (the tester's stand-in did).
    const started = await pathAThroughValidation((answer) => {
      answer.data.schedulesOrError.results[0].scheduleState.status = 'STOPPED';
    });
    expect(message('Verdict:')).toContain('schedules also STOPPED: all_pipelines_daily');

    expect(started).toHaveLength(1);
    expect(slack.allText()).toContain('started all_pipelines_daily');
    expect(slack.allText()).not.toContain('Validation succeeded');
    expect(slack.allText()).toContain('Validation failed');
    expect(slack.allText()).toContain('Dagster is not running again: schedule still STOPPED: all_pipelines_daily');
    // Not waited on for 2 h: with Dagster still stopped the thread says what to start, and how to validate again.
    expect(slack.allText()).not.toMatch(/all 4 marts within their SLA/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    expect(slack.allText()).toContain(`The cause is still there: Dagster is not running again: schedule still STOPPED: all_pipelines_daily.`);
    // The list checked is the one the recovery was given, and the outcome says so.
    expect(slack.allText()).toMatch(new RegExp(`Schedules checked: all_pipelines_daily \\(as recovery [^ ]+ \\(path a\\) of incident ${incidentId} was given it\\)`));
    expect(slack.allText()).toContain(`/databox validate schedule from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily incident=${incidentId}`);
    // Nothing resumed failed: scenario 2's advice for failed runs is not offered.
    expect(slack.allText()).not.toContain('diagnose backfill source=ebird');
    expect(slack.buttons(/^open_follow_up_\d+$/)).toHaveLength(0);
    const validation = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'dagster' && r.data.result.outputs?.schedulesStopped !== undefined);
    expect(validation?.data.result).toMatchObject({ status: 'still-stopped', outputs: { schedulesStopped: 'all_pipelines_daily', daemonsStopped: '' } });
  });

  it('a validation typed without schedules= checks the schedules the diagnosis found paused (no recovery yet), and says where that list came from; with no incident, the daemon alone, saying how to name them', async () => {
    harness = await diagnoseDaemonStoppedAndSchedulePaused();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness.command(`validate schedule incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.allText()).toContain('Validation failed');
    expect(slack.allText()).toContain('schedule still STOPPED: all_pipelines_daily');
    expect(slack.allText()).toContain(`Schedules checked: all_pipelines_daily (as the diagnosis of incident ${incidentId} found it (verdict: Dagster daemon stopped`);
    // The follow-up's command to validate again names them.
    expect(slack.allText()).toContain(`/databox validate schedule schedules=all_pipelines_daily incident=${incidentId}`);

    await harness.command('validate schedule', operator);
    await harness.settle();
    expect(slack.allText()).toContain(
      'The daemon only was checked, no schedule (no incident= was given, so no recovery or diagnosis to take schedules= from): name the schedules to check with schedules=a,b',
    );
  });

  it("waits on the marts when Dagster cannot be read after the start, and says the cause is unchecked: not that the resumed runs failed", async () => {
    // Once started, the webserver lists no schedule of that name (its code location reloading, say): nothing to judge it by.
    await pathAThroughValidation((answer, started) => {
      if (started) answer.data.schedulesOrError.results = answer.data.schedulesOrError.results.filter((s: any) => s.name !== 'all_pipelines_daily');
      else answer.data.schedulesOrError.results[0].scheduleState.status = 'STOPPED';
    });

    expect(slack.allText()).toContain('Validation failed');
    expect(slack.allText(), 'the marts were waited on').toMatch(/all 4 marts within their SLA/);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    expect(slack.allText()).toContain(
      'The marts are back, but whether the daemon heartbeats and the schedules started run could not be checked: whether Dagster runs again cannot be told: Dagster lists no schedule all_pipelines_daily',
    );
    expect(slack.allText()).toContain(`/databox validate schedule from=2026-04-17 to=2026-04-20 schedules=all_pipelines_daily incident=${incidentId}`);
    expect(slack.allText()).not.toContain('diagnose backfill source=ebird');
    expect(slack.buttons(/^open_follow_up_\d+$/)).toHaveLength(0);
  });

  it('refuses schedules= given empty where the path needs it (B), typed, quoted or at the terminal; on path A empty is none, in a command or the form; left out, it is the diagnosis\' list', async () => {
    harness = await diagnoseDaemonStoppedAndSchedulePaused();
    expect(message('Verdict:')).toContain('schedules also STOPPED: all_pipelines_daily');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    const typedRefusal =
      'schedules= is empty: name at least one, e.g. schedules=all_pipelines_daily, or leave schedules= out to use what the diagnosis found (all_pipelines_daily)';

    for (const empty of ['schedules=', 'schedules=""']) {
      expect((await harness.command(`recover schedule path=b ${empty} incident=${incidentId}`, operator)).status).toBe(200);
      await harness.settle();
      expect(String(slack.responses.at(-1)?.body.text)).toContain(typedRefusal);
    }
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    const refused = journalRecordsOf(checkout).filter((r) => r.type === 'request.refused');
    expect(refused.map((r) => r.data.reason)).toEqual([expect.stringContaining(typedRefusal), expect.stringContaining(typedRefusal)]);

    // Path A can do without it: the form's schedules field cleared (Slack sends null) asks for the daemon alone.
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const cleared = await harness.submitModal(operator, modal, { from: '2026-04-17', to: '2026-04-20', schedules: null });
    expect(cleared.json ?? {}).not.toHaveProperty('response_action', 'errors');
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(slack.allText()).not.toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');

    // Left out, the schedules are the ones the diagnosis found, as before.
    await harness.command(`recover schedule path=a incident=${incidentId}`, 'U0OTHER');
    await harness.settle();
    expect(planStep(2)).toContain('GraphQL startSchedule, one at a time: all_pipelines_daily');

    // The terminal reads the same command line and refuses it the same way.
    await harness.stop();
    harness = undefined;
    const terminal = scriptedTerminal({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DAGSTER_URL: dagsterUrl, USER: 'alice', LOG_LEVEL: 'error' }, () => null);
    expect(await runCli(['recover', 'schedule', 'path=b', 'schedules=', `incident=${incidentId}`, '--approver', 'bob'], terminal.io)).toBe(2);
    expect(terminal.stderr()).toContain(typedRefusal);
  });

  it('refuses a window reaching today, typed or in the form: its daily partition does not exist yet, so the backfill would fail after the daemon was started', async () => {
    harness = await diagnoseDaemonStoppedAndSchedulePaused();
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    const refusal = 'to=2026-04-21 is not over yet (today is 2026-04-21 UTC): the last day that can be given is yesterday, 2026-04-20';
    const why = 'a backfill of it would fail, as Dagster has no daily partition of a day until it is over';

    await harness.command(`recover schedule path=a from=2026-04-17 to=2026-04-21 incident=${incidentId}`, operator);
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain(`${refusal}; ${why}`);
    expect(slack.allText()).not.toContain('The window takes in today');

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const submitted = await harness.submitModal(operator, slack.lastForm(), { from: '2026-04-17', to: '2026-04-21', schedules: 'all_pipelines_daily' });
    expect(submitted.json?.errors?.to).toContain(refusal);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(0);
    expect(checkout.calls().some((c) => c.command === 'uv run dagster-daemon run')).toBe(false);
  });

  it('ends the window, and refuses a typed to=, at the last day over where every schedule runs: west of UTC that is still yesterday\'s day until its midnight', async () => {
    // 06:00 UTC on 2026-04-21: 23:00 on 2026-04-20 in Los Angeles, whose partition of that day does not exist yet.
    later = -3 * 3_600_000;
    dagsterStoppedUntilStarted({}, () => {
      const answer = graphqlFixture('schedules-daemon-stopped') as any;
      const daily = answer.data.schedulesOrError.results[0];
      answer.data.schedulesOrError.results.push({ ...daily, name: 'noaa_daily', cronSchedule: '0 7 * * *', executionTimezone: 'America/Los_Angeles' });
      return answer;
    });
    harness = await startBot(checkout, slack, { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose schedule', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    // The UTC schedule missed 2026-04-20 too, but no window may name it before it is over in Los Angeles.
    expect(verdict).toContain(`/databox recover schedule path=a from=2026-04-16 to=2026-04-19 incident=${incidentId}`);
    expect(verdict).toContain('schedule noaa_daily runs in America/Los_Angeles, where 2026-04-20 is not over yet: the window ends 2026-04-19');

    await harness.command(`recover schedule path=a from=2026-04-17 to=2026-04-20 incident=${incidentId}`, operator);
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toContain(
      'to=2026-04-20 is not over yet in America/Los_Angeles, where a schedule the diagnosis found runs (today is 2026-04-20 there): the last day that can be given is yesterday there, 2026-04-19, the last day over in every timezone the schedules run in; a backfill of it would fail',
    );
    expect(slack.buttons('approve_plan')).toHaveLength(0);

    // The day before is over everywhere: proposed.
    await harness.command(`recover schedule path=a from=2026-04-17 to=2026-04-19 incident=${incidentId}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    // Without a diagnosis the bot knows no timezone: UTC's yesterday is the last day, as before.
    await harness.command('recover schedule path=a from=2026-04-17 to=2026-04-20', 'U0OTHER');
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(2);
    expect(checkout.calls().some((c) => c.command === 'uv run dagster-daemon run')).toBe(false);
  });

  it('opens a scenario-4 incident thread from the daemon watcher\'s alert button', async () => {
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-daemon-stopped' });
    harness = await startBot(
      checkout,
      slack,
      { ...quickDaemonStart, DAGSTER_URL: dagsterUrl, DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false' },
      clock,
    );
    await slack.waitFor('the daemon alert', () => slack.buttons('open_incident_from_alert').length === 1);
    const [button] = slack.buttons('open_incident_from_alert');
    expect(JSON.parse(button!.value)).toEqual({ scenario: 'schedule', watcher: 'daemon' });
    await harness.click(button!, 'U0ONCALL');
    await harness.settle();
    const root = slack.callsTo('chat.postMessage').find((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-'));
    expect(root).toMatchObject({ channel: 'C0ALERTS' });
    expect(String(root?.text)).toMatch(/^Incident dbx-\d{8}-[0-9a-f]{4}: Dagster daemon stopped or schedules paused/);
    expect(message('Verdict:')).toContain('Dagster daemon stopped');
    // With no schedule paused, the command to type names none: schedules= is optional for path A, and "…" would ask for one.
    expect(message('Verdict:')).toMatch(/Or type `\/databox recover schedule path=a from=\d{4}-\d\d-\d\d to=\d{4}-\d\d-\d\d incident=dbx-\d{8}-[0-9a-f]{4}`/);

    // Where the operator reads the incident's headline, nothing says the schedules were paused: the scenario's title
    // covers both causes, and the verdict beside it names what was found.
    const incidentId = /^Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(String(root?.text))?.[1] as string;
    const rootNow = String(slack.messages().find((m) => !m.threadTs && m.text.startsWith(`Incident ${incidentId}`))?.blocks);
    expect(rootNow).toContain('Dagster daemon stopped or schedules paused');
    expect(rootNow).toContain('verdict: *Dagster daemon stopped*');
    const status = String((await harness.command('status', 'U0ONCALL')).json?.text);
    expect(status).toContain(`\`${incidentId}\` Dagster daemon stopped or schedules paused`);
    expect(status).toContain('verdict: Dagster daemon stopped');
    await harness.command(`postmortem ${incidentId}`, 'U0ONCALL');
    await harness.settle();
    const postmortem = fs.readFileSync(`${checkout.stateDir}/postmortems/${incidentId}.md`, 'utf8');
    expect(postmortem).toContain(`# Postmortem ${incidentId}: Dagster daemon stopped or schedules paused`);
    expect(postmortem).toContain('| Verdict | Dagster daemon stopped |');
    for (const shown of [String(root?.text), rootNow, status, postmortem]) expect(shown).not.toMatch(/paused Dagster schedules/i);
  });
});
