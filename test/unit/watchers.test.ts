// The watchers: one alert per outage and one recovery message across a restart, reminders, the webserver-down threshold,
// the disk threshold, stale marts against their SLAs, a flapping condition's one alert, and the polling interval on a fake clock.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import nock from 'nock';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { localTarget } from '../../src/database/local-target.js';
import { databaseTargets, type DatabaseTargets } from '../../src/database/targets.js';
import { Journal } from '../../src/journal/journal.js';
import { loadMartSlas } from '../../src/marts/slas.js';
import { runCommand } from '../../src/process/run-command.js';
import { decideAlert, flapWindowMs, whyNotPosted, type AlertRef, type OutageState } from '../../src/watchers/alert-state.js';
import { daemonWatcher } from '../../src/watchers/daemon-watcher.js';
import { databaseWatcher } from '../../src/watchers/database-watcher.js';
import { probeOpen } from '../../src/duckdb/probe.js';
import { createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { diskWatcher } from '../../src/watchers/disk-watcher.js';
import type { Finding, Watcher } from '../../src/watchers/finding.js';
import { buildWatchers } from '../../src/watchers/build-watchers.js';
import { martsWatcher } from '../../src/watchers/marts-watcher.js';
import { fileLook } from '../../src/watchers/file-look.js';
import { outageSpan, recoveryText } from '../../src/watchers/outage-span.js';
import { flappingText, ordinal, WatchService, type AlertSink } from '../../src/watchers/watch-service.js';
import { daemonHealthyNow, dagsterUrl, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useTempDirs } from '../support/fixtures.js';

blockNetwork();
afterEach(() => nock.cleanAll());
const tempDir = useTempDirs('watch-');
const silent = pino({ level: 'silent' });
const minute = 60_000;

/** A clock the test moves by hand. */
function fakeClock(start = recordedAt) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** The journal's records as written, oldest first. */
function journalLines(journal: Journal): { type: string; data: Record<string, unknown> }[] {
  return fs.readFileSync(journal.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

interface Posted {
  kind: 'alert' | 'reminder' | 'changed' | 'recovered' | 'returned' | 'settled';
  text: string;
  scenario?: string;
}

function recordingSink(posted: Posted[], failing = { alert: false }): AlertSink {
  let n = 0;
  return {
    async alert(finding: Finding): Promise<AlertRef> {
      if (failing.alert) throw new Error('Slack is down');
      posted.push({ kind: 'alert', text: finding.summary, scenario: finding.scenario });
      n += 1;
      return { channel: 'C0ALERTS', ts: `1776762000.00000${n}` };
    },
    async reminder(finding: Finding, outage: OutageState, now: Date, notRunning = '') {
      if (failing.alert) throw new Error('Slack is down');
      posted.push({ kind: 'reminder', text: `still: ${finding.summary} since ${outage.since} at ${now.toISOString()}${notRunning}` });
    },
    async changed(finding: Finding, outage: OutageState, worse: boolean) {
      posted.push({ kind: 'changed', text: `${worse ? 'worse' : 'now'}: ${finding.summary} (was: ${outage.summary}) since ${outage.since}` });
    },
    async recovered(watcher: Watcher, outage: OutageState, span, _finding: Finding, said: boolean) {
      // A quiet end (a flapping outage) edits only the alert: not a message in the thread.
      if (said) posted.push({ kind: 'recovered', text: recoveryText(watcher.title, span) });
      else posted.push({ kind: 'recovered', text: `quietly: ${flappingText(outage)}` });
    },
    async returned(finding: Finding, outage: OutageState, said: boolean) {
      posted.push({ kind: 'returned', text: `${said ? 'said' : 'quietly'}: ${flappingText(outage)}: ${finding.summary}` });
    },
    async settled(watcher: Watcher, outage: OutageState, span, heldMs: number) {
      posted.push({ kind: 'settled', text: `${recoveryText(watcher.title, span)}: held ${heldMs / minute} min after ${flappingText(outage) ?? 'no flap'}` });
    },
  };
}

function daemonService(stateDir: string, clock: () => Date, posted: Posted[], reminderMs = 4 * 60 * minute, failing = { alert: false }) {
  const journal = new Journal(stateDir, clock);
  const watcher = daemonWatcher({
    client: new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000 }),
    runCommand,
    root: stateDir,
    heartbeatMaxAgeMs: 3 * minute,
    downAfterMs: 5 * minute,
    enabled: true,
  });
  const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted, failing), logger: silent, intervalMs: minute, reminderMs, clock });
  journal.load();
  return { journal, service };
}

describe('the alert rule', () => {
  const outage: OutageState = { since: '2026-04-21T09:00:00.000Z', summary: 'x', lastPostedAt: '2026-04-21T09:00:00.000Z' };
  const at = (iso: string) => new Date(iso);
  const timing = { reminderMs: 4 * 60 * minute, flapWindowMs: 20 * minute };
  it('alerts once, stays quiet while it lasts, reminds after the longer interval, and posts the recovery once', () => {
    expect(decideAlert(undefined, 'problem', at('2026-04-21T09:00:00Z'), timing)).toEqual({ kind: 'alert' });
    expect(decideAlert(outage, 'problem', at('2026-04-21T12:59:00Z'), timing)).toEqual({ kind: 'none' });
    expect(decideAlert(outage, 'problem', at('2026-04-21T13:00:00Z'), timing)).toEqual({ kind: 'reminder', outage });
    expect(decideAlert(outage, 'healthy', at('2026-04-21T09:42:00Z'), timing)).toEqual({ kind: 'recovered', outage, durationMs: 42 * minute, said: true });
    expect(decideAlert(undefined, 'healthy', at('2026-04-21T09:42:00Z'), timing)).toEqual({ kind: 'none' });
    expect(decideAlert(outage, 'unknown', at('2026-04-21T19:00:00Z'), timing)).toEqual({ kind: 'none' });
  });
  it('says a change of what is wrong once, then no more often than the reminders, however often it flips', () => {
    const missing = { ...outage, problem: 'missing' };
    expect(decideAlert(missing, 'problem', at('2026-04-21T09:01:00Z'), timing, 'corrupt')).toEqual({ kind: 'changed', outage: missing, worse: false, crossed: false });
    const changed = { ...missing, problem: 'corrupt', changedAt: '2026-04-21T09:01:00.000Z', lastPostedAt: '2026-04-21T09:01:00.000Z' };
    expect(decideAlert(changed, 'problem', at('2026-04-21T09:02:00Z'), timing, 'missing')).toEqual({ kind: 'none' });
    expect(decideAlert(changed, 'problem', at('2026-04-21T13:01:00Z'), timing, 'missing')).toEqual({ kind: 'changed', outage: changed, worse: false, crossed: false });
  });
  it('alerts anew, not reopening it, a condition back within the flap window after its end was refused for good (its channel archived)', () => {
    const refused = { ...outage, endedAt: '2026-04-21T09:10:00.000Z', lastPostedAt: '2026-04-21T09:10:00.000Z', undelivered: 'Slack refused it in C0ALERTS, DATABOX_ALERT_CHANNEL: is_archived' };
    expect(decideAlert(refused, 'problem', at('2026-04-21T09:11:00Z'), timing)).toEqual({ kind: 'alert' });
    expect(decideAlert(refused, 'healthy', at('2026-04-21T09:11:00Z'), timing)).toEqual({ kind: 'none' });
  });
  it('reopens the same alert for a condition back within the flap window: its first return said, later ones no more often than the reminders, its end once it held', () => {
    const iso = (hhmm: string) => `2026-04-21T${hhmm}:00.000Z`;
    // Alerted at 09:00, back to healthy at 09:10, and said so.
    const ended = { ...outage, endedAt: iso('09:10'), lastPostedAt: iso('09:10') };
    expect(decideAlert(ended, 'problem', at(iso('09:15')), timing), 'the thread said "back to healthy": its return is said').toEqual({ kind: 'returned', outage: ended, said: true });
    const flapping = { ...outage, returns: 1, returnedAt: iso('09:15'), lastPostedAt: iso('09:15'), lastSaidWrong: true };
    expect(decideAlert(flapping, 'problem', at(iso('09:16')), timing)).toEqual({ kind: 'none' });
    // The thread's latest word is "Back again": its end is said too, or the thread would end on it.
    expect(decideAlert(flapping, 'healthy', at(iso('09:16')), timing)).toEqual({ kind: 'recovered', outage: flapping, durationMs: 16 * minute, said: true });
    const endedAgain = { ...flapping, endedAt: iso('09:16'), lastPostedAt: iso('09:16'), lastSaidWrong: false };
    expect(decideAlert(endedAgain, 'problem', at(iso('09:17')), timing)).toEqual({ kind: 'returned', outage: endedAgain, said: false });
    // A return not said leaves the thread's latest word "back to healthy": its end edits the alert only, said once it has held.
    const returnedQuietly = { ...endedAgain, returns: 2, returnedAt: iso('09:17'), endedAt: undefined };
    expect(decideAlert(returnedQuietly, 'healthy', at(iso('09:18')), timing)).toEqual({ kind: 'recovered', outage: returnedQuietly, durationMs: 18 * minute, said: false });
    const quietlyEnded = { ...flapping, lastSaidWrong: false, endedAt: iso('09:16'), endUnsaid: true };
    expect(decideAlert(quietlyEnded, 'problem', at(iso('09:17')), timing)).toEqual({ kind: 'returned', outage: quietlyEnded, said: false });
    expect(decideAlert(quietlyEnded, 'healthy', at(iso('09:35')), timing)).toEqual({ kind: 'none' });
    expect(decideAlert(quietlyEnded, 'unknown', at(iso('09:40')), timing)).toEqual({ kind: 'none' });
    expect(decideAlert(quietlyEnded, 'healthy', at(iso('09:36')), timing)).toEqual({ kind: 'settled', outage: quietlyEnded, heldMs: 20 * minute });
    // Still flapping four hours after the thread last spoke: that return is said, as a reminder would be.
    const longFlapping = { ...quietlyEnded, endedAt: iso('13:10') };
    expect(decideAlert(longFlapping, 'problem', at(iso('13:15')), timing)).toEqual({ kind: 'returned', outage: longFlapping, said: true });
    // Past the window: a said end is over, and a problem is a new outage with its own alert.
    expect(decideAlert(ended, 'healthy', at(iso('09:30')), timing)).toEqual({ kind: 'none' });
    expect(decideAlert(ended, 'problem', at(iso('09:30')), timing)).toEqual({ kind: 'alert' });
    expect(decideAlert(quietlyEnded, 'problem', at(iso('09:36')), timing)).toEqual({ kind: 'alert' });
  });
  it('reads an outage whose alert has no message as never posted, for want of a channel; one with a message as posted', () => {
    expect(whyNotPosted(outage)).toBe('DATABOX_ALERT_CHANNEL is not set');
    expect(whyNotPosted({ ...outage, ref: { channel: 'C0ALERTS', ts: '1776762000.000001' } })).toBeUndefined();
  });
  it('takes the reminder interval, at least an hour, as the flap window, whatever the checks\' interval, and counts the times', () => {
    expect(flapWindowMs(4 * 60 * minute)).toBe(4 * 60 * minute);
    expect(flapWindowMs(20 * minute)).toBe(60 * minute);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th']);
    expect(flappingText({ ...outage, returns: 2, returnedAt: '2026-04-21T09:12:00.000Z' })).toBe('bad 3 times in 12 min');
    expect(flappingText(outage)).toBeUndefined();
  });
  it('says when the outage began, when it ended and how long it lasted, one way for every watcher', () => {
    const from = (since: string, ended: string, began?: OutageState['began']) => outageSpan({ since, began }, ended);
    expect(recoveryText('Disk space', from('2026-04-21T02:25:00.000Z', '2026-04-21T03:12:00.000Z'))).toBe('Disk space: back to healthy at 03:12 UTC, after 47 min (since 02:25 UTC)');
    expect(recoveryText('Mart freshness', from('2026-04-21T07:00:00.000Z', '2026-04-21T09:05:00.000Z'))).toBe('Mart freshness: back to healthy at 09:05 UTC, after 2 h 5 min (since 07:00 UTC)');
    // A short one in seconds, never "1 min".
    expect(recoveryText('Database file', from('2026-04-21T09:00:00.000Z', '2026-04-21T09:00:03.000Z'))).toBe('Database file: back to healthy at 09:00 UTC, after 3 s (since 09:00 UTC)');
    expect(recoveryText('Database file', from('2026-04-21T09:00:00.000Z', '2026-04-21T09:00:35.000Z'))).toBe('Database file: back to healthy at 09:00 UTC, after 35 s (since 09:00 UTC)');
    // Over midnight both times carry their date: read the next morning, neither is taken for today's.
    expect(recoveryText('Disk space', from('2026-04-20T23:50:00.000Z', '2026-04-21T00:30:00.000Z'))).toBe(
      'Disk space: back to healthy at 2026-04-21 00:30 UTC, after 40 min (since 2026-04-20 23:50 UTC)',
    );
    // Where the check told when it began (a daemon's last heartbeat), the outage counts from then, never from the alert.
    const heartbeat = { at: '2026-04-18T04:00:00.000Z', what: 'the last heartbeat before the alert' };
    const daemon = from('2026-04-21T09:00:00.000Z', '2026-04-21T09:02:00.000Z', heartbeat);
    expect(daemon).toEqual({ began: heartbeat.at, beganWhat: heartbeat.what, firstSeen: '2026-04-21T09:00:00.000Z', ended: '2026-04-21T09:02:00.000Z', lastedMs: (3 * 24 * 60 + 5 * 60 + 2) * minute });
    expect(recoveryText('Dagster daemon heartbeat', daemon)).toBe(
      'Dagster daemon heartbeat: back to healthy at 2026-04-21 09:02 UTC, after 3 d 5 h (since 2026-04-18 04:00 UTC, the last heartbeat before the alert; the watcher first saw it at 09:00 UTC)',
    );
    // A moment after the first check (a daemon Dagster calls unhealthy that heartbeat since) starts nothing earlier.
    expect(recoveryText('Dagster daemon heartbeat', from('2026-04-21T09:00:00.000Z', '2026-04-21T09:02:00.000Z', { ...heartbeat, at: '2026-04-21T09:01:00.000Z' }))).toBe(
      'Dagster daemon heartbeat: back to healthy at 09:02 UTC, after 2 min (since 09:00 UTC)',
    );
  });
});

