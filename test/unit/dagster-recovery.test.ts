// Scenario 4's recovery pieces: the daemon started detached and checked for heartbeats (one that exits at once fails with
// its output), the backfill of the diagnosed window through the CLI or GraphQL, and the wait-until loop timing out clearly.
import fs from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backfillArgv, runBackfill } from '../../src/dagster/backfill.js';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { daemonAlreadyRunning, startDaemon } from '../../src/dagster/start-daemon.js';
import { mayHaveChanged } from '../../src/engine/may-have-changed.js';
import { changedBeforeStopping, changedNothingSaid, failedChangingNothing } from '../../src/engine/step-passed.js';
import { runDagsterDaemonStartStep, type DagsterDaemonStartStep } from '../../src/engine/steps/dagster-daemon-start-step.js';
import { ranSteps } from '../../src/incidents/rollback-parts.js';
import { changedSomething, type Run } from '../../src/incidents/state.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runDagsterBackfillStep, type DagsterBackfillStep } from '../../src/engine/steps/dagster-backfill-step.js';
import { waitUntil } from '../../src/engine/wait-until.js';
import { processAlive } from '../../src/process/alive.js';
import { runCommand } from '../../src/process/run-command.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { dagsterUrl, graphqlFixture, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
let checkout: Checkout;
const started: number[] = [];
beforeEach(() => {
  withStandinPath();
  checkout = new Checkout();
});
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  nock.cleanAll();
  checkout.remove();
});

const client = () => new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000 });

function request(overrides: Partial<Parameters<typeof startDaemon>[0]> = {}): Parameters<typeof startDaemon>[0] {
  return {
    argv: ['uv', 'run', 'dagster-daemon', 'run'],
    cwd: checkout.root,
    logFile: checkout.path('var', 'daemons', 'dagster-daemon.log'),
    settleMs: 500,
    heartbeatWaitMs: 3_000,
    pollMs: 200,
    client: client(),
    runCommand,
    livenessArgv: ['uv', 'run', 'dagster-daemon', 'liveness-check'],
    clock: () => new Date(),
    ...overrides,
  };
}

/** Dagster's answer once the new daemon has heartbeated: every daemon of the recorded answer, heartbeating now. */
function heartbeatingNow() {
  const answer = graphqlFixture('daemon-health-healthy') as { data: { instance: { daemonHealth: { allDaemonStatuses: { lastHeartbeatTime: number | null; required: boolean }[] } } } };
  for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = Date.now() / 1000;
  return answer;
}

