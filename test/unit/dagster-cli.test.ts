// The Dagster CLI's output parsed into evidence, through a stand-in uv printing recorded output; unknown output is never healthy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInstanceInfo, parseLivenessCheck, parseScheduleList } from '../../src/dagster/cli-parsers.js';
import { assessDagster, describeDagsterEvidence } from '../../src/dagster/evidence.js';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { probeDagster } from '../../src/dagster/probe.js';
import { runCommand } from '../../src/process/run-command.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { cliFixture, dagsterUrl, recordedAt } from '../helpers/dagster-fixtures.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import nock from 'nock';

blockNetwork();

describe('Dagster CLI parsers', () => {
  it('reads liveness-check: live, not running, and anything else as unparsed with its text', () => {
    expect(parseLivenessCheck(cliFixture('liveness-live'), 0)).toEqual({ ok: true, value: { live: true } });
    expect(parseLivenessCheck(cliFixture('liveness-not-running'), 1)).toEqual({ ok: true, value: { live: false } });
    const unseen = parseLivenessCheck(cliFixture('liveness-unseen'), 1);
    expect(unseen).toEqual({ ok: false, unparsed: { command: 'dagster-daemon liveness-check', raw: cliFixture('liveness-unseen') } });
    // "Daemon live" with a failing exit code is not believed.
    expect(parseLivenessCheck('Daemon live\n', 1).ok).toBe(false);
  });

  it('reads schedule list, warnings before it included', () => {
    expect(parseScheduleList(cliFixture('schedule-list-stopped'), 0)).toEqual({
      ok: true,
      value: [
        { repository: '__repository__', name: 'all_pipelines_daily', status: 'STOPPED', cron: '0 6 * * *' },
        { repository: '__repository__', name: 'soda_freshness_hourly', status: 'RUNNING', cron: '0 * * * *' },
      ],
    });
  });

  it('gives "could not parse" for a format it has never seen, an error, or nothing', () => {
    for (const [name, exit] of [['schedule-list-unseen', 0], ['schedule-list-no-home', 2]] as const) {
      const parsed = parseScheduleList(cliFixture(name), exit);
      expect(parsed).toEqual({ ok: false, unparsed: { command: 'dagster schedule list', raw: cliFixture(name) } });
    }
    expect(parseScheduleList('', 0).ok).toBe(false);
    expect(parseScheduleList('Repository __repository__\n*************************\n', 0).ok).toBe(false);
  });

  it('reads instance info, and an ephemeral instance as no DAGSTER_HOME', () => {
    expect(parseInstanceInfo(cliFixture('instance-info'), 0)).toEqual({
      ok: true,
      value: { dagsterHome: '/srv/databox/.dagster', scheduler: 'DagsterDaemonScheduler', runCoordinator: 'QueuedRunCoordinator', runLauncher: 'DefaultRunLauncher' },
    });
    expect(parseInstanceInfo(cliFixture('instance-info-ephemeral'), 0)).toEqual({ ok: true, value: { dagsterHome: null } });
    expect(parseInstanceInfo('Error: No such command "info".\n', 2).ok).toBe(false);
  });
});

describe('CLI fallback through a stand-in uv', () => {
  let checkout: Checkout;
  beforeEach(() => {
    withStandinPath();
    checkout = new Checkout();
  });
  afterEach(() => {
    checkout.remove();
    nock.cleanAll();
  });

  const fixture = (name: string) => ({ stdoutFile: `dagster/cli/${name}.txt` });

  it('asks the CLI when the webserver is down, and says so; a stopped daemon is found', async () => {
    checkout.behave({
      'uv run dagster-daemon liveness-check': { ...fixture('liveness-not-running'), exit: 1 },
      'uv run dagster schedule list': fixture('schedule-list-running'),
      'uv run dagster instance info': fixture('instance-info'),
    });
    nock(dagsterUrl).post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const evidence = await probeDagster({ client: new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000 }), runCommand, cwd: checkout.root, now: recordedAt });
    expect(evidence).toMatchObject({ source: 'cli', daemonLive: false, webserverProblem: expect.stringContaining('cannot be reached') });
    expect(evidence.schedules?.map((s) => `${s.name} ${s.status}`)).toEqual(['all_pipelines_daily RUNNING', 'soda_freshness_hourly RUNNING']);
    expect(checkout.calls().map((c) => c.command)).toEqual(['uv run dagster-daemon liveness-check', 'uv run dagster schedule list', 'uv run dagster instance info']);
    expect(assessDagster(evidence, { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 }, recordedAt).id).toBe('daemon-stopped');
    expect(describeDagsterEvidence(evidence)).toContain('Source: Dagster CLI (webserver: the Dagster webserver at http://127.0.0.1:3070/graphql cannot be reached');
  });

  it('shows output it has never seen as "could not parse" with the raw text, and the verdict is not healthy', async () => {
    checkout.behave({
      'uv run dagster-daemon liveness-check': fixture('liveness-live'),
      'uv run dagster schedule list': fixture('schedule-list-unseen'),
      'uv run dagster instance info': fixture('instance-info'),
    });
    const evidence = await probeDagster({ runCommand, cwd: checkout.root, now: recordedAt });
    expect(evidence.unparsed).toEqual([{ command: 'uv run dagster schedule list', raw: cliFixture('schedule-list-unseen') }]);
    const verdict = assessDagster(evidence, { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 }, recordedAt);
    expect(verdict.id).toBe('inconclusive');
    expect(verdict.reasons).toContain('could not parse the output of uv run dagster schedule list');
    expect(describeDagsterEvidence(evidence)).toContain('Could not parse the output of `uv run dagster schedule list`; it said:\n┏━━');
  });

  it('calls STOPPED schedules not paused when the daemon state could not be read: not conclusive, never path B alone', async () => {
    // "Daemon(s) not running" with exit 0 is no answer Dagster gives (it exits 1): not believed either way.
    checkout.behave({
      'uv run dagster-daemon liveness-check': fixture('liveness-not-running'),
      'uv run dagster schedule list': fixture('schedule-list-stopped'),
      'uv run dagster instance info': fixture('instance-info'),
    });
    const evidence = await probeDagster({ runCommand, cwd: checkout.root, now: recordedAt });
    expect(evidence.daemonLive).toBeUndefined();
    const verdict = assessDagster(evidence, { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 }, recordedAt);
    expect(verdict.id).toBe('inconclusive');
    expect(verdict.reasons).toEqual(
      expect.arrayContaining([
        "schedule all_pipelines_daily is STOPPED, but with the daemon's state unknown it is not called paused: starting schedules alone would leave a stopped daemon stopped",
        'the daemons could not be read',
        'could not parse the output of uv run dagster-daemon liveness-check',
      ]),
    );
  });

  it('finds paused schedules from the CLI, and an ephemeral instance as a problem', async () => {
    checkout.behave({
      'uv run dagster-daemon liveness-check': fixture('liveness-live'),
      'uv run dagster schedule list': fixture('schedule-list-stopped'),
      'uv run dagster instance info': fixture('instance-info-ephemeral'),
    });
    const evidence = await probeDagster({ runCommand, cwd: checkout.root, now: recordedAt });
    expect(evidence.problems).toEqual(['DAGSTER_HOME is not set: Dagster uses an ephemeral instance, so no schedule state persists']);
    const verdict = assessDagster(evidence, { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 }, recordedAt);
    expect(verdict.id).toBe('schedules-paused');
    // The CLI does not say when a schedule last ticked, so no window is guessed.
    expect(verdict.window).toBeNull();
  });
});