describe('daemon heartbeat watcher', () => {
  it("says, beside an outage's length, how much of it the bot was not running: in the status and in a reminder", async () => {
    const stateDir = tempDir();
    const clock = fakeClock(new Date(recordedAt.getTime() - 42 * minute));
    const posted: Posted[] = [];
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });
    const first = daemonService(stateDir, clock.now, posted);
    await first.service.checkOnce();
    const lastSeen = clock.now().toISOString();
    // Killed, and started again five hours later: the restart journals the stretch nobody watched.
    clock.advance(5 * 60 * minute);
    await first.journal.commit({ type: 'bot.started', incident: null, actor: 'databox-bot', data: { pid: 1, previous: { lastSeen, stoppedCleanly: false } } });
    await first.journal.flushed();
    const second = daemonService(stateDir, clock.now, posted);
    expect(second.service.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: ALERTING since 2026-04-18 05:41 UTC \(3 d 7 h; the bot was not running for 5 h of it; the last heartbeat before the alert/);
    await second.service.checkOnce();
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'reminder']);
    expect(posted[1]?.text).toMatch(/; the bot was not running for 5 h of it$/);
  });

  it('posts one alert per outage and one recovery message, across a restart of the bot', async () => {
    const stateDir = tempDir();
    // The outage is noticed 42 minutes before the healthy answer was recorded.
    const clock = fakeClock(new Date(recordedAt.getTime() - 42 * minute));
    const posted: Posted[] = [];
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });

    const first = daemonService(stateDir, clock.now, posted);
    await first.service.checkOnce();
    clock.advance(minute);
    await first.service.checkOnce();
    expect(posted).toEqual([{ kind: 'alert', text: 'Dagster daemon not heartbeating: SCHEDULER (last heartbeat 3 d 2 h ago, unhealthy), SENSOR (last heartbeat 3 d 2 h ago, unhealthy), BACKFILL (last heartbeat 3 d 2 h ago, unhealthy), ASSET (last heartbeat 3 d 2 h ago, unhealthy), QUEUED_RUN_COORDINATOR (last heartbeat 3 d 2 h ago, unhealthy)', scenario: 'schedule' }]);

    // The bot restarts: a new process reads the same journal and neither alerts again nor forgets the outage.
    const second = daemonService(stateDir, clock.now, posted);
    expect(second.service.outage('daemon')?.since).toBe('2026-04-21T08:18:00.000Z');
    clock.advance(10 * minute);
    await second.service.checkOnce();
    expect(posted).toHaveLength(1);
    // Counted from the last heartbeat, as the recovery message counts it, with when the watcher first saw it.
    expect(second.service.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: ALERTING since 2026-04-18 05:41 UTC \(3 d 2 h; the last heartbeat before the alert, first seen by the watcher at 2026-04-21 08:18 UTC\): Dagster daemon not heartbeating/);

    nock.cleanAll();
    serveDagster({ DataboxDaemonHealth: 'daemon-health-healthy' });
    clock.advance(31 * minute);
    await second.service.checkOnce();
    clock.advance(minute);
    await second.service.checkOnce();
    // Counted from the daemons' last heartbeat, as the alert (journaled before the restart) had it: not the 42 min watched.
    expect(posted.slice(1)).toEqual([
      { kind: 'recovered', text: 'Dagster daemon heartbeat: back to healthy at 2026-04-21 09:00 UTC, after 3 d 3 h (since 2026-04-18 05:41 UTC, the last heartbeat before the alert; the watcher first saw it at 08:18 UTC)' },
    ]);
    expect(journalLines(second.journal).map((r) => r.type)).toEqual(['watch.alerted', 'watch.recovered']);
    expect(journalLines(second.journal)[1]?.data.span).toMatchObject({ began: '2026-04-18T05:41:07.000Z', beganWhat: 'the last heartbeat before the alert', firstSeen: '2026-04-21T08:18:00.000Z', ended: '2026-04-21T09:00:00.000Z' });
    expect(second.service.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: healthy: 5 required daemons heartbeating \(last check 09:01:00 UTC, every 1 min\)$/);
  });

  it('reminds after the longer interval, not once per poll', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });
    const { service } = daemonService(tempDir(), clock.now, posted, 60 * minute);
    for (let i = 0; i < 130; i += 1) {
      await service.checkOnce();
      clock.advance(minute);
    }
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'reminder', 'reminder']);
    expect(posted[0]?.text).toMatch(/^Dagster daemon not heartbeating: SCHEDULER \(last heartbeat 3 d 3 h ago, unhealthy\), SENSOR /);
  });

  it('calls a silent webserver an outage only after the threshold', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    nock(dagsterUrl).persist().post('/graphql').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const { service } = daemonService(tempDir(), clock.now, posted);
    for (let i = 0; i < 5; i += 1) {
      await service.checkOnce();
      clock.advance(minute);
    }
    expect(posted).toEqual([]);
    expect(service.statusLines()[0]).toContain('cannot tell: The Dagster webserver did not answer (4 min so far)');
    await service.checkOnce();
    expect(posted).toEqual([{ kind: 'alert', text: 'The Dagster webserver has not answered for 5 min', scenario: 'schedule' }]);
  });

  it('counts a webserver that answers one check in five as down from its first failure: one answer does not start the count again', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    let asked = 0;
    const healthy = daemonHealthyNow(clock.now);
    serveDagster({ DataboxDaemonHealth: () => ((asked += 1) % 5 === 0 ? healthy() : 'Service Unavailable') });
    const { service, journal } = daemonService(tempDir(), clock.now, posted);
    for (let i = 0; i < 30; i += 1) {
      await service.checkOnce();
      clock.advance(minute);
    }
    // Said as intermittent: it answered once among the last checks.
    expect(posted[0]).toEqual({ kind: 'alert', text: 'The Dagster webserver gave no usable answer at 5 of its last 6 checks (over 5 min): intermittent, failing most checks for 5 min', scenario: 'schedule' });
    expect(posted.filter((p) => p.kind === 'alert')).toHaveLength(1);
    expect(journalLines(journal).filter((r) => r.type === 'watch.noticed')).toHaveLength(1);
    expect(journalLines(journal).filter((r) => r.type === 'watch.cleared')).toHaveLength(0);
  });

  it('does not call a daemon list with no required SCHEDULER "0 required daemons heartbeating": it alerts, naming why', async () => {
    const posted: Posted[] = [];
    serveDagster({ DataboxDaemonHealth: () => ({ data: { instance: { daemonHealth: { allDaemonStatuses: [] } } } }) });
    const { service } = daemonService(tempDir(), fakeClock().now, posted);
    await service.checkOnce();
    expect(posted).toEqual([{ kind: 'alert', text: "Dagster's daemon health lists no daemon at all", scenario: 'schedule' }]);
  });

  it('says an HTML page (a proxy\'s login) is an answer it cannot use, not silence', async () => {
    const posted: Posted[] = [];
    nock(dagsterUrl).persist().post('/graphql').reply(200, '<html><body>Sign in</body></html>');
    const { service } = daemonService(tempDir(), fakeClock().now, posted);
    await service.checkOnce();
    expect(service.statusLines()[0]).toContain(
      'cannot tell: The Dagster webserver gave no usable answer (first time): the Dagster webserver answered HTTP 200 with an HTML page, not JSON: ' +
        "a page usually means a login (an SSO or auth proxy) in front of Dagster: set DAGSTER_URL to Dagster's own address behind it, or give the bot's requests access through it",
    );
  });

  it('says once, in the same outage, when what is wrong changes (the webserver answers again: the daemon is stopped), and not again after a restart', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    const dir = tempDir();
    nock(dagsterUrl).post('/graphql').times(6).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3070' });
    const { service } = daemonService(dir, clock.now, posted);
    for (let i = 0; i < 6; i += 1) {
      await service.checkOnce();
      clock.advance(minute);
    }
    expect(posted.map((p) => p.kind)).toEqual(['alert']);
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });
    await service.checkOnce();
    clock.advance(minute);
    await service.checkOnce();
    expect(posted.map((p) => p.kind), 'one change, then quiet while it lasts').toEqual(['alert', 'changed']);
    expect(posted[1]?.text).toMatch(/^now: Dagster daemon not heartbeating: SCHEDULER .* \(was: The Dagster webserver has not answered for 5 min\) since /);
    expect(service.outage('daemon')?.problem).toBe('daemons not heartbeating');
    // A restarted bot knows what it last said.
    const again: Posted[] = [];
    const restarted = daemonService(dir, clock.now, again);
    clock.advance(minute);
    await restarted.service.checkOnce();
    expect(again).toEqual([]);
  });

  it('does not journal an alert Slack refused, so the next check posts it', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    const failing = { alert: true };
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });
    const { service, journal } = daemonService(tempDir(), clock.now, posted, 4 * 60 * minute, failing);
    await service.checkOnce();
    expect(service.outage('daemon')).toBeUndefined();
    failing.alert = false;
    clock.advance(minute);
    await service.checkOnce();
    expect(posted.map((p) => p.kind)).toEqual(['alert']);
    expect(fs.readFileSync(journal.file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('does not call a problem whose alert Slack refused healthy in the status: it says it was not alerted, and why', async () => {
    const clock = fakeClock();
    const failing = { alert: true };
    serveDagster({ DataboxDaemonHealth: 'daemon-health-stopped' });
    const { service } = daemonService(tempDir(), clock.now, [], 4 * 60 * minute, failing);
    await service.checkOnce();
    const [line] = service.statusLines();
    expect(line).toMatch(/^• Dagster daemon heartbeat: PROBLEM, not alerted yet: .+ \(the alert could not be posted: Slack is down; tried again at each check\) \(last check /);
    expect(line).not.toMatch(/: healthy: /);
    // Alerted, then its reminder refused: the status says the outage, and that its latest message was not posted.
    failing.alert = false;
    clock.advance(minute);
    await service.checkOnce();
    failing.alert = true;
    clock.advance(5 * 60 * minute);
    await service.checkOnce();
    expect(service.statusLines()[0]).toMatch(/^• Dagster daemon heartbeat: ALERTING since .+ \(its latest message could not be posted: Slack is down; tried again at each check\) \(last check /);
  });

  it('is off without DAGSTER_URL, and says so', () => {
    const watcher = daemonWatcher({ runCommand, root: '/', heartbeatMaxAgeMs: 1, downAfterMs: 1, enabled: true });
    expect(watcher.off).toBe('off: DAGSTER_URL is not set');
    expect(daemonWatcher({ runCommand, root: '/', heartbeatMaxAgeMs: 1, downAfterMs: 1, enabled: false, client: new DagsterClient({ url: dagsterUrl, timeoutMs: 1 }) }).off).toBe(
      'turned off (DATABOX_WATCH_DAEMON=false)',
    );
  });
});

describe('disk watcher', () => {
  it('fires with a low threshold and stays quiet with a high one', async () => {
    const dir = tempDir();
    const database = path.join(dir, 'data', 'databox.duckdb');
    const low = await diskWatcher({ paths: [database, dir], alertPercent: 1, fullPercent: 95, enabled: true }).check(recordedAt);
    expect(low).toMatchObject({ state: 'problem', scenario: 'duckdb' });
    expect(low.summary).toMatch(/^Disk at or over 1%: the volume holding .*data\/databox\.duckdb \(not there: measured the volume holding .* instead\) \d+(\.\d)?% used \(.* free\)$/);
    // The database and the state dir share this volume: reported once.
    expect(low.details).toHaveLength(1);
    const high = await diskWatcher({ paths: [database, dir], alertPercent: 100, fullPercent: 100, enabled: true }).check(recordedAt);
    expect(high.state).toBe('healthy');
  });

  it('says a path that is gone (its folder removed, its volume unmounted) is not there, naming the volume measured instead, never its figures under the path', async () => {
    const dir = tempDir();
    const database = path.join(dir, 'mnt', 'databox.duckdb');
    fs.mkdirSync(path.dirname(database));
    fs.writeFileSync(database, '');
    const watcher = diskWatcher({ paths: [database], alertPercent: 1, fullPercent: 100, enabled: true });
    expect((await watcher.check(recordedAt)).details).toEqual([expect.stringMatching(new RegExp(`^${database}: \\d+% used, `))]);
    fs.rmSync(path.dirname(database), { recursive: true });
    const gone = await watcher.check(recordedAt);
    expect(gone.details).toEqual([expect.stringMatching(new RegExp(`^${database} \\(not there: measured the volume holding ${dir} instead\\): \\d+% used, `))]);
    expect(gone.summary).toContain(`the volume holding ${database} (not there: measured the volume holding ${dir} instead) `);
  });

  it('says, back under the threshold, when the volume filled past it and how long it stayed there, and journals the same span', async () => {
    const dir = tempDir();
    const clock = fakeClock(new Date('2026-04-21T02:25:00Z'));
    const posted: Posted[] = [];
    // The threshold stands for the volume's use: at 1% it is over, at 100% back under.
    const options = { paths: [dir], alertPercent: 1, fullPercent: 95, enabled: true };
    const journal = new Journal(path.join(dir, 'var'), clock.now);
    journal.load();
    const service = new WatchService({ watchers: [diskWatcher(options)], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock: clock.now });
    await service.checkOnce();
    clock.advance(20 * minute);
    await service.checkOnce();
    options.alertPercent = 100;
    clock.advance(27 * minute);
    await service.checkOnce();
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'recovered']);
    expect(posted[1]?.text).toBe('Disk space: back to healthy at 03:12 UTC, after 47 min (since 02:25 UTC)');
    const recovered = journalLines(journal).find((r) => r.type === 'watch.recovered');
    expect(recovered?.data.span).toEqual({ began: '2026-04-21T02:25:00.000Z', firstSeen: '2026-04-21T02:25:00.000Z', ended: '2026-04-21T03:12:00.000Z', lastedMs: 47 * minute });
  });

  it('updates its alert, and says so at once, when a volume gets past DATABOX_DISK_FULL_PERCENT during the outage, however recent the last update', async () => {
    const dir = tempDir();
    const clock = fakeClock(new Date('2026-04-21T02:25:00Z'));
    const posted: Posted[] = [];
    // The thresholds stand for the volume's use: at 1% it is over, at 100% under.
    const options = { paths: [dir], alertPercent: 1, fullPercent: 100, enabled: true };
    const journal = new Journal(path.join(dir, 'var'), clock.now);
    journal.load();
    const service = new WatchService({ watchers: [diskWatcher(options)], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock: clock.now });
    await service.checkOnce();
    options.fullPercent = 1;
    clock.advance(minute);
    await service.checkOnce();
    // Back under it and over it again within the reminder interval: not worse than said, so not said again.
    options.fullPercent = 100;
    clock.advance(minute);
    await service.checkOnce();
    options.fullPercent = 1;
    clock.advance(minute);
    await service.checkOnce();
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'changed']);
    expect(posted[0]?.text).toMatch(/^Disk at or over 1%: /);
    expect(posted[1]?.text).toMatch(/^worse: Disk full \(at or over 1%\): the volume holding .* used \(.* free\), at or over DATABOX_DISK_FULL_PERCENT \(1%\): full \(was: Disk at or over 1%/);
    expect(journalLines(journal).filter((r) => r.type === 'watch.changed').map((r) => r.data.severity)).toEqual([2]);
    // After a restart the worst said is read back: back under it, then over it again, is still not news.
    const again: Posted[] = [];
    const restarted = new Journal(path.join(dir, 'var'), clock.now);
    const service2 = new WatchService({ watchers: [diskWatcher(options)], journal: restarted, sink: recordingSink(again), logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock: clock.now });
    restarted.load();
    options.fullPercent = 100;
    clock.advance(minute);
    await service2.checkOnce();
    options.fullPercent = 1;
    clock.advance(minute);
    await service2.checkOnce();
    expect(again).toEqual([]);
  });

  it('says at once that the outage got worse, even right after another change', () => {
    const timing = { reminderMs: 4 * 60 * minute, flapWindowMs: 20 * minute };
    const outage: OutageState = { since: '2026-04-21T09:00:00.000Z', summary: 'nearly full', lastPostedAt: '2026-04-21T09:05:00.000Z', changedAt: '2026-04-21T09:05:00.000Z', problem: 'a full', worst: 2 };
    const at = new Date('2026-04-21T09:06:00Z');
    expect(decideAlert(outage, 'problem', at, timing, 'a out of space', 3, true)).toEqual({ kind: 'changed', outage, worse: true, crossed: true });
    expect(decideAlert(outage, 'problem', at, timing, 'a nearly full; b full', 3)).toEqual({ kind: 'changed', outage, worse: true, crossed: false });
    expect(decideAlert(outage, 'problem', at, timing, 'a nearly full', 1)).toEqual({ kind: 'none' });
  });

  it('says at once, to the channel, a volume out of space after two full ones were said (its severity 3 under their 2+2)', () => {
    const timing = { reminderMs: 4 * 60 * minute, flapWindowMs: 20 * minute };
    // /data and /var both full (worst said 4), then /var freed (said as a change a minute ago).
    const bothFull: OutageState = { since: '2026-04-21T09:00:00.000Z', summary: 'Disk full', lastPostedAt: '2026-04-21T09:00:00.000Z', problem: '/data full; /var full', worst: 4 };
    const varFreed: OutageState = { ...bothFull, problem: '/data full', changedAt: '2026-04-21T09:05:00.000Z', lastPostedAt: '2026-04-21T09:05:00.000Z' };
    expect(decideAlert(bothFull, 'problem', new Date('2026-04-21T09:05:00Z'), timing, '/data full', 2)).toMatchObject({ kind: 'changed', worse: false, crossed: false });
    // /data out of space a minute later: DuckDB cannot write, and that is said at once, whatever the sum said before.
    expect(decideAlert(varFreed, 'problem', new Date('2026-04-21T09:06:00Z'), timing, '/data out of space', 3, true)).toEqual({ kind: 'changed', outage: varFreed, worse: true, crossed: true });
    // Out of space said once per outage: crossing again after it eased is a change like any other.
    const saidOnce: OutageState = { ...varFreed, problem: '/data full', critical: true, changedAt: '2026-04-21T09:07:00.000Z' };
    expect(decideAlert(saidOnce, 'problem', new Date('2026-04-21T09:08:00Z'), timing, '/data out of space', 3, true)).toEqual({ kind: 'none' });
  });
});