describe('starting the daemon', () => {
  it('starts it detached, journals-worthy PID and start time, and sees it heartbeat', async () => {
    checkout.behave({ 'uv run dagster-daemon run': { stdout: '2026-04-21 09:00:03 +0000 - dagster.daemon - INFO - Instance is configured with the following daemons: [\'AssetDaemon\', \'BackfillDaemon\', \'SchedulerDaemon\', \'SensorDaemon\']\n', sleepMs: 30_000 } });
    serveDagster({ DataboxDaemonHealth: () => heartbeatingNow() });
    const result = await startDaemon(request());
    if (result.pid) started.push(result.pid);
    expect(result).toMatchObject({ status: 'ok', pid: expect.any(Number), startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(result.summary).toMatch(/^started PID \d+ at \d\d:\d\d:\d\d UTC, left running \(output in .*dagster-daemon\.log\); every required daemon \(SCHEDULER, SENSOR, BACKFILL, ASSET, QUEUED_RUN_COORDINATOR\) heartbeated since the start$/);
    // Its output goes to the log file (on a loaded machine it may print after the heartbeat is seen).
    for (let i = 0; i < 100 && !fs.readFileSync(request().logFile, 'utf8').includes('Instance is configured'); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(fs.readFileSync(request().logFile, 'utf8')).toContain('Instance is configured with the following daemons');
    expect(processAlive(result.pid as number)).toBe(true);
  });

  it('fails a daemon that exits at once, with its output shown', async () => {
    checkout.behave({
      'uv run dagster-daemon run': {
        stderr: 'dagster._core.errors.DagsterHomeNotSetError: The environment variable $DAGSTER_HOME is not set and no instance was passed.\n',
        exit: 1,
      },
    });
    // A few seconds, as the runbook's step waits: room for the process to start and fail on a loaded machine.
    const result = await startDaemon(request({ settleMs: 5_000 }));
    expect(result.status).toBe('exited');
    expect(result.summary).toMatch(/^uv run dagster-daemon run exited at once with code 1; its output is below and in /);
    expect(result.output).toContain('DagsterHomeNotSetError');
  });

  it('reports a daemon that runs but never heartbeats, after the wait, and leaves it running', async () => {
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 30_000 }, 'uv run dagster-daemon liveness-check': { stdout: 'Daemon(s) not running\n', exit: 1 } });
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const result = await startDaemon(request({ heartbeatWaitMs: 1_000 }));
    if (result.pid) started.push(result.pid);
    expect(result.status).toBe('not-heartbeating');
    expect(result.summary).toMatch(/^PID \d+ is running but not heartbeating after 2 s \(uv run dagster-daemon liveness-check: Daemon\(s\) not running\)/);
  });

  it('says a start whose heartbeat never came may have changed something: the daemon it left running, which a rollback bound to it stops', async () => {
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 30_000 }, 'uv run dagster-daemon liveness-check': { stdout: 'Daemon(s) not running\n', exit: 1 } });
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const step = { id: 'start_daemon', kind: 'dagster-daemon-start', title: 'Start the daemon', settle: '500ms', heartbeatWait: '1s', argv: ['uv', 'run', 'dagster-daemon', 'run'], cwd: checkout.root, mutates: true, destructive: false, acceptStatuses: [], timeoutMs: 60_000, guard: false } as unknown as DagsterDaemonStartStep;
    const ctx = { root: checkout.root, stateDir: checkout.path('var'), incidentId: 'dbx-20260421-0a1b', runCommand, redact: (text: string) => text, clock: () => new Date(), dagster: { client: client(), heartbeatMaxAgeMs: 60_000 } } as unknown as StepRunContext;
    const result = await runDagsterDaemonStartStep(step, ctx);
    if (typeof result.outputs.pid === 'number') started.push(result.outputs.pid);
    expect(result).toMatchObject({ status: 'not-heartbeating', outputs: { pid: expect.any(Number) } });
    expect(mayHaveChanged('dagster-daemon-start', result)).toBe(true);
    const run = { status: 'failed', startedAt: '2026-04-21T09:00:00.000Z', steps: [step], results: [{ stepId: 'start_daemon', ...result }] } as unknown as Run;
    // The run changed something (the process it left), and a rollback part bound to the start (onlyIfRan) is in the rollback.
    expect(changedSomething(run)).toBe(true);
    expect([...ranSteps(run)]).toEqual(['start_daemon']);
    expect(changedBeforeStopping(run.steps, run.results)).toEqual([expect.objectContaining({ partly: true, summary: expect.stringContaining(`it left the daemon it started running as PID ${result.outputs.pid}`) })]);
  });

  it('says a start the engine stopped waiting for (timeout, no outputs) may have left a daemon running, and one that exited did not', () => {
    expect(mayHaveChanged('dagster-daemon-start', { status: 'timeout', outputs: {} })).toBe(true);
    expect(mayHaveChanged('dagster-daemon-start', { status: 'exited', outputs: { pid: 4242, startedAt: '', logFile: '' } })).toBe(false);
    // The earlier plan's daemon it found still running is not its own.
    expect(mayHaveChanged('dagster-daemon-start', { status: 'not-heartbeating', untouched: true, outputs: { pid: null, startedAt: '', logFile: '' } })).toBe(false);
  });
});

/** Dagster's answer with each required daemon's last heartbeat `ageS[type]` seconds (5 unless given) before `dagsterNow`. */
function heartbeatsAged(dagsterNow: () => number, ageS: Record<string, number> = {}) {
  return () => {
    const answer = graphqlFixture('daemon-health-healthy') as { data: { instance: { daemonHealth: { allDaemonStatuses: { daemonType: string; lastHeartbeatTime: number | null; required: boolean }[] } } } };
    for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) if (d.required) d.lastHeartbeatTime = dagsterNow() / 1000 - (ageS[d.daemonType] ?? 5);
    return answer;
  };
}

