// The watchers inside the real bot: a disk alert posted once to DATABOX_ALERT_CHANNEL (also across a restart), its button
// opening one scenario-1 incident thread through Bolt over signed HTTP however often it is clicked, a silent webserver
// counted from its first silence across restarts, its end dated at its first answer again also when Slack refused it
// at first, one failing most checks alerted once as intermittent, a flapping file reopening its one alert, a click joining the incident
// already working on the scenario, and /databox status listing each watcher.
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { daemonHealthyNow, dagsterUrl, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { Checkout, createHealthyDatabase, writeGarbage, type Behaviour } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { dailyScheduleAnswer } from '../helpers/daily-schedule-answer.js';
import { dagsterWatchEnv } from '../helpers/dagster-watch-env.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(async () => {
  nock.cleanAll();
  await closeStandIns(harness, slack, checkout);
});

const alerts = () => slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS' && !a.thread_ts);
/** Replies in an alert's thread, each with whether it was also sent to the channel (reply_broadcast). */
const threadReplies = (alertTs: string | undefined) =>
  slack.callsTo('chat.postMessage').filter((a) => alertTs !== undefined && a.thread_ts === alertTs).map((a) => ({ text: String(a.text), toChannel: String(a.reply_broadcast) === 'true' }));

/** A damaged file alerted by the database watcher (checking every second), then path A approved with `rebuild` as its rebuild. */
async function damagedFileRebuiltWithPathA(rebuild: Behaviour, interval = '1s'): Promise<Harness> {
  writeGarbage(checkout.databasePath);
  checkout.behave({ 'task full-refresh': rebuild });
  const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: interval, DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
  const bot = await startBot(checkout, slack, env);
  harness = bot;
  await slack.waitFor('the damaged-file alert', () => alerts().length === 1);
  await bot.command('diagnose duckdb', 'U0ONCALL', 'C0INCIDENT');
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a').at(-1)!, 'U0ONCALL');
  await bot.settle();
  await bot.click(slack.buttons('approve_plan').at(-1)!, 'U0SECOND');
  return bot;
}