describe('database file watcher', () => {
  const watcherOn = (file: string, busy?: () => string | undefined) => databaseWatcher({ file, enabled: true, busy, probe: probeOpen });

  it('is healthy on a file that opens, and alerts for scenario 1 on one missing, damaged or that is no DuckDB file, naming it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    expect(await watcherOn(file).check(recordedAt)).toMatchObject({ state: 'problem', problem: 'missing', scenario: 'duckdb', summary: `The database file is missing: ${file}` });
    await createHealthyDatabase(file, 100);
    expect(await watcherOn(file).check(recordedAt)).toMatchObject({ state: 'healthy', summary: `${file} opens read-only` });
    writeGarbage(file);
    const damaged = await watcherOn(file).check(recordedAt);
    expect(damaged).toMatchObject({ state: 'problem', problem: 'corrupt', summary: `The database file is damaged: ${file}` });
    expect(damaged.details.join('\n')).toMatch(/checksum/);
    fs.writeFileSync(file, 'SQLite format 3\u0000'.padEnd(4096, '\u0000'));
    expect(await watcherOn(file).check(recordedAt)).toMatchObject({ state: 'problem', problem: 'not-duckdb' });
  });

  it('says why DuckDB cannot open a file that is not damaged, in the line /databox status shows', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createHealthyDatabase(file, 100);
    const unreadable = { status: 'unreadable' as const, message: `IO Error: Cannot open file "${file}": Permission denied\nmore of DuckDB's text` };
    const watcher = databaseWatcher({ file, enabled: true, probe: async () => unreadable });
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'problem', problem: 'unreadable', summary: `DuckDB cannot open the database file: ${file} (IO Error: Cannot open file "${file}": Permission denied)` });
  });

  it('opens the file again only when it changed since it last opened (each open can refuse a writer of the stack)', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createHealthyDatabase(file, 100);
    let opens = 0;
    const watcher = databaseWatcher({ file, enabled: true, probe: async (f) => ((opens += 1), probeOpen(f)) });
    expect((await watcher.check(recordedAt)).summary).toBe(`${file} opens read-only`);
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'healthy', summary: `${file} opens read-only (unchanged since it last did)` });
    expect(opens).toBe(1);
    writeGarbage(file);
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'problem', problem: 'corrupt' });
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'problem', problem: 'corrupt' });
    expect(opens, 'a file found wrong is opened at every check, until it is right again').toBe(3);
  });

  it('opens again a file damaged in place with its write time put back (dd conv=notrunc, then touch -r)', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createHealthyDatabase(file, 100);
    // A write time of whole milliseconds, which fs.utimes can put back exactly, as touch -r does any.
    const written = new Date('2026-04-20T08:00:00.000Z');
    fs.utimesSync(file, written, written);
    const watcher = watcherOn(file);
    expect((await watcher.check(recordedAt)).summary).toBe(`${file} opens read-only`);
    expect((await watcher.check(recordedAt)).summary).toBe(`${file} opens read-only (unchanged since it last did)`);
    const before = fs.statSync(file, { bigint: true });
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4_096, 0x5a), 0, 4_096, 0);
    fs.closeSync(fd);
    fs.utimesSync(file, written, written);
    // Only its change time (ctime) tells: the same inode, size and write time, to the nanosecond, as when it opened.
    const after = fs.statSync(file, { bigint: true });
    expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'problem', problem: 'corrupt', summary: `The database file is damaged: ${file}` });
  });

  it('opens the file again once another reader (the marts watcher) found it damaged, rather than calling it healthy from what it saw before', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    writeGarbage(file);
    // The first open stands for one made before the damage: what the watcher remembers of the file is all it has.
    let opens = 0;
    const watcher = databaseWatcher({ file, enabled: true, probe: async (f) => ((opens += 1), opens === 1 ? { status: 'ok', message: 'opened read-only and ran SELECT 1' } : probeOpen(f)) });
    expect((await watcher.check(recordedAt)).state).toBe('healthy');
    expect((await watcher.check(recordedAt)).summary).toBe(`${file} opens read-only (unchanged since it last did)`);
    fs.writeFileSync(path.join(dir, 'schedule.yml'), 'diagnosis:\n  steps:\n    - id: freshness\n      kind: mart-freshness\n      marts:\n        - { table: ebird.fct_daily_bird_observations, dateColumn: day_date, maxLag: 36h }\n');
    const marts = await martsWatcher({ target: localTarget(file), slas: loadMartSlas(dir), enabled: true }).check(recordedAt);
    expect(marts).toMatchObject({ state: 'unknown' });
    expect(marts.summary).toMatch(/cannot open .* read-only: .*(checksum|not a valid DuckDB database file)/i);
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'problem', problem: 'corrupt', summary: `The database file is damaged: ${file}` });
  });

  it('judges nothing when a plan began changing the database while the probe waited its turn', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    writeGarbage(file);
    let plan: string | undefined;
    const watcher = databaseWatcher({ file, enabled: true, busy: () => plan, probe: async (f) => ((plan = 'plan dbx-20260420-abcd/2'), probeOpen(f)) });
    expect(await watcher.check(recordedAt)).toMatchObject({ state: 'unknown', summary: 'not judged: plan dbx-20260420-abcd/2 began changing the database meanwhile' });
  });

  it('judges nothing while a plan changes the database or another process holds it, and is off for MotherDuck', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    expect(await watcherOn(file, () => 'plan dbx-20260420-abcd/2').check(recordedAt)).toMatchObject({ state: 'unknown', summary: 'not checked while plan dbx-20260420-abcd/2 is changing the database' });
    writeGarbage(file);
    const held = databaseWatcher({ file, enabled: true, probe: async () => ({ status: 'locked', message: 'IO Error: Could not set lock on file: Conflicting lock is held in /usr/bin/python3 (PID 4242)', holderPid: 4242 }) });
    expect(await held.check(recordedAt)).toMatchObject({ state: 'unknown', summary: `${file} is held by another process (PID 4242): not judged while it is` });
    const config = (backend: string, extra: Record<string, string> = {}) =>
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', DATABOX_ROOT: dir, DATABOX_STATE_DIR: path.join(dir, 'var'), DATABOX_BACKEND: backend, MOTHERDUCK_TOKEN: 'md-token', ...extra });
    const byId = (config: ReturnType<typeof loadConfig>) => buildWatchers(config, runCommand).find((w) => w.id === 'database');
    expect(byId(config('local'))?.off).toBeUndefined();
    expect(byId(config('motherduck'))?.off).toBe('off: DATABOX_BACKEND is motherduck, so the stack does not use this file');
    expect(byId(config('local', { DATABOX_WATCH_DATABASE: 'false' }))?.off).toBe('turned off (DATABOX_WATCH_DATABASE=false)');
  });

  it('alerts again in the new channel when DATABOX_ALERT_CHANNEL changed during an outage, keeping when it began', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    const clock = fakeClock();
    const posted: { channel: string; kind: string; since?: string }[] = [];
    const serviceFor = (channel: string) => {
      const journal = new Journal(path.join(dir, 'var'), clock.now);
      const sink: AlertSink = {
        channel,
        alert: async (_finding, since) => (posted.push({ channel, kind: 'alert', since }), { channel, ts: `1776762000.00000${posted.length}` }),
        reminder: async (_finding, outage) => void posted.push({ channel: outage.ref!.channel, kind: 'reminder' }),
        changed: async (_finding, outage) => void posted.push({ channel: outage.ref!.channel, kind: 'changed' }),
        recovered: async (_watcher, outage) => void posted.push({ channel: outage.ref!.channel, kind: 'recovered' }),
        returned: async (_finding, outage) => void posted.push({ channel: outage.ref!.channel, kind: 'returned' }),
        settled: async (_watcher, outage) => void posted.push({ channel: outage.ref!.channel, kind: 'settled' }),
      };
      const service = new WatchService({ watchers: [watcherOn(file)], journal, sink, logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock: clock.now });
      journal.load();
      return service;
    };
    await serviceFor('C0TYPO').checkOnce();
    const began = clock.now().toISOString();
    clock.advance(10 * minute);
    const fixed = serviceFor('C0RIGHT');
    await fixed.checkOnce();
    clock.advance(minute);
    await fixed.checkOnce();
    await createHealthyDatabase(file, 100);
    clock.advance(minute);
    await fixed.checkOnce();
    expect(posted).toEqual([
      { channel: 'C0TYPO', kind: 'alert', since: began },
      { channel: 'C0RIGHT', kind: 'alert', since: began },
      { channel: 'C0RIGHT', kind: 'recovered' },
    ]);
  });

  describe('an outage found while no alert channel is set', () => {
    const setUp = () => {
      const dir = tempDir();
      const file = path.join(dir, 'databox.duckdb');
      const clock = fakeClock();
      const posted: { channel: string; kind: string; since?: string; said?: boolean }[] = [];
      const journalIn = () => new Journal(path.join(dir, 'var'), clock.now);
      const serviceFor = (channel: string | undefined, refused?: string) => {
        const journal = journalIn();
        // As the Slack sink: with no channel nothing is posted, and an outage never posted has no thread to say more in.
        const sink: AlertSink = {
          channel,
          alert: async (_finding, since) => {
            if (refused) throw new Error(refused);
            return channel ? (posted.push({ channel, kind: 'alert', since }), { channel, ts: `1776762000.00000${posted.length}` }) : undefined;
          },
          reminder: async (_finding, outage) => void (outage.ref && posted.push({ channel: outage.ref.channel, kind: 'reminder' })),
          changed: async (_finding, outage) => void (outage.ref && posted.push({ channel: outage.ref.channel, kind: 'changed' })),
          recovered: async (_watcher, outage, _span, _finding, said) => void (outage.ref && posted.push({ channel: outage.ref.channel, kind: 'recovered', said })),
          returned: async (_finding, outage, _said) => void (outage.ref && posted.push({ channel: outage.ref.channel, kind: 'returned' })),
          settled: async (_watcher, outage) => void (outage.ref && posted.push({ channel: outage.ref.channel, kind: 'settled' })),
        };
        const service = new WatchService({ watchers: [watcherOn(file)], journal, sink, logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock: clock.now });
        journal.load();
        return { service, journal };
      };
      return { file, clock, posted, serviceFor, journalIn };
    };
    const watchRecords = (journal: Journal) => journalLines(journal).filter((r) => r.type.startsWith('watch.'));

    it('is journaled as not posted, and why, then posted at the first check of a bot with a channel, with when it began', async () => {
      const { file, clock, posted, serviceFor } = setUp();
      const unset = serviceFor(undefined);
      await unset.service.checkOnce();
      const began = clock.now().toISOString();
      // Two hours on, past the reminder interval: no reminder of an alert nobody got.
      clock.advance(120 * minute);
      await unset.service.checkOnce();
      expect(watchRecords(unset.journal).map((r) => [r.type, r.data.why])).toEqual([['watch.not-posted', 'DATABOX_ALERT_CHANNEL is not set']]);
      expect(whyNotPosted(unset.service.outage('database')!)).toBe('DATABOX_ALERT_CHANNEL is not set');
      expect(unset.service.statusLines()[0]).toBe(`• Database file: PROBLEM since 2026-04-21 09:00 UTC (2 h): The database file is missing: ${file} (not posted: DATABOX_ALERT_CHANNEL is not set) (last check 11:00:00 UTC, every 1 min)`);

      // A channel set at last, but Slack refuses it: that is why it is still not posted now.
      clock.advance(minute);
      const refused = serviceFor('C0TYPO', 'Slack refused it in DATABOX_ALERT_CHANNEL C0TYPO: channel_not_found');
      await refused.service.checkOnce();
      expect(refused.service.statusLines()[0]).toBe(
        `• Database file: PROBLEM since 2026-04-21 09:00 UTC (2 h 1 min): The database file is missing: ${file} (not posted: Slack refused it in DATABOX_ALERT_CHANNEL C0TYPO: channel_not_found; tried again at each check) (last check 11:01:00 UTC, every 1 min)`,
      );

      clock.advance(minute);
      const set = serviceFor('C0ALERTS');
      await set.service.checkOnce();
      clock.advance(minute);
      await set.service.checkOnce();
      await createHealthyDatabase(file, 100);
      clock.advance(minute);
      await set.service.checkOnce();
      expect(posted).toEqual([
        { channel: 'C0ALERTS', kind: 'alert', since: began },
        { channel: 'C0ALERTS', kind: 'recovered', said: true },
      ]);
      expect(watchRecords(set.journal).map((r) => [r.type, r.data.since, r.data.ref])).toEqual([
        ['watch.not-posted', began, undefined],
        ['watch.alerted', began, { channel: 'C0ALERTS', ts: '1776762000.000001' }],
        ['watch.recovered', began, undefined],
      ]);
    });

    it('posts one an older journal called alerted with no message (nothing was posted then either)', async () => {
      const { clock, posted, serviceFor, journalIn } = setUp();
      const old = journalIn();
      old.load();
      const began = clock.now().toISOString();
      await old.commit({ type: 'watch.alerted', data: { watcher: 'database', since: began, summary: 'The database file is missing', details: [], scenario: 'duckdb', problem: 'missing' } });
      clock.advance(10 * minute);
      await serviceFor('C0ALERTS').service.checkOnce();
      expect(posted).toEqual([{ channel: 'C0ALERTS', kind: 'alert', since: began }]);
    });

    it('is read the same from an older journal that called it alerted with no message as from its not-posted line', async () => {
      const readFrom = async (type: string, why?: string) => {
        const { clock, serviceFor, journalIn } = setUp();
        const written = journalIn();
        written.load();
        await written.commit({ type, data: { watcher: 'database', since: clock.now().toISOString(), summary: 'The database file is missing', details: [], scenario: 'duckdb', problem: 'missing', ...(why ? { why } : {}) } });
        clock.advance(10 * minute);
        const { service } = serviceFor(undefined);
        return { outage: service.outage('database'), status: service.statusLines()[0] };
      };
      const old = await readFrom('watch.alerted');
      const now = await readFrom('watch.not-posted', 'DATABOX_ALERT_CHANNEL is not set');
      expect(old).toEqual(now);
      expect(now.status).toBe('• Database file: PROBLEM since 2026-04-21 09:00 UTC (10 min): The database file is missing (not posted: DATABOX_ALERT_CHANNEL is not set) (no check since start, every 1 min)');
    });

    it('never says its end or its return was said: nobody got its alert', async () => {
      const { file, clock, posted, serviceFor } = setUp();
      const { service, journal } = serviceFor(undefined);
      await service.checkOnce();
      await createHealthyDatabase(file, 100);
      clock.advance(minute);
      await service.checkOnce();
      fs.renameSync(file, `${file}.moved`);
      clock.advance(minute);
      await service.checkOnce();
      fs.renameSync(`${file}.moved`, file);
      // Healthy past the flap window: nothing left to settle, and nothing posted.
      for (let check = 0; check < 25; check += 1) {
        clock.advance(minute);
        await service.checkOnce();
      }
      expect(posted).toEqual([]);
      expect(watchRecords(journal).map((r) => [r.type, r.data.said, r.data.notPosted])).toEqual([
        ['watch.not-posted', undefined, undefined],
        ['watch.recovered', false, 'DATABOX_ALERT_CHANNEL is not set'],
        ['watch.returned', false, 'DATABOX_ALERT_CHANNEL is not set'],
        ['watch.recovered', false, 'DATABOX_ALERT_CHANNEL is not set'],
      ]);
    });
  });

  it('posts one alert for a file that went missing, and the recovery once it is back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'databox.duckdb');
    await createHealthyDatabase(file, 100);
    const clock = fakeClock();
    const posted: Posted[] = [];
    const journal = new Journal(path.join(dir, 'var'), clock.now);
    journal.load();
    const service = new WatchService({ watchers: [watcherOn(file)], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock: clock.now });
    await service.checkOnce();
    fs.renameSync(file, `${file}.moved`);
    for (let check = 0; check < 3; check += 1) {
      clock.advance(minute);
      await service.checkOnce();
    }
    fs.renameSync(`${file}.moved`, file);
    clock.advance(minute);
    await service.checkOnce();
    expect(posted).toEqual([
      { kind: 'alert', text: `The database file is missing: ${file}`, scenario: 'duckdb' },
      { kind: 'recovered', text: 'Database file: back to healthy at 09:04 UTC, after 3 min (since 09:01 UTC)' },
    ]);
    expect(journalLines(journal).find((r) => r.type === 'watch.recovered')?.data.span).toEqual({ began: '2026-04-21T09:01:00.000Z', firstSeen: '2026-04-21T09:01:00.000Z', ended: '2026-04-21T09:04:00.000Z', lastedMs: 3 * minute });
  });
});