describe('whether a daemon already runs, before starting one', () => {
  it('takes any daemon heartbeating within the threshold for a running daemon process: one lagging beside it gets no second daemon', async () => {
    serveDagster({ DataboxDaemonHealth: heartbeatsAged(Date.now, { SENSOR: 240 }) });
    expect(await daemonAlreadyRunning(request(), 180)).toMatch(/^a daemon heartbeated within the last 3 min by Dagster's clock: SCHEDULER 5\.\d s ago, BACKFILL 5\.\d s ago, ASSET 5\.\d s ago, QUEUED_RUN_COORDINATOR 5\.\d s ago$/);
    nock.cleanAll();
    // Stopped: the same heartbeats at the second look (there is no Date header, so it is taken).
    const stoppedAt = Date.now();
    serveDagster({ DataboxDaemonHealth: heartbeatsAged(() => stoppedAt, { SCHEDULER: 600, SENSOR: 600, BACKFILL: 600, ASSET: 600, QUEUED_RUN_COORDINATOR: 600 }) });
    expect(await daemonAlreadyRunning(request({ recheckMs: 100 }), 180)).toBeUndefined();
  });

  it("judges the heartbeats by Dagster's clock (its webserver's Date header): a bot's clock 3 min ahead neither starts a second daemon nor misses the new one's heartbeat", async () => {
    const botClock = () => new Date(Date.now() + 3 * 60_000);
    serveDagster({ DataboxDaemonHealth: heartbeatsAged(Date.now) }, dagsterUrl, () => new Date());
    expect(await daemonAlreadyRunning(request({ clock: botClock }), 180)).toMatch(/^a daemon heartbeated within the last 3 min by Dagster's clock: SCHEDULER /);

    // Started while none runs: its first heartbeats, stamped by Dagster's clock, are after the start by that clock too.
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: () => heartbeatingNow() }, dagsterUrl, () => new Date());
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 30_000 } });
    const result = await startDaemon(request({ clock: botClock }));
    if (result.pid) started.push(result.pid);
    expect(result.status, result.summary).toBe('ok');
  });
});

describe('whether a daemon already runs, with no Date header and the bot\'s clock ahead', () => {
  it("takes a heartbeat newer at a second look for a running daemon process, whatever the bot's clock says of its age: no second daemon", async () => {
    const botClock = () => new Date(Date.now() + 10 * 60_000);
    serveDagster({ DataboxDaemonHealth: heartbeatsAged(Date.now) });
    expect(await daemonAlreadyRunning(request({ clock: botClock, recheckMs: 100 }), 180)).toMatch(
      /^a daemon heartbeated between two looks 100 ms apart; Dagster's webserver sent no Date header, and its newest heartbeat is 10 min \d+(\.\d+)? s before the bot's clock, so the bot's clock is ahead of Dagster's$/,
    );
  });

  it("sees a daemon it started heartbeat by heartbeats newer than before the start, not by the bot's clock", async () => {
    const botClock = () => new Date(Date.now() + 10 * 60_000);
    serveDagster({ DataboxDaemonHealth: () => heartbeatingNow() });
    checkout.behave({ 'uv run dagster-daemon run': { sleepMs: 30_000 } });
    const result = await startDaemon(request({ clock: botClock }));
    if (result.pid) started.push(result.pid);
    expect(result.status, result.summary).toBe('ok');
  });
});

