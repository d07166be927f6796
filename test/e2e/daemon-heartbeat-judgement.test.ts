// How the bot judges the daemons' heartbeats, through the real Bolt app: one daemon lagging beside fresh ones is not a
// stopped daemon (no second one started), the ages are counted by Dagster's clock, and a partial answer is judged.
import nock from 'nock';
import { afterEach, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { dagsterUrl, graphqlFixture, killDetachedDaemons, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { quickDaemonStartRunbooks } from '../helpers/quick-daemon-runbooks.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import { useStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { dagsterWatchEnv } from '../helpers/dagster-watch-env.js';

blockNetwork();
const stage = useStandIns();
afterEach(() => {
  nock.cleanAll();
  // A daemon a regression started would outlive the test: it is started detached on purpose.
  killDetachedDaemons(stage.checkout);
});

const env = { ...dagsterWatchEnv, DATABOX_WATCH_SCHEDULES: 'false' };
const operator = 'U0ONCALL';

/** The recorded daemon health with each required daemon's last heartbeat `ageS[type]` seconds (5 unless given) before `dagsterNow`. */
function heartbeats(dagsterNow: () => Date, ageS: Record<string, number> = {}, tweak?: (d: any) => void): () => unknown {
  return () => {
    const answer = graphqlFixture('daemon-health-healthy') as any;
    for (const d of answer.data.instance.daemonHealth.allDaemonStatuses) {
      if (d.required) d.lastHeartbeatTime = dagsterNow().getTime() / 1000 - (ageS[d.daemonType] ?? 5);
      tweak?.(d);
    }
    return answer;
  };
}

/** The stack's daily schedule RUNNING, its last tick a success three hours before `now`. */
function runningSchedule(now: () => Date): () => unknown {
  return () => {
    const ticks = [{ timestamp: now().getTime() / 1000 - 3 * 3600, status: 'SUCCESS', error: null }];
    return { data: { schedulesOrError: { __typename: 'Schedules', results: [{ name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', description: null, scheduleState: { status: 'RUNNING', lastTick: ticks, lastSuccess: ticks } }] } } };
  };
}

it('says one daemon 4 min behind, the others fresh and Dagster calling it healthy, lagging, not stopped: in the alert and the verdict', async () => {
  const clock = () => recordedAt;
  await createMartsDatabase(stage.checkout.databasePath, '2026-04-20');
  serveDagster({ DataboxRepositories: 'repositories', DataboxWorkspace: 'workspace-loaded', DataboxDaemonHealth: heartbeats(clock, { SENSOR: 240 }), DataboxSchedules: runningSchedule(clock) });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, clock));
  await stage.slack.waitFor('the alert', () => stage.slack.callsTo('chat.postMessage').some((a) => a.channel === 'C0ALERTS'));
  await harness.bot.watch.idle();
  const alert = String(stage.slack.callsTo('chat.postMessage').find((a) => a.channel === 'C0ALERTS')?.text);
  expect(alert).toContain(
    'Dagster daemon lagging: SENSOR (last heartbeat 4 min ago), while the other required daemons heartbeat (SCHEDULER 5.0 s ago, BACKFILL 5.0 s ago, ASSET 5.0 s ago, QUEUED_RUN_COORDINATOR 5.0 s ago), so the daemon process runs; Dagster still calls it healthy (it tolerates up to 30 min 30 s)',
  );

  await harness.click(stage.slack.buttons('open_incident_from_alert')[0]!, operator);
  await stage.slack.waitFor('the verdict', () => stage.slack.callsTo('chat.postMessage').some((m) => String(m.text).startsWith('Verdict:')), 60_000);
  await harness.settle();
  const verdict = verdictTextOf(stage.slack);
  expect(verdict).not.toContain('Dagster daemon stopped');
  expect(verdict).toContain('daemon lagging, not stopped: SENSOR (last heartbeat 4 min ago)');
});

it('starts no second daemon on path A when a daemon Dagster calls unhealthy heartbeats beside one lagging: any daemon heartbeating says the process runs', async () => {
  const clock = () => new Date();
  await createMartsDatabase(stage.checkout.databasePath, new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
  const unhealthyScheduler = (d: any) => {
    if (d.daemonType !== 'SCHEDULER') return;
    d.healthy = false;
    d.lastHeartbeatErrors = [{ message: 'dagster._core.errors.DagsterUserCodeUnreachableError: Could not reach user code server' }];
  };
  serveDagster({ DataboxRepositories: 'repositories', DataboxWorkspace: 'workspace-loaded', DataboxDaemonHealth: heartbeats(clock, { SENSOR: 240 }, unhealthyScheduler), DataboxSchedules: runningSchedule(clock) });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, { ...env, DATABOX_RUNBOOKS_DIR: quickDaemonStartRunbooks() }, clock));
  await stage.slack.waitFor('the alert', () => stage.slack.callsTo('chat.postMessage').some((a) => a.channel === 'C0ALERTS'));
  await harness.bot.watch.idle();
  await harness.click(stage.slack.buttons('open_incident_from_alert')[0]!, operator);
  await stage.slack.waitFor('the verdict', () => stage.slack.buttons('choose_path_a').length > 0);
  await harness.settle();
  expect(verdictTextOf(stage.slack)).toContain('Dagster daemon stopped');

  await harness.click(stage.slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  await harness.submitModal(operator, stage.slack.lastForm(), { from: null, to: null, schedules: null });
  await harness.settle();
  await harness.click(stage.slack.buttons('approve_plan').at(-1)!, operator);
  await stage.slack.waitFor('the daemon start step', () => /not started: the daemon is already running|started PID/.test(stage.slack.allText()), 60_000);
  await harness.settle();
  expect(stage.slack.allText()).toMatch(/not started: the daemon is already running \(a daemon heartbeated within the last 3 min by Dagster's clock: SCHEDULER 5\.\d s ago, BACKFILL/);
  expect(stage.checkout.calls().map((c) => c.command)).not.toContain('uv run dagster-daemon run');
});

it("counts the heartbeats' ages by Dagster's clock: the bot's clock 3 min ahead makes no daemon look stopped, and the status says how far apart the clocks are", async () => {
  const dagsterClock = () => recordedAt;
  const botClock = () => new Date(recordedAt.getTime() + 3 * 60_000);
  serveDagster({ DataboxDaemonHealth: heartbeats(dagsterClock) }, dagsterUrl, dagsterClock);
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, botClock));
  await stage.slack.waitFor('the first check', () => harness.bot.watch.lastCheck('daemon') !== undefined);
  await harness.bot.watch.idle();
  expect(harness.bot.watch.statusLines()[0]).toMatch(
    /^• Dagster daemon heartbeat: healthy: 5 required daemons heartbeating; Dagster's clock is 3 min behind the bot's \(read off its webserver's Date header\): heartbeat ages are counted by Dagster's clock \(last check/,
  );
  expect(stage.slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS')).toEqual([]);
});

it("says, with no Date header, heartbeats 10 min in the bot's future as Dagster's clock at least that far ahead", async () => {
  const clock = () => recordedAt;
  // The daemons stamp their heartbeats by one clock, Dagster's: all of them in the bot's future.
  serveDagster({ DataboxDaemonHealth: heartbeats(() => new Date(recordedAt.getTime() + 10 * 60_000), { SCHEDULER: 0 }) });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, clock));
  await stage.slack.waitFor('the first check', () => harness.bot.watch.lastCheck('daemon') !== undefined);
  await harness.bot.watch.idle();
  expect(harness.bot.watch.statusLines()[0]).toContain(
    "healthy: 5 required daemons heartbeating; Dagster's clock is at least 10 min ahead of the bot's (a heartbeat is that far in the bot's future); its webserver sent no Date header, so heartbeat ages are counted from its newest heartbeat",
  );
});

it("calls no daemon stopped on the bot's clock 10 min ahead with no Date header: it cannot tell at first, then a newer heartbeat says they run", async () => {
  let dagsterNow = recordedAt.getTime();
  const botClock = () => new Date(dagsterNow + 10 * 60_000);
  serveDagster({ DataboxDaemonHealth: heartbeats(() => new Date(dagsterNow)) });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, botClock));
  await stage.slack.waitFor('the first check', () => harness.bot.watch.lastCheck('daemon') !== undefined);
  await harness.bot.watch.idle();
  expect(harness.bot.watch.lastCheck('daemon')?.finding?.state).toBe('unknown');
  expect(harness.bot.watch.statusLines()[0]).toContain(
    "cannot tell: the daemons' heartbeats by Dagster's clock, yet (none is called stopped on the bot's clock alone): a heartbeat newer than the newest seen says they run; none for 3 min more of watching says they stopped; Dagster's clock is unknown: its webserver sent no Date header, and its newest heartbeat is 10 min 5 s before the bot's clock; heartbeat ages are counted by the bot's clock, so a bot's clock 10 min 5 s ahead of Dagster's would look the same as daemons that stopped",
  );

  dagsterNow += 60_000;
  await harness.bot.watch.checkOnce();
  expect(harness.bot.watch.statusLines()[0]).toContain(
    "healthy: 5 required daemons heartbeating; the bot's clock is about 10 min 5 s ahead of Dagster's: its webserver sent no Date header, and its newest heartbeat, 10 min 5 s before the bot's clock, came since the bot's previous look, so the daemons heartbeat",
  );
  expect(stage.slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS')).toEqual([]);
});

it('still alerts with no Date header on daemons that stopped before the bot started, once it has seen no newer heartbeat for DATABOX_HEARTBEAT_MAX_AGE', async () => {
  let now = recordedAt.getTime();
  const stoppedAt = () => new Date(recordedAt.getTime() - 10 * 60_000);
  serveDagster({ DataboxDaemonHealth: heartbeats(stoppedAt) });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, () => new Date(now)));
  await stage.slack.waitFor('the first check', () => harness.bot.watch.lastCheck('daemon') !== undefined);
  await harness.bot.watch.idle();
  expect(harness.bot.watch.lastCheck('daemon')?.finding?.state).toBe('unknown');
  for (let minute = 1; minute <= 3; minute += 1) {
    now += 60_000;
    await harness.bot.watch.checkOnce();
  }
  expect(harness.bot.watch.lastCheck('daemon')?.finding?.state).toBe('unknown');
  now += 60_000;
  await harness.bot.watch.checkOnce();
  const alerts = stage.slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS');
  expect(alerts.map((a) => String(a.text))).toEqual([expect.stringMatching(/^:rotating_light: Dagster daemon not heartbeating: SCHEDULER \(last heartbeat 14 min 5 s ago\)/)]);
});

it('judges the required daemons of a partial answer whose one error is about a daemon Dagster does not require', async () => {
  const clock = () => recordedAt;
  const partial = () => ({ ...(heartbeats(clock)() as object), errors: [{ message: 'Cannot return null for non-nullable field DaemonStatus.id', path: ['instance', 'daemonHealth', 'allDaemonStatuses', 5, 'id'] }] });
  serveDagster({ DataboxDaemonHealth: partial });
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, env, clock));
  await stage.slack.waitFor('the first check', () => harness.bot.watch.lastCheck('daemon') !== undefined);
  await harness.bot.watch.idle();
  expect(harness.bot.watch.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: healthy: 5 required daemons heartbeating \(last check/);
});