describe('stale marts watcher', () => {
  async function martDatabase(dir: string, newest: Record<string, string | null>): Promise<string> {
    const file = path.join(dir, 'databox.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run('CREATE SCHEMA ebird; CREATE SCHEMA noaa');
    for (const [table, day] of Object.entries(newest)) {
      await connection.run(`CREATE TABLE ${table} (day_date DATE, n INTEGER)`);
      if (day) await connection.run(`INSERT INTO ${table} SELECT CAST(? AS DATE) - CAST(range AS INTEGER), 1 FROM range(30)`, [day]);
    }
    connection.closeSync();
    instance.closeSync();
    return file;
  }

  function slas(dir: string): ReturnType<typeof loadMartSlas> {
    fs.writeFileSync(
      path.join(dir, 'schedule.yml'),
      'diagnosis:\n  steps:\n    - id: freshness\n      kind: mart-freshness\n      marts:\n        - { table: ebird.fct_daily_bird_observations, dateColumn: day_date, maxLag: 36h }\n        - { table: noaa.fct_daily_weather, dateColumn: day_date, maxLag: 36h }\n',
    );
    return loadMartSlas(dir);
  }

  it('names the mart past its SLA, and is healthy when all are within it', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-17', 'noaa.fct_daily_weather': '2026-04-20' });
    const finding = await martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true }).check(recordedAt);
    expect(finding).toMatchObject({ state: 'problem', scenario: 'schedule' });
    expect(finding.summary).toBe('Marts past their SLA: ebird.fct_daily_bird_observations: newest 2026-04-17, 3 d 9 h behind (SLA 36 h), past its SLA');
    expect(finding.details[1]).toBe('noaa.fct_daily_weather: newest 2026-04-20, 9 h behind (SLA 36 h)');
    const fresh = await martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true }).check(new Date('2026-04-18T09:00:00Z'));
    expect(fresh.state).toBe('healthy');
  });

  it('says, once the marts are fresh again, when they fell past their SLA and how long they stayed there, and journals the same span', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-17', 'noaa.fct_daily_weather': '2026-04-20' });
    const clock = fakeClock(new Date('2026-04-21T07:00:00Z'));
    const posted: Posted[] = [];
    const journal = new Journal(path.join(dir, 'var'), clock.now);
    journal.load();
    const watcher = martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true });
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock: clock.now });
    await service.checkOnce();
    // The backfill loads the missing days.
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run("INSERT INTO ebird.fct_daily_bird_observations VALUES (DATE '2026-04-20', 1)");
    connection.closeSync();
    instance.closeSync();
    clock.advance(125 * minute);
    await service.checkOnce();
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'recovered']);
    expect(posted[1]?.text).toBe('Mart freshness: back to healthy at 09:05 UTC, after 2 h 5 min (since 07:00 UTC)');
    const recovered = journalLines(journal).find((r) => r.type === 'watch.recovered');
    expect(recovered?.data.span).toEqual({ began: '2026-04-21T07:00:00.000Z', firstSeen: '2026-04-21T07:00:00.000Z', ended: '2026-04-21T09:05:00.000Z', lastedMs: 125 * minute });
  });

  it('does not open a file unchanged since its marts were read (a read can refuse the stack a write), judging those readings at the new time', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-17', 'noaa.fct_daily_weather': '2026-04-17' });
    const target = localTarget(file);
    let opens = 0;
    const counted = { ...target, open: (how: Parameters<typeof target.open>[0]) => ((opens += 1), target.open(how)) } as typeof target;
    const watcher = martsWatcher({ target: counted, slas: slas(dir), enabled: true, look: () => fileLook(file) });
    expect((await watcher.check(new Date('2026-04-18T09:00:00Z'))).state).toBe('healthy');
    expect(opens).toBe(1);
    // A day later, the file untouched: the same readings, judged late, without opening it.
    const later = await watcher.check(new Date('2026-04-19T20:00:00Z'));
    expect(opens).toBe(1);
    expect(later.summary).toBe('Marts past their SLA: ebird.fct_daily_bird_observations: newest 2026-04-17, 44 h behind (SLA 36 h), past its SLA; noaa.fct_daily_weather: newest 2026-04-17, 44 h behind (SLA 36 h), past its SLA');
    // A load writes it: read again, and the new rows count.
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run("INSERT INTO ebird.fct_daily_bird_observations VALUES (DATE '2026-04-19', 1); INSERT INTO noaa.fct_daily_weather VALUES (DATE '2026-04-19', 1)");
    connection.closeSync();
    instance.closeSync();
    const loaded = await watcher.check(new Date('2026-04-19T20:00:00Z'));
    expect(opens).toBe(2);
    expect(loaded.state).toBe('healthy');
    expect(loaded.summary).toBe('2 marts within their SLA');
    // Unchanged again: said healthy from those readings.
    expect((await watcher.check(new Date('2026-04-19T21:00:00Z'))).summary).toBe('2 marts within their SLA (the file unchanged since it was last read)');
    expect(opens).toBe(2);
  });

  it('names a mart it could not read beside the late ones, in the summary, not only in the details', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-17' });
    const finding = await martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true }).check(recordedAt);
    expect(finding.summary).toBe(
      'Marts past their SLA: ebird.fct_daily_bird_observations: newest 2026-04-17, 3 d 9 h behind (SLA 36 h), past its SLA; could not read noaa.fct_daily_weather (see the details)',
    );
    expect(finding.details[1]).toMatch(/^noaa\.fct_daily_weather: could not be read: /);
  });

  it('counts a date as its whole day: a daily mart whose newest day is yesterday is within 36 h all day, and past it the next noon', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-20', 'noaa.fct_daily_weather': '2026-04-20' });
    const watcher = martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true });
    const lateEvening = await watcher.check(new Date('2026-04-21T23:00:00Z'));
    expect(lateEvening.state).toBe('healthy');
    expect(lateEvening.details[0]).toBe('ebird.fct_daily_bird_observations: newest 2026-04-20, 23 h behind (SLA 36 h)');
    const nextNoon = await watcher.check(new Date('2026-04-22T12:30:00Z'));
    expect(nextNoon.state).toBe('problem');
    expect(nextNoon.details[0]).toBe('ebird.fct_daily_bird_observations: newest 2026-04-20, 36 h 30 min behind (SLA 36 h), past its SLA');
  });

  it('calls an empty mart stale, and a database it cannot open "cannot tell", never healthy', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': null, 'noaa.fct_daily_weather': '2026-04-20' });
    expect((await martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true }).check(recordedAt)).summary).toBe(
      'Marts past their SLA: ebird.fct_daily_bird_observations: no rows (SLA 36 h)',
    );
    const missing = await martsWatcher({ target: localTarget(path.join(dir, 'nope.duckdb')), slas: slas(dir), enabled: true }).check(recordedAt);
    expect(missing.state).toBe('unknown');
    // The one cause is said once, naming every mart it hides.
    expect(missing.summary).toMatch(/^Could not read ebird\.fct_daily_bird_observations, noaa\.fct_daily_weather: cannot open \S*nope\.duckdb read-only: /);
    expect(missing.summary.match(/cannot open/g)).toHaveLength(1);
    expect(missing.details, 'and not again for each mart').toEqual([]);
  });

  it('does not take a row dated after today for a fresh mart: one that stopped loading stays stale', async () => {
    const dir = tempDir();
    const file = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-15', 'noaa.fct_daily_weather': '2026-04-20' });
    const instance = await DuckDBInstance.create(file);
    await (await instance.connect()).run("INSERT INTO ebird.fct_daily_bird_observations VALUES (DATE '2027-03-01', 1)");
    instance.closeSync();
    const finding = await martsWatcher({ target: localTarget(file), slas: slas(dir), enabled: true }).check(recordedAt);
    expect(finding.state).toBe('problem');
    expect(finding.summary).toMatch(/^Marts past their SLA: ebird\.fct_daily_bird_observations: newest 2026-04-15, /);
  });

  it('reads the database DATABOX_BACKEND names: with motherduck, MotherDuck\'s marts and not the local file', async () => {
    const dir = tempDir();
    const local = await martDatabase(dir, { 'ebird.fct_daily_bird_observations': '2026-04-20', 'noaa.fct_daily_weather': '2026-04-20' });
    const cloudData = await martDatabase(tempDir(), { 'ebird.fct_daily_bird_observations': '2026-04-17', 'noaa.fct_daily_weather': '2026-04-20' });
    const md = new MotherDuckStandIn(tempDir(), { clock: () => recordedAt });
    await md.createDatabaseFrom('databox', async (file) => fs.copyFileSync(cloudData, file));
    slas(dir);
    // The schedules watcher off: it reads schedule.yml through the runbook loader, which refuses one holding SLAs alone.
    const env = { DATABOX_DATABASE_PATH: local, DATABOX_RUNBOOKS_DIR: dir, DATABOX_MOTHERDUCK_DATABASE: 'databox', DATABOX_WATCH_SCHEDULES: 'false' };
    const marts = (config: ReturnType<typeof loadConfig>, targets?: DatabaseTargets) =>
      buildWatchers(config, runCommand, true, undefined, targets).find((w) => w.id === 'marts')!.check(recordedAt);
    const onMotherDuck = loadConfig({ ...env, DATABOX_BACKEND: 'motherduck' });

    const finding = await marts(onMotherDuck, databaseTargets(onMotherDuck, (text) => text, { motherduck: md }));
    expect(finding.summary).toBe('Marts past their SLA: ebird.fct_daily_bird_observations: newest 2026-04-17, 3 d 9 h behind (SLA 36 h), past its SLA');
    expect(md.sql().filter((sql) => sql.includes('max("day_date")'))).toHaveLength(2);
    // Built from the configuration alone, it is MotherDuck the watcher asks, and it says why it cannot (no token here).
    const untokened = await marts(onMotherDuck);
    expect(untokened.state).toBe('unknown');
    expect(untokened.summary).toContain('cannot open md:databox read-only: MOTHERDUCK_TOKEN is not set');
    // With the local backend, the same SLAs read the file, whose marts are fresh.
    expect((await marts(loadConfig({ ...env, DATABOX_BACKEND: 'local' }))).state).toBe('healthy');
  });

  it('is off where there are no SLAs, saying whether schedule.yml is missing from the runbooks folder or lists no marts', () => {
    const dir = tempDir();
    // The schedules watcher off: it reads schedule.yml through the runbook loader, which refuses one holding a diagnosis alone.
    const config = loadConfig({ DATABOX_DATABASE_PATH: path.join(dir, 'databox.duckdb'), DATABOX_RUNBOOKS_DIR: dir, DATABOX_WATCH_SCHEDULES: 'false' });
    const off = () => buildWatchers(config, runCommand, true).find((w) => w.id === 'marts')!.off;
    expect(off()).toBe(`off: no SLAs (no schedule.yml in ${dir}, where they are read from)`);
    fs.writeFileSync(path.join(dir, 'schedule.yml'), 'diagnosis:\n  steps: []\n');
    expect(off()).toBe(`off: no SLAs (${path.join(dir, 'schedule.yml')} has no mart-freshness step in its diagnosis)`);
  });

  it('refuses SLAs that are not plain names or durations, naming where', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'schedule.yml'), 'diagnosis:\n  steps:\n    - id: freshness\n      kind: mart-freshness\n      marts:\n        - { table: "ebird.x; DROP TABLE y", dateColumn: day_date, maxLag: soon }\n');
    expect(() => loadMartSlas(dir)).toThrow(/at diagnosis\.steps\[0\]\.marts\[0\]\.table: expected a plain table name[\s\S]*at diagnosis\.steps\[0\]\.marts\[0\]\.maxLag: expected a duration/);
  });
});