describe('the backfill of the missed window', () => {
  const window = { from: '2026-04-18', to: '2026-04-20' };
  const cli = { job: 'all_pipelines', definitionsFile: 'packages/databox/databox/orchestration/definitions.py' };

  it('runs dagster job backfill with the window, flags as in the Dagster CLI, and reads the backfill id', async () => {
    const argv = backfillArgv(cli, window);
    checkout.behave({ [argv.join(' ')]: { stdoutFile: 'dagster/cli/job-backfill.txt' } });
    const result = await runBackfill({ window, assetKeys: [], cli, cwd: checkout.root, runCommand, timeoutMs: 10_000, incidentId: 'dbx-20260421-0a1b' });
    expect(result).toMatchObject({ status: 'ok', via: 'cli', backfillId: 'wqbqzyhx', summary: 'launched backfill wqbqzyhx for 2026-04-18 to 2026-04-20' });
    expect(checkout.calls().map((c) => c.args)).toEqual([
      ['run', 'dagster', 'job', 'backfill', '-j', 'all_pipelines', '--from', '2026-04-18', '--to', '2026-04-20', '--noprompt', '-f', 'packages/databox/databox/orchestration/definitions.py'],
    ]);
  });

  it('fails when the CLI refuses the window, with its output', async () => {
    const argv = backfillArgv(cli, window);
    checkout.behave({ [argv.join(' ')]: { stderr: "Usage: dagster job backfill [OPTIONS]\n\nError: invalid value 2026-04-20 for to\n", exit: 2 } });
    const result = await runBackfill({ window, assetKeys: [], cli, cwd: checkout.root, runCommand, timeoutMs: 10_000, incidentId: 'dbx-20260421-0a1b' });
    expect(result).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(result.summary).toMatch(/failed: exit code 2 before its output named any backfill launched, so none was$/);
    expect(result.output).toContain('invalid value 2026-04-20 for to');
  });

  describe('through the CLI, failed', () => {
    /** The backfill step as a plan runs it through the CLI (no DAGSTER_URL), its result read as a run's is. */
    const runStep = () =>
      runDagsterBackfillStep(
        { kind: 'dagster-backfill', id: 'backfill', job: cli.job, definitionsFile: cli.definitionsFile, ...window, via: 'cli', assets: [], assetKeys: [], timeoutMs: 10_000 } as unknown as DagsterBackfillStep,
        { root: checkout.root, incidentId: 'dbx-20260421-0a1b', runCommand, redact: (text: string) => text, dagster: { heartbeatMaxAgeMs: 60_000 } } as unknown as StepRunContext,
      );
    /** A failed run of that one step, as Slack, the terminal and the postmortem read what it changed. */
    const runOf = (result: Awaited<ReturnType<typeof runStep>>) => {
      const steps = [{ id: 'backfill', kind: 'dagster-backfill', title: 'Backfill the missed window', mutates: true, acceptStatuses: [] }];
      const results = [{ stepId: 'backfill', ...result }];
      return { status: 'failed', startedAt: '2026-04-21T09:00:00.000Z', steps, results };
    };

    it('before it launched anything (an import error) changed nothing: the same plan may be made again', async () => {
      checkout.behave({ [backfillArgv(cli, window).join(' ')]: { stderr: "Traceback (most recent call last):\nModuleNotFoundError: No module named 'databox'\n", exit: 1 } });
      const result = await runStep();
      expect(result).toMatchObject({ status: 'failed', outputs: { backfillId: '', via: 'cli' } });
      expect(mayHaveChanged('dagster-backfill', result)).toBe(false);
      expect(result.summary).toMatch(/failed: exit code 1 before its output named any backfill launched, so none was$/);
      // What the run is said to have changed follows the same decision: nothing, not "may have launched part of it".
      const run = runOf(result);
      expect(changedBeforeStopping(run.steps, run.results)).toEqual([]);
      expect(failedChangingNothing(run)).toBe(true);
      expect(changedNothingSaid(run)).toBe('Nothing was changed: it stopped before any step that changes data did anything.');
    });

    it('after its output said it launched a backfill changed something, and says which', async () => {
      checkout.behave({ [backfillArgv(cli, window).join(' ')]: { stdout: 'Launching runs... \nLaunched backfill job `wqbqzyhx`\n', stderr: 'Error: could not write the run log\n', exit: 1 } });
      const result = await runStep();
      expect(result).toMatchObject({ status: 'failed', outputs: { backfillId: 'wqbqzyhx', via: 'cli' } });
      expect(result.summary).toMatch(/failed: exit code 1 after it launched backfill wqbqzyhx$/);
      expect(mayHaveChanged('dagster-backfill', result)).toBe(true);
      const run = runOf(result);
      expect(failedChangingNothing(run)).toBe(false);
      expect(changedBeforeStopping(run.steps, run.results)).toEqual([
        {
          title: 'Backfill the missed window',
          summary: `${result.summary}; it launched backfill wqbqzyhx, whose runs write the marts, before it failed: look at it in the Dagster UI (Overview → Backfills → wqbqzyhx) before launching the window again`,
          partly: true,
        },
      ]);
    });
  });

  it('launches it through GraphQL where DAGSTER_URL is set, tagged with the incident', async () => {
    const sent: unknown[] = [];
    serveDagster({ DataboxBackfill: (body) => (sent.push(body.variables.params), graphqlFixture('backfill-success')) });
    const result = await runBackfill({ window, client: client(), assetKeys: [['ebird_dlt_assets']], cli, cwd: checkout.root, runCommand, timeoutMs: 10_000, incidentId: 'dbx-20260421-0a1b' });
    expect(result).toMatchObject({ status: 'ok', via: 'graphql', backfillId: 'lxkdvmpa' });
    expect(sent[0]).toMatchObject({ partitionsByAssets: [{ assetKey: { path: ['ebird_dlt_assets'] }, partitions: { range: { start: '2026-04-18', end: '2026-04-20' } } }], tags: [{ key: 'databox/incident', value: 'dbx-20260421-0a1b' }] });
    expect(checkout.calls()).toEqual([]);
  });

  it('says a launch Dagster refused with a PythonError in one line, without the line break Dagster ends its message with', async () => {
    serveDagster({ DataboxBackfill: 'backfill-python-error' });
    const result = await runBackfill({ window, client: client(), assetKeys: [['ebird_dlt_assets']], cli, cwd: checkout.root, runCommand, timeoutMs: 10_000, incidentId: 'dbx-20260421-0a1b' });
    expect(result).toMatchObject({ status: 'failed', via: 'graphql' });
    expect(result.summary).toBe(
      'the backfill for 2026-04-18 to 2026-04-20 was not launched: Dagster failed while launching the backfill: dagster._core.errors.DagsterInvariantViolationError: Partition 2026-04-20 not found in partitions definition',
    );
  });
});