describe('watcher alerts in the bot', () => {
  it('posts a disk alert once, across a restart, and its button opens a scenario-1 incident thread', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false' };
    harness = await startBot(checkout, slack, env);
    await slack.waitFor('the disk alert', () => alerts().length === 1);
    expect(String(alerts()[0]?.text)).toMatch(/^:rotating_light: Disk at or over 1%: .*databox\.duckdb \d+(\.\d)?% used/);

    await harness.stop();
    harness = await startBot(checkout, slack, env);
    // The restarted bot has checked (its status says so) and has not alerted again.
    await slack.waitFor('the first check after the restart', () => harness?.bot.watch.lastCheck('disk') !== undefined);
    await harness.bot.watch.idle();
    expect(alerts()).toHaveLength(1);

    const [button] = slack.buttons('open_incident_from_alert');
    expect(button).toMatchObject({ channel: 'C0ALERTS', value: JSON.stringify({ scenario: 'duckdb', watcher: 'disk' }) });
    // A double click, or two people at once: one incident; the second click is told where it is.
    const clicks = await Promise.all([harness.click(button!, 'U0ONCALL'), harness.click(button!, 'U0SECOND')]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await harness.settle();
    await slack.waitFor('the second click told', () => slack.ephemerals('U0SECOND').length === 1);
    const roots = () => slack.callsTo('chat.postMessage').filter((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-'));
    expect(roots()).toHaveLength(1);
    expect(roots()[0]).toMatchObject({ channel: 'C0ALERTS' });
    expect(String(roots()[0]?.text)).toMatch(/^Incident dbx-\d{8}-[0-9a-f]{4}: Blown DuckDB file/);
    expect(slack.callsTo('chat.postMessage').filter((a) => String(a.text).startsWith('Verdict:'))).toHaveLength(1);
    const note = slack.callsTo('chat.postMessage').find((a) => a.thread_ts === button?.ts);
    const incidentId = /`(dbx-\d{8}-[0-9a-f]{4})`/.exec(String(note?.text))?.[1];
    expect(String(note?.text)).toMatch(/^<@U0(ONCALL|SECOND)> opened incident `dbx-\d{8}-[0-9a-f]{4}` \(Blown DuckDB file/);
    const joinedText = slack.ephemerals('U0SECOND')[0];
    expect(joinedText).toMatch(
      new RegExp(`^:link: This alert already has incident \`${incidentId}\` \\(Blown DuckDB file.*\\), opened by <@U0ONCALL>: you joined it; <https://databox\\.slack\\.com/archives/C0ALERTS/p\\d+\\|follow it in its thread>\\. Nothing new was started\\.$`),
    );

    // A later click (the first incident has finished its diagnosis) joins it too, through what the journal says.
    await harness.click(button!, 'U0THIRD');
    await harness.settle();
    await slack.waitFor('the third click told', () => slack.ephemerals('U0THIRD').length === 1);
    expect(slack.ephemerals('U0THIRD')[0]).toBe(joinedText);
    expect(roots()).toHaveLength(1);
    const links = journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.incident-'));
    expect(links.map((r) => [r.type, r.actor, r.incident])).toEqual([
      ['watch.incident-opened', 'U0ONCALL', incidentId],
      ['watch.incident-joined', 'U0SECOND', incidentId],
      ['watch.incident-joined', 'U0THIRD', incidentId],
    ]);
    expect(links[0]?.data).toEqual({ alert: { channel: 'C0ALERTS', ts: button?.ts }, alertWatcher: 'disk' });
  });

  it("joins, rather than opens a second, the incident a typed diagnosis opened on the same scenario, saying so in the alert's thread", async () => {
    writeGarbage(checkout.databasePath);
    const bot = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' });
    harness = bot;
    await slack.waitFor('the damaged-file alert', () => alerts().length === 1);
    // Someone is on it already: typed, diagnosed, path A planned and waiting for a teammate.
    await bot.command('diagnose duckdb', 'U0ONCALL', 'C0INCIDENT');
    await bot.settle();
    await bot.click(slack.buttons('choose_path_a').at(-1)!, 'U0ONCALL');
    await bot.settle();
    const roots = () => slack.callsTo('chat.postMessage').filter((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-'));
    expect(roots()).toHaveLength(1);
    const incidentId = /^Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(String(roots()[0]?.text))?.[1];

    const [button] = slack.buttons('open_incident_from_alert');
    await bot.click(button!, 'U0SECOND');
    await bot.settle();
    await slack.waitFor('the click told', () => slack.ephemerals('U0SECOND').length === 1);
    expect(roots()).toHaveLength(1);
    expect(slack.ephemerals('U0SECOND')[0]).toMatch(
      new RegExp(`^:link: Incident \`${incidentId}\` \\(Blown DuckDB file.*\\), opened by <@U0ONCALL>, is already working on this: you joined it; <https://databox\\.slack\\.com/archives/C0INCIDENT/p\\d+\\|follow it in its thread>\\. Nothing new was started\\.$`),
    );
    const thread = slack.callsTo('chat.postMessage').filter((a) => a.thread_ts === button?.ts).map((a) => String(a.text));
    expect(thread).toEqual([expect.stringMatching(new RegExp(`^<@U0SECOND> joined incident \`${incidentId}\` \\(Blown DuckDB file.*\\), opened by <@U0ONCALL>, already working on this; <https://`))]);
    // A later click on the alert joins the same incident, as any second click does.
    await bot.click(button!, 'U0THIRD');
    await bot.settle();
    await slack.waitFor('the third click told', () => slack.ephemerals('U0THIRD').length === 1);
    expect(slack.ephemerals('U0THIRD')[0]).toMatch(new RegExp(`^:link: This alert already has incident \`${incidentId}\``));
    expect(roots()).toHaveLength(1);
    expect(journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.incident-')).map((r) => [r.type, r.actor, r.incident])).toEqual([
      ['watch.incident-joined', 'U0SECOND', incidentId],
      ['watch.incident-joined', 'U0THIRD', incidentId],
    ]);
  });

  it('joins a diagnosis typed a moment before the click, whose incident is not open yet', async () => {
    writeGarbage(checkout.databasePath);
    const bot = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' });
    harness = bot;
    await slack.waitFor('the damaged-file alert', () => alerts().length === 1);
    const [button] = slack.buttons('open_incident_from_alert');
    await bot.command('diagnose duckdb', 'U0ONCALL', 'C0INCIDENT');
    await bot.click(button!, 'U0SECOND');
    await bot.settle();
    await slack.waitFor('the click told', () => slack.ephemerals('U0SECOND').length === 1);
    expect(slack.callsTo('chat.postMessage').filter((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-'))).toHaveLength(1);
    expect(slack.ephemerals('U0SECOND')[0]).toMatch(/^:link: Incident `dbx-\d{8}-[0-9a-f]{4}` \(Blown DuckDB file.*\), opened by <@U0ONCALL>, is already working on this: you joined it;/);
    // The click's own line names no incident: the join is on the incident's record, as a typed join is.
    await bot.settle();
    const incident = /Incident `(dbx-\d{8}-[0-9a-f]{4})`/.exec(String(slack.ephemerals('U0SECOND')[0]))?.[1];
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'diagnosis.joined')).toEqual([
      expect.objectContaining({ actor: 'U0SECOND', incident, data: { text: 'alert button: diagnose duckdb', origin: 'slack:C0ALERTS' } }),
    ]);
  });

  it('counts a silent webserver from its first silence across restarts: one alert, one recovery', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime() - 10 * minute;
    const clock = () => new Date(now);
    const env = { ...dagsterWatchEnv, DATABOX_DAGSTER_DOWN_AFTER: '5m' };
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const restartAndCheck = async () => {
      await harness?.stop();
      harness = await startBot(checkout, slack, env, clock);
      await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('daemon') !== undefined);
      await harness.bot.watch.idle();
    };
    await restartAndCheck();
    expect(harness?.bot.watch.statusLines()[0]).toContain('cannot tell: The Dagster webserver did not answer (first time)');
    expect(alerts()).toHaveLength(0);

    // Six minutes later a new bot on the same state dir: past the 5 min threshold counted from the first silence.
    now += 6 * minute;
    await restartAndCheck();
    expect(alerts().map((a) => String(a.text))).toEqual([':rotating_light: The Dagster webserver has not answered for 6 min']);
    now += minute;
    await restartAndCheck();
    expect(alerts()).toHaveLength(1);

    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy' });
    now = recordedAt.getTime();
    const watchTypes = () => journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.')).map((r) => r.type);
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    const replies = () => slack.callsTo('chat.postMessage').filter((a) => alertTs && a.thread_ts === alertTs).map((a) => String(a.text));
    // It ends with its count: once the webserver has answered three checks in a row, at 09:02; it ended at 09:00, where
    // those answers began.
    await harness!.bot.watch.checkOnce();
    now += minute;
    await harness!.bot.watch.checkOnce();
    expect(replies()).toEqual([]);
    expect(watchTypes()).toEqual(['watch.noticed', 'watch.alerted']);
    now += minute;
    await harness!.bot.watch.checkOnce();
    expect(watchTypes()).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared', 'watch.recovered']);
    expect(replies()).toEqual([':white_check_mark: Dagster daemon heartbeat: back to healthy at 09:00 UTC, after 10 min (since 08:50 UTC) (5 required daemons heartbeating)']);
    // The alert itself says it ended, struck through, and keeps no button to act on an outage that is over.
    const ended = slack.callsTo('chat.update').filter((a) => a.ts === alertTs).at(-1);
    expect(String(ended?.text)).toBe(':white_check_mark: Ended (Dagster daemon heartbeat: back to healthy at 09:00 UTC, after 10 min (since 08:50 UTC)): ~The Dagster webserver has not answered for 6 min~');
    expect(String(ended?.blocks)).not.toContain('open_incident_from_alert');
  });

  it('dates the end of a webserver outage at its first answer again, also when Slack refused that end and it is said at a later check', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime() - 10 * minute;
    const clock = () => new Date(now);
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    harness = await startBot(checkout, slack, { ...dagsterWatchEnv, DATABOX_DAGSTER_DOWN_AFTER: '5m', DATABOX_WATCH_SCHEDULES: 'false' }, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('daemon') !== undefined);
    await harness.bot.watch.idle();
    for (let check = 1; check <= 5; check += 1) {
      now += minute;
      await harness.bot.watch.checkOnce();
    }
    expect(alerts().map((a) => String(a.text))).toEqual([':rotating_light: The Dagster webserver has not answered for 5 min']);
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    const watchTypes = () => journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.')).map((r) => r.type);

    // It answers again from 09:00; its third answer in a row (09:02) ends the count, but Slack refuses the end's post.
    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: daemonHealthyNow(clock) });
    now = recordedAt.getTime();
    slack.failures.set('chat.postMessage', 'internal_error');
    for (let check = 0; check < 3; check += 1) {
      await harness.bot.watch.checkOnce();
      now += minute;
    }
    expect(watchTypes()).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared']);
    expect(harness.bot.watch.lastCheck('daemon')?.alertFailed).toMatch(/internal_error/);

    // Slack takes it again; the end is said at the next check, 10 min later, as when the webserver came back: 09:00.
    slack.failures.delete('chat.postMessage');
    now += 10 * minute;
    await harness.bot.watch.checkOnce();
    expect(watchTypes()).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared', 'watch.recovered']);
    // Slack took only the second: the first, refused, said the same.
    const replies = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === alertTs).map((c) => ({ text: String(c.args.text), taken: c.result !== undefined }));
    const end = ':white_check_mark: Dagster daemon heartbeat: back to healthy at 09:00 UTC, after 10 min (since 08:50 UTC) (5 required daemons heartbeating)';
    expect(replies).toEqual([{ text: end, taken: false }, { text: end, taken: true }]);
    expect(String(slack.callsTo('chat.update').filter((a) => a.ts === alertTs).at(-1)?.text)).toMatch(/^:white_check_mark: Ended \(Dagster daemon heartbeat: back to healthy at 09:00 UTC, after 10 min/);
    const recovered = journalRecordsOf(checkout).find((r) => r.type === 'watch.recovered');
    expect(recovered?.data).toMatchObject({ durationMs: 10 * minute, span: { began: '2026-04-21T08:50:00.000Z', ended: '2026-04-21T09:00:00.000Z', lastedMs: 10 * minute } });
  });

  it('alerts on a webserver that fails three checks in five and answers between them, saying it is intermittent: once', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let asked = 0;
    const healthy = daemonHealthyNow(clock);
    // b b b g g, over and over: never silent for 5 min in a row, and never answering three times in a row.
    serveDagster({ DataboxDaemonHealth: () => ('bbbgg'[asked++ % 5] === 'g' ? healthy() : 'Service Unavailable') });
    harness = await startBot(checkout, slack, { ...dagsterWatchEnv, DATABOX_DAGSTER_DOWN_AFTER: '5m', DATABOX_WATCH_SCHEDULES: 'false' }, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('daemon') !== undefined);
    await harness.bot.watch.idle();
    for (let check = 1; check < 20; check += 1) {
      now += minute;
      await harness.bot.watch.checkOnce();
      // The first failure 5 min after the first one (09:05) alerts: 4 of the 6 checks since 09:00 failed.
      if (check === 4) expect(alerts()).toHaveLength(0);
      if (check === 5) expect(alerts().map((a) => String(a.text))).toEqual([':rotating_light: The Dagster webserver gave no usable answer at 4 of its last 6 checks (over 5 min): intermittent, failing most checks for 5 min']);
    }
    expect(alerts()).toHaveLength(1);
    // Nor "back to healthy" at each answer among failures, and "back again" after it: its thread holds nothing.
    expect(slack.callsTo('chat.postMessage').filter((a) => a.thread_ts)).toEqual([]);
    expect(journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.')).map((r) => r.type)).toEqual(['watch.noticed', 'watch.alerted']);
  });

  it("alerts once on the stack's daily schedule STOPPED while the daemon heartbeats, its button opening scenario 4, and says it is back to healthy once it runs again", async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    await createMartsDatabase(checkout.databasePath, '2026-04-20');
    let status = 'STOPPED';
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => dailyScheduleAnswer(status),
    });
    harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
    await slack.waitFor('the paused schedule alert', () => alerts().length === 1);
    now += minute;
    await harness.bot.watch.checkOnce();
    expect(alerts().map((a) => String(a.text))).toEqual([':rotating_light: Dagster schedule STOPPED: all_pipelines_daily (last tick 2026-04-21 06:00 UTC)']);
    expect(harness.bot.watch.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: healthy/);

    const [button] = slack.buttons('open_incident_from_alert');
    expect(button).toMatchObject({ channel: 'C0ALERTS', value: JSON.stringify({ scenario: 'schedule', watcher: 'schedules' }) });
    await harness.click(button!, 'U0ONCALL');
    await harness.settle();
    expect(slack.posted('Verdict:')).toContain('Verdict: Schedules paused');

    // Started again (here by hand): the end is said once in the alert's thread and the alert marked ended.
    status = 'RUNNING';
    now += minute;
    await harness.bot.watch.checkOnce();
    now += minute;
    await harness.bot.watch.checkOnce();
    const replies = threadReplies(button?.ts).map((r) => r.text).filter((text) => text.startsWith(':white_check_mark:'));
    expect(replies).toEqual([":white_check_mark: Dagster schedules: back to healthy at 09:02 UTC, after 2 min (since 09:00 UTC) (1 of the stack's schedules RUNNING)"]);
    expect(journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.')).map((r) => r.type)).toEqual(['watch.alerted', 'watch.incident-opened', 'watch.recovered']);
  });

  it('ends the alert of a schedule a person marks databox/paused: as no longer alerted on, still STOPPED, never "back to healthy", in the channel and on the alert', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let description: string | null = null;
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => dailyScheduleAnswer('STOPPED', description),
    });
    harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
    await slack.waitFor('the paused schedule alert', () => alerts().length === 1);
    await harness.bot.watch.idle();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;

    description = 'Daily run.\ndatabox/paused: upstream API migration, back Monday (alice)';
    now += 3 * minute;
    await harness.bot.watch.checkOnce();
    const leftOff = 'all_pipelines_daily is treated as switched off on purpose (databox/paused: upstream API migration, back Monday (alice)) — it is still STOPPED; nothing runs job all_pipelines on a schedule';
    const replies = threadReplies(alertTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.toChannel).toBe(true);
    expect(replies[0]?.text).not.toContain('back to healthy');
    expect(replies[0]?.text.startsWith(`:mute: Dagster schedules: no longer alerted on at 09:03 UTC, after 3 min (since 09:00 UTC): ${leftOff}`)).toBe(true);
    const edited = slack.callsTo('chat.update').at(-1);
    expect(String(edited?.text)).toMatch(/^:mute: No longer alerted on \(Dagster schedules: no longer alerted on at 09:03 UTC/);
    expect(harness.bot.watch.statusLines().find((line) => line.includes('Dagster schedules'))).toMatch(/^• Dagster schedules: not alerted on: all_pipelines_daily is treated as switched off on purpose/);
  });

  it('ends a flapping schedule alert that is then left off on purpose as no longer alerted on, once that end has held (also across a restart), never "back to healthy"', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let status = 'STOPPED';
    let description: string | null = null;
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => dailyScheduleAnswer(status, description),
    });
    // Checks by hand only; the flap window is the reminder interval, at least an hour.
    const env = { DAGSTER_URL: dagsterUrl, DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '10m', DATABOX_ALERT_REMINDER: '20m', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DATABASE: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the paused schedule alert', () => alerts().length === 1);
    await harness.bot.watch.idle();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    // Started, stopped again (it flaps), then marked paused on purpose while STOPPED: its end is quiet, then said once held.
    const checkAfterAMinute = async () => {
      now += minute;
      await harness!.bot.watch.checkOnce();
    };
    status = 'RUNNING';
    await checkAfterAMinute();
    status = 'STOPPED';
    await checkAfterAMinute();
    // Its end after "Back again" is said in the thread and the channel; its next return, a minute later, only edits the alert.
    status = 'RUNNING';
    await checkAfterAMinute();
    status = 'STOPPED';
    await checkAfterAMinute();
    description = 'Daily run.\ndatabox/paused: upstream API migration, back Monday (alice)';
    await checkAfterAMinute();
    // Said by a bot restarted since: how it ended is read back from the journal.
    now += 60 * minute;
    await harness.stop();
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the first check after the restart', () => harness?.bot.watch.lastCheck('schedules') !== undefined);
    await harness.bot.watch.idle();

    const leftOff = 'all_pipelines_daily is treated as switched off on purpose (databox/paused: upstream API migration, back Monday (alice)) — it is still STOPPED; nothing runs job all_pipelines on a schedule';
    const replies = threadReplies(alertTs).map((r) => r.text);
    expect(replies).toHaveLength(4);
    expect(replies[0]).toMatch(/^:white_check_mark: Dagster schedules: back to healthy at 09:01 UTC/);
    expect(replies[1]).toMatch(/^:rotating_light: Back again, 2nd time in 2 min: /);
    expect(replies[2]).toMatch(/^:white_check_mark: Dagster schedules: back to healthy at 09:03 UTC, after 3 min \(since 09:00 UTC\); it flapped: bad 2 times in 2 min \(/);
    expect(threadReplies(alertTs).map((r) => r.toChannel)).toEqual([true, true, true, false]);
    expect(replies[3]).not.toContain('back to healthy');
    expect(replies[3]).not.toContain('it has held');
    expect(replies[3]?.startsWith(`:mute: Dagster schedules: no longer alerted on at 09:05 UTC, after 5 min (since 09:00 UTC): ${leftOff}; it flapped: bad 3 times in 5 min, and has not been alerted on since, for 1 h (`)).toBe(true);
    const alert = slack.messages().find((m) => m.ts === alertTs)!;
    expect(alert.updates.at(-1)?.text).toMatch(/^:mute: No longer alerted on \(Dagster schedules: no longer alerted on at 09:05 UTC, after 5 min \(since 09:00 UTC\): .*; it flapped: bad 3 times in 4 min\)/);
    // Journaled with what it still left off, as its message says: a postmortem can say what was still wrong.
    expect(journalRecordsOf(checkout).find((r) => r.type === 'watch.settled')?.data.leftOff).toEqual([leftOff]);
  });

  it('alerts when Dagster lists no schedule for the stack, and its button leads to a verdict that does not call it healthy', async () => {
    await createMartsDatabase(checkout.databasePath, '2026-04-20');
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxDaemonHealth: daemonHealthyNow(() => recordedAt),
      DataboxSchedules: () => ({ data: { schedulesOrError: { __typename: 'Schedules', results: [] } } }),
    });
    harness = await startBot(checkout, slack, dagsterWatchEnv, () => recordedAt);
    await slack.waitFor('the no-schedule alert', () => alerts().length === 1);
    expect(alerts().map((a) => String(a.text))).toEqual([':rotating_light: Dagster lists no schedule for the stack: nothing launches job all_pipelines on a schedule']);
    await harness.click(slack.buttons('open_incident_from_alert')[0]!, 'U0ONCALL');
    await harness.settle();
    const verdict = slack.posted('Verdict:');
    expect(verdict).not.toContain('healthy');
    // Dagster answered: a verdict of its own, not "Not conclusive — Dagster could not be read" and "make Dagster answer".
    expect(verdict).not.toContain('Not conclusive');
    expect(verdict).not.toContain('Make Dagster answer');
    expect(verdict).toContain('Verdict: Dagster lists no schedule for the stack');
    expect(verdict).toContain('Dagster lists no schedule for the stack though every code location loaded (a deploy may have dropped or renamed it');
    expect(verdict).toContain('dagster schedule list');
  });

  it('silences an alert\'s reminders from Slack, "Paused on purpose…": a form for why and until when, journaled with who, said on the alert and in the status, reminders back once it ends', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    serveDagster({
      DataboxRepositories: 'repositories',
      DataboxWorkspace: 'workspace-loaded',
      DataboxDaemonHealth: daemonHealthyNow(clock),
      DataboxSchedules: () => dailyScheduleAnswer(),
    });
    harness = await startBot(checkout, slack, dagsterWatchEnv, clock);
    await slack.waitFor('the paused schedule alert', () => alerts().length === 1);
    await harness.bot.watch.idle();
    const [silence] = slack.buttons('silence_alert');
    expect(silence).toMatchObject({ channel: 'C0ALERTS', value: JSON.stringify({ watcher: 'schedules' }) });
    await harness.click(silence!, 'U0ONCALL');
    await harness.settle();
    const form = slack.lastForm();
    expect(form.callback_id).toBe('silence_alert_modal');

    // A time that is past is shown under its field; nothing is silenced.
    const refused = await harness.submitModal('U0ONCALL', form, { reason: 'upstream API migration', until: '2026-04-20' });
    expect(refused.json).toMatchObject({ response_action: 'errors', errors: { until: '2026-04-20 00:00 UTC is past: give a time to come' } });
    await harness.submitModal('U0ONCALL', form, { reason: 'upstream API migration, back Monday', until: '2d' });
    await harness.settle();
    const silenced = journalRecordsOf(checkout).filter((r) => r.type === 'watch.silenced');
    expect(silenced.map((r) => [r.actor, r.data.silence])).toEqual([['U0ONCALL', { by: 'U0ONCALL', reason: 'upstream API migration, back Monday', until: '2026-04-23T09:00:00.000Z', at: '2026-04-21T09:00:00.000Z' }]]);
    const said = ':mute: Reminders silenced by <@U0ONCALL> until 2026-04-23 09:00 UTC, as so on purpose: upstream API migration, back Monday';
    expect(JSON.stringify(slack.callsTo('chat.update').at(-1)?.blocks)).toContain(said);
    expect(threadReplies(silence?.ts).map((r) => r.text)).toEqual([`${said}. Its end, and anything worse, are still said.`]);
    expect(harness.bot.watch.statusLines().find((line) => line.includes('Dagster schedules'))).toContain('; reminders silenced by U0ONCALL until 2026-04-23 09:00 UTC: upstream API migration, back Monday');

    // No reminder while it holds (the reminder interval is 4 h); one as soon as it has ended.
    for (let hour = 1; hour <= 47; hour += 1) {
      now += 60 * minute;
      await harness.bot.watch.checkOnce();
    }
    expect(threadReplies(silence?.ts).filter((r) => r.text.startsWith(':alarm_clock:'))).toEqual([]);
    now += 61 * minute;
    await harness.bot.watch.checkOnce();
    expect(threadReplies(silence?.ts).filter((r) => r.text.startsWith(':alarm_clock:')).map((r) => r.toChannel)).toEqual([true]);
  });

  it("names the database by its file in the alert, its evidence and its thread, the server's path kept for the terminal's status", async () => {
    writeGarbage(checkout.databasePath);
    const bot = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' });
    harness = bot;
    await slack.waitFor('the damaged-file alert', () => alerts().length === 1);
    // The start's own check posts the alert before it ends: one run beside it could be overtaken by its last word.
    await bot.bot.watch.idle();
    fs.rmSync(checkout.databasePath);
    await bot.bot.watch.checkOnce();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    expect(String(alerts()[0]?.text)).toBe(':rotating_light: The database file is damaged: databox.duckdb');
    // The reply goes out through the outbox after the check returns: on a busy machine, later.
    await slack.waitFor('the changed-outage reply', () => threadReplies(alertTs).length > 0);
    expect(threadReplies(alertTs).map((r) => r.text)).toEqual([':arrows_counterclockwise: Still an outage, but what is wrong changed: The database file is missing: databox.duckdb (was: The database file is damaged: databox.duckdb)']);
    // Nothing posted or edited, evidence included, names the checkout's folder.
    const toSlack = JSON.stringify([...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')]);
    expect(toSlack).not.toContain(checkout.root);
    // The terminal's status, read on the bot's host, keeps the whole path.
    expect(bot.bot.watch.statusLines().find((line) => line.startsWith("• Database file"))).toContain(`The database file is missing: ${checkout.databasePath}`);
  });

  it('reopens the same alert for a database file that flaps: one alert, its first return and its end said in its thread, also across a restart', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    // Checks by hand only (the interval never comes); the flap window is the reminder interval, at least an hour.
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '10m', DATABOX_ALERT_REMINDER: '20m', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false' };
    const file = checkout.databasePath;
    const aside = `${file}.aside`;
    await createHealthyDatabase(file, 100);
    const start = async () => {
      await harness?.stop();
      harness = await startBot(checkout, slack, env, clock);
      await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
      await harness.bot.watch.idle();
    };
    // The stack rewriting the file: gone at one check, back at the next.
    const checkAfterAMinute = async (there: boolean) => {
      now += minute;
      fs.renameSync(there ? aside : file, there ? file : aside);
      await harness!.bot.watch.checkOnce();
    };
    fs.renameSync(file, aside);
    await start();
    await checkAfterAMinute(true);
    await checkAfterAMinute(false);
    await checkAfterAMinute(true);
    now += minute;
    await start();
    await checkAfterAMinute(false);
    await checkAfterAMinute(true);
    now += 60 * minute;
    await harness!.bot.watch.checkOnce();

    expect(alerts()).toHaveLength(1);
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    const replies = slack.callsTo('chat.postMessage').filter((a) => a.thread_ts === alertTs).map((a) => String(a.text));
    expect(replies).toHaveLength(4);
    expect(replies[0]).toMatch(/^:white_check_mark: Database file: back to healthy at 09:01 UTC, after 1 min \(since 09:00 UTC\) \(/);
    // Slack's alert and its thread name the database by its file: the server's paths stay out of them.
    expect(replies[1]).toBe(':rotating_light: Back again, 2nd time in 2 min: The database file is missing: databox.duckdb');
    // The end after "Back again" is said too: neither the thread nor the channel ends on it.
    expect(replies[2]).toMatch(/^:white_check_mark: Database file: back to healthy at 09:03 UTC, after 3 min \(since 09:00 UTC\); it flapped: bad 2 times in 2 min \(/);
    expect(replies[3]).toMatch(/^:white_check_mark: Database file: back to healthy at 09:06 UTC, after 6 min \(since 09:00 UTC\), and it has held for 1 h; it flapped: bad 3 times in 6 min \(/);
    // Its ends and its return said go to the channel too (an edit notifies nobody); "settled" stays in the thread.
    expect(threadReplies(alertTs).map((r) => r.toChannel)).toEqual([true, true, true, false]);
    // The alert follows it, active with its button and saying it flaps while it is wrong, and ends saying the whole span.
    const alert = slack.messages().find((m) => m.ts === alertTs)!;
    const missing = ':rotating_light: The database file is missing: databox.duckdb';
    expect(alert.updates.map((u) => u.text)).toEqual([
      ':white_check_mark: Ended (Database file: back to healthy at 09:01 UTC, after 1 min (since 09:00 UTC)): ~The database file is missing: databox.duckdb~',
      missing,
      ':white_check_mark: Ended (Database file: back to healthy at 09:03 UTC, after 3 min (since 09:00 UTC); it flapped: bad 2 times in 2 min): ~The database file is missing: databox.duckdb~',
      missing,
      ':white_check_mark: Ended (Database file: back to healthy at 09:06 UTC, after 6 min (since 09:00 UTC); it flapped: bad 3 times in 5 min): ~The database file is missing: databox.duckdb~',
    ]);
    expect(alert.updates[1]?.blocks).toContain('Flapping: bad 2 times in 2 min.');
    expect(alert.updates[3]?.blocks).toContain('Flapping: bad 3 times in 5 min.');
    expect(alert.updates[3]?.blocks).toContain('open_incident_from_alert');
    expect(alert.blocks).not.toContain('open_incident_from_alert');
    expect(journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.')).map((r) => r.type)).toEqual([
      'watch.alerted',
      'watch.recovered',
      'watch.returned',
      'watch.recovered',
      'watch.returned',
      'watch.recovered',
      'watch.settled',
    ]);
    // Its end journaled as its thread said it: from its first time to its last end.
    const settled = journalRecordsOf(checkout).find((r) => r.type === 'watch.settled');
    expect(settled?.data.span).toEqual({ began: '2026-04-21T09:00:00.000Z', firstSeen: '2026-04-21T09:00:00.000Z', ended: '2026-04-21T09:06:00.000Z', lastedMs: 6 * minute });
  });

  it('sends a reminder and the end to the channel too, and what changed to the alert\'s thread only', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '10m', DATABOX_ALERT_REMINDER: '20m', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    // Missing, then damaged: what is wrong changed; then still damaged past the reminder interval; then mended.
    now += minute;
    writeGarbage(checkout.databasePath);
    await harness.bot.watch.checkOnce();
    now += 25 * minute;
    await harness.bot.watch.checkOnce();
    now += minute;
    fs.rmSync(checkout.databasePath);
    await createHealthyDatabase(checkout.databasePath, 100);
    await harness.bot.watch.checkOnce();

    expect(alerts()).toHaveLength(1);
    const replies = threadReplies(alertTs);
    expect(replies.map((r) => r.text.split(':')[1])).toEqual(['arrows_counterclockwise', 'alarm_clock', 'white_check_mark']);
    expect(replies.map((r) => r.toChannel)).toEqual([false, true, true]);
  });

  it('alerts when the database file is gone, with a button and a command for scenario 1, and says when it is back', async () => {
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1s', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    harness = await startBot(checkout, slack, env);
    await slack.waitFor('the database alert', () => alerts().length === 1);
    const [alert] = alerts();
    expect(String(alert?.text)).toBe(`:rotating_light: The database file is missing: databox.duckdb`);
    expect(String(alert?.blocks)).toContain('or type `/databox diagnose duckdb` where you handle incidents');
    const [button] = slack.buttons('open_incident_from_alert');
    expect(button).toMatchObject({ value: JSON.stringify({ scenario: 'duckdb', watcher: 'database' }) });
    await createHealthyDatabase(checkout.databasePath, 100);
    await slack.waitFor('the recovery', () => slack.callsTo('chat.postMessage').some((m) => m.thread_ts === button?.ts && String(m.text).includes('Database file: back to healthy')));
    expect(alerts()).toHaveLength(1);
  });

  it('judges nothing while a recovery moves the file, then says it is back: one alert (damaged), no "missing", one recovery', async () => {
    await damagedFileRebuiltWithPathA({ sleepMs: 30_000, untilReleased: true, createDatabase: 'data/databox.duckdb' });
    await slack.waitFor('the rebuild to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'));
    // The file is moved aside while the rebuild runs: the watcher says it is not judging, and posts nothing.
    await slack.waitFor('a check during the plan', () => /not checked while plan dbx-\S+ is changing the database/.test(harness?.bot.watch.lastCheck('database')?.finding?.summary ?? ''));
    checkout.release();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    await slack.waitFor('the recovery in the alert thread', () => slack.callsTo('chat.postMessage').some((m) => alertTs !== undefined && m.thread_ts === alertTs && String(m.text).includes('Database file: back to healthy')), 30_000);
    expect(alerts().map((a) => String(a.text))).toEqual([`:rotating_light: The database file is damaged: databox.duckdb`]);
    expect(slack.allText()).not.toContain('The database file is missing');
  });

  it('looks again as soon as a recovery ends, not at its next interval: the status and the alert say the file is back', async () => {
    const bot = await damagedFileRebuiltWithPathA({ createDatabase: 'data/databox.duckdb' }, '1h');
    await slack.waitFor('the recovery to end', () => journalRecordsOf(checkout).some((r) => r.type === 'run.finished' && r.data.status === 'succeeded' && /\/2$/.test(String(r.data.runId))));
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    await slack.waitFor('the recovery in the alert thread', () => slack.callsTo('chat.postMessage').some((m) => alertTs !== undefined && m.thread_ts === alertTs && String(m.text).includes('Database file: back to healthy')));
    await bot.bot.watch.idle();
    const text = String(((await bot.command('status')).json?.text) ?? '');
    expect(text).toMatch(/• Database file: healthy: .* \(last check \d\d:\d\d:\d\d UTC, every 1 h\)/);
    expect(alerts()).toHaveLength(1);
  });

  it('names the recovery that stopped part-way on the file when the file is found moved aside, so nobody starts another', async () => {
    const bot = await damagedFileRebuiltWithPathA({ stderr: 'dlt: raw_noaa failed\n', exit: 1 });
    await bot.settle();
    expect(slack.allText()).toContain('Recovery failed');
    const run = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId as string;
    const changed = () => slack.callsTo('chat.postMessage').find((m) => String(m.text).startsWith(':arrows_counterclockwise: Still an outage'));
    await slack.waitFor('the alert updated to the moved file', () => changed() !== undefined, 20_000);
    expect(String(changed()?.text)).toContain(`The database file is missing: databox.duckdb. Recovery ${run} stopped part-way on it: read its thread first`);
    expect(alerts()).toHaveLength(1);
  });

  it('says in /databox status that an alert Slack refused for its channel was not posted, naming DATABOX_ALERT_CHANNEL', async () => {
    slack.failures.set('chat.postMessage', 'channel_not_found');
    harness = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0TYPO', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' });
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    slack.failures.delete('chat.postMessage');
    const text = String(((await harness.command('status')).json?.text) ?? '');
    expect(text).toContain(
      `• Database file: PROBLEM, not alerted yet: The database file is missing: databox.duckdb (the alert could not be posted: Slack refused it in DATABOX_ALERT_CHANNEL C0TYPO: channel_not_found (check the channel ID, and that the bot was invited to it); tried again at each check)`,
    );
  });

  it('posts an outage found while DATABOX_ALERT_CHANNEL was unset once a bot on the same state dir has one, with when it began', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    const env = { DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    const startAndCheck = async (extra: Record<string, string> = {}) => {
      await harness?.stop();
      harness = await startBot(checkout, slack, { ...env, ...extra }, clock);
      await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
      await harness.bot.watch.idle();
    };
    await startAndCheck();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    // Nothing reached anyone: the journal says so, and why, rather than that an alert was sent.
    const found = journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.'));
    expect(found.map((r) => [r.type, r.data.why, r.data.ref])).toEqual([['watch.not-posted', 'DATABOX_ALERT_CHANNEL is not set', undefined]]);
    // Neither /databox status nor the terminal's calls it alerting: it says nobody was told, and why.
    const unposted = `• Database file: PROBLEM since 2026-04-21 09:00 UTC (0 ms): The database file is missing: databox.duckdb (not posted: DATABOX_ALERT_CHANNEL is not set) (last check 09:00:00 UTC, every 1 h)`;
    expect(String((await harness!.command('status')).json?.text)).toContain(unposted);
    const terminal = await runCliProcess(['status'], { env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, ...env }), stdin: 'ignore' });
    expect(terminal.stdout).toMatch(/\n {2}Database file: PROBLEM since 2026-04-21 09:00 UTC \([^)]+\): The database file is missing: \S+databox\.duckdb \(not posted: DATABOX_ALERT_CHANNEL is not set\) \(last check /);

    now += 25 * minute;
    await startAndCheck({ DATABOX_ALERT_CHANNEL: 'C0ALERTS' });
    expect(alerts().map((a) => String(a.text))).toEqual([`:rotating_light: The database file is missing: databox.duckdb`]);
    expect(String(alerts()[0]?.blocks)).toContain('Noticed by the database watcher at 2026-04-21 09:00 UTC.');
    now += minute;
    await startAndCheck({ DATABOX_ALERT_CHANNEL: 'C0ALERTS' });
    expect(alerts(), 'posted once, not at each restart').toHaveLength(1);

    await createHealthyDatabase(checkout.databasePath, 100);
    now += minute;
    await harness!.bot.watch.checkOnce();
    const alertTs = slack.buttons('open_incident_from_alert')[0]?.ts;
    expect(threadReplies(alertTs).map((r) => r.text)).toEqual([`:white_check_mark: Database file: back to healthy at 09:27 UTC, after 27 min (since 09:00 UTC) (databox.duckdb opens read-only)`]);
    const records = journalRecordsOf(checkout).filter((r) => r.type.startsWith('watch.'));
    expect(records.map((r) => [r.type, r.data.since, r.data.said])).toEqual([
      ['watch.not-posted', '2026-04-21T09:00:00.000Z', undefined],
      ['watch.alerted', '2026-04-21T09:00:00.000Z', undefined],
      ['watch.recovered', '2026-04-21T09:00:00.000Z', true],
    ]);
  });

  it('ends an outage whose channel was archived before its end: its end tried once, the status saying it ended and why, a new outage its own', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    expect(alerts()).toHaveLength(1);
    slack.refuse = (method, args) => (args.channel === 'C0ALERTS' && method.startsWith('chat.') ? 'is_archived' : undefined);
    await createHealthyDatabase(checkout.databasePath, 100);
    for (let i = 0; i < 3; i += 1) {
      now += minute;
      await harness.bot.watch.checkOnce();
    }
    const toArchived = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ALERTS' && c.args.thread_ts);
    expect(toArchived(), 'tried once, not at every check').toHaveLength(1);
    const status = String((await harness.command('status')).json?.text);
    expect(status).toContain(
      `• Database file: healthy: databox.duckdb opens read-only (unchanged since it last did) (the outage since 2026-04-21 09:00 UTC ended at 2026-04-21 09:01 UTC; its end could not be posted: Slack refused it in C0ALERTS, DATABOX_ALERT_CHANNEL: is_archived (the channel is archived))`,
    );
    const recovered = journalRecordsOf(checkout).filter((r) => r.type === 'watch.recovered');
    expect(recovered.map((r) => r.data.undelivered)).toEqual(['Slack refused it in C0ALERTS, DATABOX_ALERT_CHANNEL: is_archived (the channel is archived)']);

    // The channel changed and the bot restarted: a new outage is alerted there, from its own start.
    await harness.stop();
    harness = await startBot(checkout, slack, { ...env, DATABOX_ALERT_CHANNEL: 'C0ALERTS2' }, clock);
    await harness.bot.watch.idle();
    fs.rmSync(checkout.databasePath);
    now += minute;
    await harness.bot.watch.checkOnce();
    const moved = slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS2' && !a.thread_ts);
    expect(moved.map((a) => String(a.text))).toEqual([`:rotating_light: The database file is missing: databox.duckdb`]);
    expect(String(moved[0]?.blocks)).toContain('Noticed by the database watcher at 2026-04-21 09:04 UTC.');
  });

  it('alerts a problem back within the flap window after its end was refused in an archived channel anew, with its own start, not as the old alert reopened', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    harness = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' }, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    slack.refuse = (method, args) => (args.channel === 'C0ALERTS' && method.startsWith('chat.') ? 'is_archived' : undefined);
    await createHealthyDatabase(checkout.databasePath, 100);
    now += minute;
    await harness.bot.watch.checkOnce();
    fs.rmSync(checkout.databasePath);
    now += minute;
    await harness.bot.watch.checkOnce();
    const alertsTried = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ALERTS' && !c.args.thread_ts);
    expect(alertsTried, 'the first alert, then a new one tried').toHaveLength(2);
    expect(String(alertsTried[1]?.args.blocks)).toContain('Noticed by the database watcher at 2026-04-21 09:02 UTC.');
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'watch.returned'), 'not the old alert reopened').toEqual([]);
  });

  it('says the end of an outage alerted in a former DATABOX_ALERT_CHANNEL in the new one, naming where its alert was', async () => {
    const minute = 60_000;
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    await harness.stop();
    await createHealthyDatabase(checkout.databasePath, 100);
    now += minute;
    harness = await startBot(checkout, slack, { ...env, DATABOX_ALERT_CHANNEL: 'C0ALERTS2' }, clock);
    await slack.waitFor('the check after the restart', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    const inNew = slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS2');
    expect(inNew.map((a) => [String(a.text), a.thread_ts])).toEqual([
      [`:white_check_mark: Database file: back to healthy at 09:01 UTC, after 1 min (since 09:00 UTC) (databox.duckdb opens read-only) (its alert was posted in <#C0ALERTS>)`, undefined],
    ]);
    expect(threadReplies(slack.buttons('open_incident_from_alert')[0]?.ts), 'nothing more in the former channel').toEqual([]);
  });

  it('says of an outage that ended while the bot was not running that it was found healthy at the start, and when the bot was not running, not a length to the restart', async () => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' };
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    await harness.stop();
    // Mended while the bot was down, found so at its next start three hours later.
    await createHealthyDatabase(checkout.databasePath, 100);
    now += (3 * 60 + 6) * 60_000;
    harness = await startBot(checkout, slack, env, clock);
    await slack.waitFor('the check at the start', () => harness?.bot.watch.lastCheck('database') !== undefined);
    await harness.bot.watch.idle();
    expect(threadReplies(slack.buttons('open_incident_from_alert')[0]?.ts).map((r) => r.text)).toEqual([
      `:white_check_mark: Database file: found healthy at 12:06 UTC, when the bot started again; the bot was not running from 09:00 UTC to 12:06 UTC (since 09:00 UTC) (databox.duckdb opens read-only)`,
    ]);
    const recovered = journalRecordsOf(checkout).filter((r) => r.type === 'watch.recovered');
    expect(recovered.map((r) => (r.data.span as { unwatched?: unknown }).unwatched)).toEqual([{ from: '2026-04-21T09:00:00.000Z', to: '2026-04-21T12:06:00.000Z' }]);
  });

  it('keeps the server\'s paths out of the disk alert, its evidence and /databox status when the database file is not there', async () => {
    // No database file: the disk watcher measures the volume of its folder instead, and says so.
    harness = await startBot(checkout, slack, { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false' });
    const diskAlert = () => alerts().find((a) => String(a.text).includes('Disk at or over 1%'));
    await slack.waitFor('the disk alert', () => diskAlert() !== undefined);
    const posted = JSON.stringify(diskAlert());
    expect(String(diskAlert()?.text)).toMatch(/^:rotating_light: Disk at or over 1%: the volume holding databox\.duckdb \(not there: measured the volume of the nearest folder above it instead\) \d+% used/);
    expect(posted).toContain('databox.duckdb (not there: measured the volume of the nearest folder above it instead): ');
    expect(posted).not.toContain(checkout.root);
    const status = await harness.command('status');
    const diskLine = String(status.json?.text ?? status.text).split('\n').find((line) => line.startsWith('• Disk space'));
    expect(diskLine).toContain('databox.duckdb (not there: measured the volume of the nearest folder above it instead)');
    expect(diskLine).not.toContain(checkout.root);
    // The terminal keeps the whole path.
    expect(harness.bot.watch.statusLines().find((line) => line.startsWith('• Disk space'))).toContain(`${checkout.databasePath} (not there: measured the volume holding ${path.dirname(checkout.databasePath)} instead)`);
  });

  it('lists each watcher with its state and last check in /databox status', async () => {
    harness = await startBot(checkout, slack, { DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false' });
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('disk') !== undefined);
    const response = await harness.command('status');
    const text = String(response.json?.text ?? response.text);
    expect(text).toContain('*Watchers:*');
    expect(text).toContain('• Dagster daemon heartbeat: off: DAGSTER_URL is not set');
    expect(text).toMatch(/• Disk space: healthy: under 90% used: .* \(last check \d\d:\d\d:\d\d UTC, every 1 h\)/);
    expect(text).toContain('• Mart freshness: turned off (DATABOX_WATCH_MARTS=false)');
    // No DATABOX_ALERT_CHANNEL: the problem was posted nowhere, and the status says so.
    // Named by its file, as the alerts name it: the server's paths stay out of Slack.
    expect(text).toMatch(/• Database file: PROBLEM since [\d-]+ [\d:]+ UTC \([^)]*\): The database file is missing: databox\.duckdb \(not posted: DATABOX_ALERT_CHANNEL is not set\) \(last check/);
    expect(text.split('\n').find((line) => line.startsWith('• Database file'))).not.toContain(checkout.root);
  });

  it('refuses a forged alert button without opening anything', async () => {
    harness = await startBot(checkout, slack, { DATABOX_WATCH_INTERVAL: '1h' });
    await harness.click({ actionId: 'open_incident_from_alert', value: '{"scenario":"rm -rf"}', channel: 'C0ALERTS', ts: '1.1' }, 'U0ONCALL');
    await harness.settle();
    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
    expect(journal).toContain('this button carries a value the bot never gave it');
    expect(slack.callsTo('chat.postMessage').filter((a) => String(a.text).startsWith('Incident dbx-'))).toHaveLength(0);
  });
});