describe('the polling loop', () => {
  afterEach(() => vi.useRealTimers());
  it('checks at start and then every interval after the previous check, and stops', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let checks = 0;
    const watcher: Watcher = { id: 'disk', title: 'Disk space', check: async () => ({ watcher: 'disk', state: 'healthy', summary: `check ${++checks}`, details: [], scenario: 'duckdb' }) };
    const journal = new Journal(tempDir());
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink([]), logger: silent, intervalMs: 60_000, reminderMs: 3_600_000 });
    service.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks).toBe(1);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(checks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(checks).toBe(2);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(checks).toBe(5);
    await service.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(checks).toBe(5);
  });

  it('gives up on a check that does not return within a minute, checks the watchers after it, and does not check it again until it returns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let answer: ((finding: Finding) => void) | undefined;
    let stuckChecks = 0;
    let diskChecks = 0;
    const opens: Finding = { watcher: 'database', state: 'healthy', summary: 'opens', details: [], scenario: 'duckdb' };
    // The first check hangs until the test answers it; later ones answer at once.
    const stuck: Watcher = { id: 'database', title: 'Database file', check: () => ((stuckChecks += 1), stuckChecks === 1 ? new Promise<Finding>((resolve) => (answer = resolve)) : Promise.resolve(opens)) };
    const disk: Watcher = { id: 'disk', title: 'Disk space', check: async () => ({ watcher: 'disk', state: 'healthy', summary: `check ${++diskChecks}`, details: [], scenario: 'duckdb' }) };
    const clock = fakeClock(new Date('2026-04-21T09:00:00Z'));
    const service = new WatchService({ watchers: [stuck, disk], journal: new Journal(tempDir()), sink: recordingSink([]), logger: silent, intervalMs: 60_000, reminderMs: 3_600_000, clock: clock.now });
    const first = service.checkOnce();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(diskChecks, 'held by the check before it').toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await first;
    expect(diskChecks).toBe(1);
    expect(service.lastCheck('database')?.error).toBe('its check did not return within 60 s (the storage or service it reads does not answer)');
    clock.advance(60_000);
    await service.checkOnce();
    expect(stuckChecks, 'not read again beside the one that hangs').toBe(1);
    expect(diskChecks).toBe(2);
    expect(service.statusLines().find((line) => line.startsWith('• Database file'))).toContain(
      'check failed: its check started at 09:00:00 UTC has not returned yet (the storage or service it reads does not answer): not checked again until it does',
    );
    answer?.(opens);
    await vi.advanceTimersByTimeAsync(0);
    await service.checkOnce();
    expect(stuckChecks, 'checked again once it returned').toBe(2);
    expect(service.lastCheck('database')?.finding?.summary).toBe('opens');
  });

  it('counts a Dagster webserver that takes the connection and never answers, its check cut off, as one that does not answer: alerted after DATABOX_DAGSTER_DOWN_AFTER', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const held: http.ServerResponse[] = [];
    const server = http.createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // DAGSTER_TIMEOUT (20 s) past the check's time limit (10 s, the interval): the client never gives up first.
      const watcher = daemonWatcher({ client: new DagsterClient({ url, timeoutMs: 20_000 }), runCommand, root: '/', heartbeatMaxAgeMs: 3 * minute, downAfterMs: 30_000, enabled: true });
      const clock = fakeClock(new Date('2026-04-21T09:00:00Z'));
      const posted: Posted[] = [];
      const journal = new Journal(tempDir(), clock.now);
      journal.load();
      const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: 10_000, reminderMs: 4 * 60 * minute, clock: clock.now });
      // The journal's group commit waits on a timer too: moved on a little at a time, short of DAGSTER_TIMEOUT.
      const settled = async (check: Promise<unknown>) => {
        let done = false;
        void check.then(() => (done = true));
        while (!done) await vi.advanceTimersByTimeAsync(10);
        return check;
      };
      const first = service.checkOnce();
      await vi.advanceTimersByTimeAsync(10_000);
      await settled(first);
      expect(service.lastCheck('daemon')?.finding).toMatchObject({ state: 'unknown', lasting: true });
      expect(service.lastCheck('daemon')?.finding?.summary).toBe('The Dagster webserver did not answer (first time): its check did not return within 10 s (the storage or service it reads does not answer)');
      clock.advance(40_000);
      await settled(service.checkOnce());
      expect(posted.map((p) => [p.kind, p.text])).toEqual([['alert', 'The Dagster webserver has not answered for 40.0 s']]);
      expect(journalLines(journal).map((r) => r.type)).toEqual(['watch.noticed', 'watch.alerted']);
    } finally {
      for (const response of held) response.destroy();
      server.close();
    }
  });

  it('checks soon when asked: at once when idle, once after a check under way however often asked, and the interval counted from there', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let checks = 0;
    let release: (() => void) | undefined;
    const watcher: Watcher = {
      id: 'disk',
      title: 'Disk space',
      check: async () => {
        checks += 1;
        // The third check is held until the test lets it end.
        if (checks === 3) await new Promise<void>((resolve) => (release = resolve));
        return { watcher: 'disk', state: 'healthy', summary: `check ${checks}`, details: [], scenario: 'duckdb' };
      },
    };
    const service = new WatchService({ watchers: [watcher], journal: new Journal(tempDir()), sink: recordingSink([]), logger: silent, intervalMs: 60_000, reminderMs: 3_600_000 });
    service.checkSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks, 'not started: nothing').toBe(0);
    service.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(checks).toBe(1);
    service.checkSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks, 'idle: at once').toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(checks, 'the interval counted from the check asked for').toBe(3);
    service.checkSoon();
    service.checkSoon();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks, 'under way: not a second one beside it').toBe(3);
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks, 'one more right after it').toBe(4);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(checks).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(checks).toBe(5);
    await service.stop();
    service.checkSoon();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(checks, 'stopped: nothing').toBe(5);
  });
});