describe('wait until', () => {
  function fakeTime() {
    let t = recordedAt.getTime();
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }

  it('times out with a clear message naming what was still wrong, after progress lines', async () => {
    const time = fakeTime();
    const progress: string[] = [];
    const result = await waitUntil({
      check: async () => ({ status: 'stale', summary: 'ebird.fct_daily_bird_observations: newest 2026-04-17, past its SLA' }),
      until: ['fresh'],
      deadlineMs: 10 * 60_000,
      everyMs: 60_000,
      progress: (text) => progress.push(text),
      ...time,
    });
    expect(result.status).toBe('timed-out');
    expect(result.summary).toBe('gave up after 10 min (the limit is 10 min): still stale: ebird.fct_daily_bird_observations: newest 2026-04-17, past its SLA');
    expect(result.attempts).toBe(11);
    expect(progress[0]).toBe('check 1, 0 ms of 10 min: stale: ebird.fct_daily_bird_observations: newest 2026-04-17, past its SLA');
    expect(progress).toHaveLength(10);
  });

  it('ends as soon as the check reports a wanted status', async () => {
    const time = fakeTime();
    let n = 0;
    const result = await waitUntil({
      check: async () => (++n < 4 ? { status: 'stale', summary: `${n}` } : { status: 'fresh', summary: 'every mart within its SLA' }),
      until: ['fresh'],
      deadlineMs: 3_600_000,
      everyMs: 60_000,
      progress: () => {},
      ...time,
    });
    expect(result).toMatchObject({ status: 'ok', attempts: 4, summary: 'every mart within its SLA (after 3 min, 4 checks)' });
  });
});