describe('the watchers\' journal events', () => {
  afterEach(() => vi.restoreAllMocks());
  it('go by group commit, with no fsync on the event loop, and are on disk when the check ends', async () => {
    const states: Finding['state'][] = ['problem', 'problem', 'healthy'];
    const watcher: Watcher = {
      id: 'daemon',
      title: 'Dagster daemon',
      check: async () => {
        const state = states.shift() ?? 'healthy';
        return { watcher: 'daemon', state, lasting: state === 'problem', summary: state === 'problem' ? 'daemon heartbeat is 9 min old' : 'daemon healthy', details: [], scenario: 'schedule' };
      },
    };
    const stateDir = tempDir();
    let now = Date.parse('2026-04-20T03:00:00Z');
    const clock = () => new Date(now);
    const journal = new Journal(stateDir, clock);
    journal.load();
    const posted: Posted[] = [];
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock });
    const syncFsyncs = vi.spyOn(fs, 'fsyncSync');
    for (let check = 0; check < 5; check += 1) {
      await service.checkOnce();
      now += 10 * minute;
    }
    expect(syncFsyncs).not.toHaveBeenCalled();
    expect(posted.map((p) => p.kind)).toEqual(['alert', 'recovered']);
    const onDisk = fs.readFileSync(journal.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).type as string);
    // The condition is cleared at its third good check in a row (answersInARowToEnd), and its outage ends with it: answers
    // among failures end neither.
    expect(onDisk).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared', 'watch.recovered']);
  });

  it("shows an outage in the status with its last check's figures, not those of when it was raised", async () => {
    const checks: (() => Finding)[] = [
      () => ({ watcher: 'disk', state: 'problem', summary: 'the volume is 91% used', details: [], scenario: 'duckdb' }),
      () => ({ watcher: 'disk', state: 'problem', summary: 'the volume is 97% used', details: [], scenario: 'duckdb' }),
      () => {
        throw new Error('df: /data: Input/output error');
      },
      () => ({ watcher: 'disk', state: 'unknown', summary: 'df printed nothing it could read', details: [], scenario: 'duckdb' }),
    ];
    const watcher: Watcher = { id: 'disk', title: 'Disk space', check: async () => (checks.shift() as () => Finding)() };
    let now = Date.parse('2026-04-20T03:00:00Z');
    const clock = () => new Date(now);
    const journal = new Journal(tempDir(), clock);
    journal.load();
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink([]), logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock });
    const seen: string[] = [];
    for (let check = 0; check < 4; check += 1) {
      await service.checkOnce();
      seen.push((service.statusLines()[0] as string).replace(/ \(last check \d\d:\d\d:\d\d UTC, every 1 min\)$/, ''));
      now += 10 * minute;
    }
    expect(seen).toEqual([
      '• Disk space: ALERTING since 2026-04-20 03:00 UTC (0 ms): the volume is 91% used',
      '• Disk space: ALERTING since 2026-04-20 03:00 UTC (10 min): the volume is 97% used',
      '• Disk space: ALERTING since 2026-04-20 03:00 UTC (20 min): check failing now (df: /data: Input/output error); found before: the volume is 97% used',
      '• Disk space: ALERTING since 2026-04-20 03:00 UTC (30 min): cannot tell now (df printed nothing it could read); found before: the volume is 97% used',
    ]);
  });
});

describe('a flapping condition', () => {
  /** A database watcher whose finding the test sets: bad and good at each check, as a file the stack rewrites. */
  function scripted() {
    const script = { bad: true };
    const watcher: Watcher = {
      id: 'database',
      title: 'Database file',
      check: async () =>
        script.bad
          ? { watcher: 'database', state: 'problem', problem: 'missing', summary: 'The database file is missing', details: [], scenario: 'duckdb' }
          : { watcher: 'database', state: 'healthy', summary: 'it opens read-only', details: [], scenario: 'duckdb' },
    };
    return { script, watcher };
  }

  it('keeps one alert, says its returns no more often than the reminders and its end once it held, journals every transition, also across a restart', async () => {
    const dir = tempDir();
    const clock = fakeClock();
    const posted: Posted[] = [];
    const { script, watcher } = scripted();
    const serviceOn = () => {
      const journal = new Journal(dir, clock.now);
      const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock: clock.now });
      journal.load();
      return { journal, service };
    };
    let { journal, service } = serviceOn();
    // Bad at each even minute, good at each odd one, for two and a half hours; then good.
    for (let check = 0; check <= 215; check += 1) {
      script.bad = check <= 150 && check % 2 === 0;
      // The bot restarts in the middle of it: the journal says where the flapping stands.
      if (check === 101) ({ journal, service } = serviceOn());
      await service.checkOnce();
      if (check === 150) expect(service.statusLines()[0]).toMatch(/^• Database file: ALERTING since 2026-04-21 09:00 UTC \(2 h 30 min, flapping: bad 76 times\): The database file is missing /);
      clock.advance(minute);
    }
    const said = posted.filter((p) => !p.text.startsWith('quietly'));
    expect(said).toEqual([
      { kind: 'alert', text: 'The database file is missing', scenario: 'duckdb' },
      { kind: 'recovered', text: 'Database file: back to healthy at 09:01 UTC, after 1 min (since 09:00 UTC)' },
      { kind: 'returned', text: 'said: bad 2 times in 2 min: The database file is missing' },
      // Each end after a return said is said too: the thread never ends on "Back again".
      { kind: 'recovered', text: 'Database file: back to healthy at 09:03 UTC, after 3 min (since 09:00 UTC)' },
      // An hour (the reminder interval) after the thread last spoke (the end just said); the next, an hour later, after the restart.
      { kind: 'returned', text: 'said: bad 33 times in 1 h 4 min: The database file is missing' },
      { kind: 'recovered', text: 'Database file: back to healthy at 10:05 UTC, after 1 h 5 min (since 09:00 UTC)' },
      { kind: 'returned', text: 'said: bad 64 times in 2 h 6 min: The database file is missing' },
      { kind: 'recovered', text: 'Database file: back to healthy at 11:07 UTC, after 2 h 7 min (since 09:00 UTC)' },
      // The flap window (an hour) after its last recovery (at 2 h 31 min), the end is said, with the whole span.
      { kind: 'settled', text: 'Database file: back to healthy at 11:31 UTC, after 2 h 31 min (since 09:00 UTC): held 60 min after bad 76 times in 2 h 30 min' },
    ]);
    // Every other return and end only edits the alert.
    expect(posted.filter((p) => p.text.startsWith('quietly'))).toHaveLength(75 - 3 + 76 - 1 - 3);
    const types = fs.readFileSync(journal.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).type as string);
    expect(types.filter((t) => t === 'watch.alerted')).toHaveLength(1);
    expect(types.filter((t) => t === 'watch.returned')).toHaveLength(75);
    expect(types.filter((t) => t === 'watch.recovered')).toHaveLength(76);
    expect(types.at(-1)).toBe('watch.settled');
    expect(service.statusLines()[0]).toMatch(/^• Database file: healthy: it opens read-only /);
  });

  it('keeps a slow flap (down 5 min every 30 min for 6 h) one flapping alert: its window is a span of time, not 20 checks', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    const { script, watcher } = scripted();
    const journal = new Journal(tempDir(), clock.now);
    journal.load();
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock: clock.now });
    for (let check = 0; check < 6 * 60; check += 1) {
      script.bad = check % 30 < 5;
      await service.checkOnce();
      clock.advance(minute);
    }
    const said = posted.filter((p) => !p.text.startsWith('quietly'));
    expect(said.map((p) => p.kind)).toEqual(['alert', 'recovered', 'returned', 'recovered', 'returned', 'recovered']);
    // The return said after the reminder interval, four hours after the thread last spoke (the end of the first return).
    expect(said[4]?.text).toBe('said: bad 11 times in 5 h: The database file is missing');
  });

  it('reminds as before while it stays bad after coming back, and alerts anew when it comes back after the window', async () => {
    const clock = fakeClock();
    const posted: Posted[] = [];
    const { script, watcher } = scripted();
    const journal = new Journal(tempDir(), clock.now);
    journal.load();
    const service = new WatchService({ watchers: [watcher], journal, sink: recordingSink(posted), logger: silent, intervalMs: minute, reminderMs: 60 * minute, clock: clock.now });
    const check = async (bad: boolean, after = minute) => {
      script.bad = bad;
      await service.checkOnce();
      clock.advance(after);
    };
    await check(true);
    await check(false);
    await check(true);
    for (let i = 0; i < 62; i += 1) await check(true);
    await check(false, 60 * minute);
    await check(false);
    await check(true);
    expect(posted.map((p) => `${p.kind}: ${p.text}`)).toEqual([
      'alert: The database file is missing',
      'recovered: Database file: back to healthy at 09:01 UTC, after 1 min (since 09:00 UTC)',
      'returned: said: bad 2 times in 2 min: The database file is missing',
      `reminder: still: The database file is missing since ${recordedAt.toISOString()} at ${new Date(recordedAt.getTime() + 62 * minute).toISOString()}`,
      // The thread's latest word was the reminder: its end is said there, so no "settled" after it.
      'recovered: Database file: back to healthy at 10:05 UTC, after 1 h 5 min (since 09:00 UTC)',
      'alert: The database file is missing',
    ]);
  });
});
