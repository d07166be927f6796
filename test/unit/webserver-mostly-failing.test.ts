// A Dagster webserver that fails most checks, or exactly half in pairs, but answers between them: alerted within about
// DATABOX_DAGSTER_DOWN_AFTER, saying it is intermittent, for the daemon watcher and for the schedules watcher standing in
// for it; its count survives a restart; three answers in a row end it, one or two among failures do not; its end, refused
// by Slack at first, is dated where the answers began when it is said later.
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { Journal } from '../../src/journal/journal.js';
import { runCommand } from '../../src/process/run-command.js';
import type { AlertRef } from '../../src/watchers/alert-state.js';
import { daemonWatcher } from '../../src/watchers/daemon-watcher.js';
import type { Finding, Watcher } from '../../src/watchers/finding.js';
import { schedulesWatcher } from '../../src/watchers/schedules-watcher.js';
import type { OutageSpan } from '../../src/watchers/outage-span.js';
import { lastChecksFileName, WatchService, type AlertSink } from '../../src/watchers/watch-service.js';
import { daemonHealthyNow, dagsterUrl, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useTempDirs } from '../support/fixtures.js';

blockNetwork();
afterEach(() => nock.cleanAll());
const tempDir = useTempDirs('watch-mostly-failing-');
const silent = pino({ level: 'silent' });
const minute = 60_000;

interface Posted {
  kind: string;
  text: string;
  check: number;
}

/** Records what would reach Slack, and at which check (`at()`), so a test can say how soon the alert came. */
function recordingSink(posted: Posted[], at: () => number): AlertSink {
  return {
    async alert(finding: Finding): Promise<AlertRef> {
      posted.push({ kind: 'alert', text: finding.summary, check: at() });
      return { channel: 'C0ALERTS', ts: `1776762000.00000${posted.length}` };
    },
    async reminder(finding: Finding) {
      posted.push({ kind: 'reminder', text: finding.summary, check: at() });
    },
    async changed(finding: Finding) {
      posted.push({ kind: 'changed', text: finding.summary, check: at() });
    },
    async recovered(_watcher, _outage, span) {
      posted.push({ kind: 'recovered', text: `ended ${span.ended}`, check: at() });
    },
    async returned(finding: Finding) {
      posted.push({ kind: 'returned', text: finding.summary, check: at() });
    },
    async settled() {
      posted.push({ kind: 'settled', text: '', check: at() });
    },
  };
}

/**
 * Dagster answering by `pattern` (one letter a check, repeated: b a check it gives no usable answer, g one it answers
 * with every daemon heartbeating), for the daemons and the schedules alike.
 */
function serveByPattern(pattern: string, clock: () => Date): { asked: () => number } {
  let asks = 0;
  const healthy = daemonHealthyNow(clock);
  const schedules = { data: { schedulesOrError: { __typename: 'Schedules', results: [{ name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', description: null, scheduleState: { status: 'RUNNING', lastTick: [], lastSuccess: [] } }] } } };
  // Each check asks for the daemons' health first: that ask decides what the whole check sees.
  let answering = true;
  serveDagster({
    DataboxDaemonHealth: () => {
      answering = pattern[asks % pattern.length] === 'g';
      asks += 1;
      return answering ? healthy() : 'Service Unavailable';
    },
    DataboxSchedules: () => (answering ? schedules : 'Service Unavailable'),
  });
  return { asked: () => asks };
}

type Which = 'daemon' | 'schedules';

function service(which: Which, stateDir: string, clock: () => Date, posted: Posted[], at: () => number, downAfterMs = 5 * minute, sink = recordingSink(posted, at)) {
  const journal = new Journal(stateDir, clock);
  const client = new DagsterClient({ url: dagsterUrl, timeoutMs: 1_000, location: 'databox.orchestration.definitions' });
  const watcher =
    which === 'daemon'
      ? daemonWatcher({ client, runCommand, root: stateDir, heartbeatMaxAgeMs: 3 * minute, downAfterMs, enabled: true })
      : // The daemon watcher off: the schedules watcher takes the webserver's outage as its own.
        schedulesWatcher({ client, runCommand, root: '/', heartbeatMaxAgeMs: 3 * minute, rules: { jobs: ['all_pipelines'], switchedOffAfterMs: 31 * 24 * 60 * minute, runsOnSensors: false }, enabled: true, downAfterMs });
  const watch = new WatchService({ watchers: [watcher], journal, sink, logger: silent, intervalMs: minute, reminderMs: 4 * 60 * minute, clock, lastChecksFile: path.join(stateDir, lastChecksFileName) });
  journal.load();
  return { journal, watch };
}

function journalTypes(journal: Journal): string[] {
  return fs.readFileSync(journal.file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).type as string);
}

describe.each<Which>(['daemon', 'schedules'])('a webserver failing most checks, answering between them (%s watcher)', (which) => {
  it.each([
    ['bbbbgg', '4 of its last 6 checks', 'most checks'],
    ['bbbgg', '4 of its last 6 checks', 'most checks'],
    ['bg', '3 of its last 6 checks', 'half of its checks'],
    ['bbg', '4 of its last 6 checks', 'most checks'],
  ])('alerts within about the threshold on %s repeated, saying it is intermittent and how many of the last checks failed', async (pattern, share, how) => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    serveByPattern(pattern, clock);
    const { watch, journal } = service(which, tempDir(), clock, posted, () => check);
    for (; check < 30; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    const alerts = posted.filter((p) => p.kind === 'alert');
    // Nothing else: an answer among failures is no end of it, so no "back to healthy" and "back again" each time.
    expect(posted.map((p) => p.kind), `what was posted: ${JSON.stringify(posted)}`).toEqual(['alert']);
    // The first failure was check 0: the first failure from 5 min on alerts.
    const firstFailureFromThreshold = [...Array(30).keys()].find((i) => i >= 5 && pattern[i % pattern.length] === 'b');
    expect(alerts[0]?.check).toBe(firstFailureFromThreshold);
    expect(alerts[0]?.text).toMatch(new RegExp(`^The Dagster webserver gave no usable answer at ${share} \\(over 5 min\\): intermittent, failing ${how} for \\d+ min$`));
    // One count from its first failure: a single answer never starts it again.
    expect(journalTypes(journal).filter((type) => type === 'watch.noticed')).toHaveLength(1);
    expect(journalTypes(journal)).not.toContain('watch.cleared');
  });

  // Exactly half, in pairs: two answers in a row come every four checks, which must neither end the count before the
  // alert (with 11 checks in a 10 min span it never came) nor end the alert and reopen it each time.
  it.each([
    ['bbgg', 5, 5, '4 of its last 6 checks', 'most checks', 5],
    ['ggbb', 5, 7, '4 of its last 6 checks', 'most checks', 5],
    ['bggb', 5, 7, '3 of its last 6 checks', 'half of its checks', 7],
    ['bbgg', 10, 13, '6 of its last 11 checks', 'most checks', 13],
    ['gbbg', 10, 14, '6 of its last 11 checks', 'most checks', 13],
    ['bggb', 10, 12, '6 of its last 11 checks', 'most checks', 12],
  ])('alerts once on %s repeated (half of its checks failing, in pairs) with DATABOX_DAGSTER_DOWN_AFTER %i min, saying it is intermittent and the counts, and keeps it', async (pattern, downAfterMinutes, alertedAt, share, how, failingFor) => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    serveByPattern(pattern, clock);
    const { watch, journal } = service(which, tempDir(), clock, posted, () => check, downAfterMinutes * minute);
    for (; check < 40; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    expect(posted, `what was posted: ${JSON.stringify(posted)}`).toEqual([
      { kind: 'alert', text: `The Dagster webserver gave no usable answer at ${share} (over ${downAfterMinutes} min): intermittent, failing ${how} for ${failingFor} min`, check: alertedAt },
    ]);
    expect(journalTypes(journal).filter((type) => type.startsWith('watch.'))).toEqual(['watch.noticed', 'watch.alerted']);
  });

  // Three answers in a row end it, however many of the span's checks failed before them (3 of 6 at check 10 with 5 min,
  // 8 of 11 at check 14 with 10 min): waiting for fewer than half said it 1 check later, 3 with 10 min.
  it.each([
    [5, 8],
    [10, 12],
  ])('ends a real outage (DATABOX_DAGSTER_DOWN_AFTER %i min) at its third answer in a row, dated at the first, where the webserver is answering again', async (downAfterMinutes, failing) => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    // Failing for a while, then answering for good.
    serveByPattern(`${'b'.repeat(failing)}${'g'.repeat(30 - failing)}`, clock);
    const { watch, journal } = service(which, tempDir(), clock, posted, () => check, downAfterMinutes * minute);
    for (; check < 30; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    expect(posted).toEqual([
      { kind: 'alert', text: `The Dagster webserver has not given a usable answer for ${downAfterMinutes} min`, check: downAfterMinutes },
      { kind: 'recovered', text: `ended ${new Date(recordedAt.getTime() + failing * minute).toISOString()}`, check: failing + 2 },
    ]);
    expect(journalTypes(journal).filter((type) => type.startsWith('watch.'))).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared', 'watch.recovered']);
  });

  it('does not end an outage at one lucky answer, nor at two, while the webserver still fails between them', async () => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    // Failing, one answer (check 6), failing, two answers (checks 9 and 10), failing, then answering for good from check 13.
    serveByPattern(`bbbbbbgbbggbb${'g'.repeat(17)}`, clock);
    const { watch } = service(which, tempDir(), clock, posted, () => check);
    for (; check < 30; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    expect(posted).toEqual([
      { kind: 'alert', text: 'The Dagster webserver has not given a usable answer for 5 min', check: 5 },
      { kind: 'recovered', text: `ended ${new Date(recordedAt.getTime() + 13 * minute).toISOString()}`, check: 15 },
    ]);
  });

  it('dates an end Slack refused at first where the answers began, also when it is said by the bot restarted since', async () => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    const dir = tempDir();
    // Failing for 7 min, then answering for good: the count ends at check 9, its answers having begun at check 7.
    serveByPattern(`${'b'.repeat(7)}${'g'.repeat(40)}`, clock);
    const recording = recordingSink(posted, () => check);
    const refusingEnds: AlertSink = {
      ...recording,
      recovered: async () => {
        throw new Error('Slack did not answer');
      },
    };
    const first = service(which, dir, clock, posted, () => check, 5 * minute, refusingEnds);
    for (; check < 10; check += 1) {
      await first.watch.checkOnce();
      now += minute;
    }
    expect(journalTypes(first.journal).filter((type) => type.startsWith('watch.'))).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared']);
    // The bot stops, and starts again 30 min later: the end is known, so it is no "found healthy when the bot started again".
    now += 30 * minute;
    const spans: OutageSpan[] = [];
    const keepingSpans: AlertSink = {
      ...recording,
      recovered: async (watcher, outage, span, finding, said) => {
        spans.push(span);
        await recording.recovered(watcher, outage, span, finding, said);
      },
    };
    const second = service(which, dir, clock, posted, () => check, 5 * minute, keepingSpans);
    await second.watch.checkOnce();
    expect(posted.map((p) => [p.kind, p.text])).toEqual([
      ['alert', 'The Dagster webserver has not given a usable answer for 5 min'],
      ['recovered', `ended ${new Date(recordedAt.getTime() + 7 * minute).toISOString()}`],
    ]);
    expect(spans).toEqual([{ began: recordedAt.toISOString(), firstSeen: recordedAt.toISOString(), ended: new Date(recordedAt.getTime() + 7 * minute).toISOString(), lastedMs: 7 * minute }]);
  });

  it('keeps the count across a restart (the checks of the last span, kept beside the last checks), and does not alert again', async () => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    const dir = tempDir();
    serveByPattern('bbbgg', clock);
    const first = service(which, dir, clock, posted, () => check);
    for (; check < 3; check += 1) {
      await first.watch.checkOnce();
      now += minute;
    }
    // b b b so far; the bot restarts on the same state dir, where two answers in a row come.
    const second = service(which, dir, clock, posted, () => check);
    for (; check < 7; check += 1) {
      await second.watch.checkOnce();
      now += minute;
    }
    // g g b: at check 5 (5 min after the first failure), 4 of the last 6 checks failed, the first three before the restart:
    // a bot that forgot them would count 1 of 3, and not alert.
    expect(posted.map((p) => [p.kind, p.check])).toEqual([['alert', 5]]);
    expect(posted[0]?.text).toMatch(/gave no usable answer at 4 of its last 6 checks \(over 5 min\): intermittent/);
    const third = service(which, dir, clock, posted, () => check);
    for (; check < 10; check += 1) {
      await third.watch.checkOnce();
      now += minute;
    }
    // b g g after this restart too: the alert, journaled as the webserver's, is not ended by answers among failures.
    expect(posted.map((p) => p.kind)).toEqual(['alert']);
    expect(third.watch.statusLines()[0]).toMatch(/: ALERTING since .*: The Dagster webserver gave no usable answer at 4 of its last 6 checks .*; it answered the last check \(.*\), but an answer among failures is no end: that takes 3 answers in a row \(last check/);
    expect(journalTypes(third.journal).filter((type) => type === 'watch.noticed')).toHaveLength(1);
  });

  it('still clears once the webserver has answered long enough, and a lone failure after that starts a new count without an alert', async () => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    // Ten checks failing most of the time, then it answers for good but once.
    serveByPattern('bbgbbgbbgbggggggbggggggg', clock);
    const { watch, journal } = service(which, tempDir(), clock, posted, () => check);
    for (; check < 24; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    const types = journalTypes(journal).filter((type) => type.startsWith('watch.'));
    // Cleared once it answered three times in a row (check 12); the lone failure at check 16 is noticed anew, and cleared
    // again after it, never alerted.
    expect(types).toEqual(['watch.noticed', 'watch.alerted', 'watch.cleared', 'watch.recovered', 'watch.noticed', 'watch.cleared']);
    // One end, said at check 12, ended where the answers that ended it began (check 10), not at each answer among failures.
    expect(posted).toEqual([
      { kind: 'alert', text: expect.stringMatching(/intermittent/), check: 6 },
      { kind: 'recovered', text: `ended ${new Date(recordedAt.getTime() + 10 * minute).toISOString()}`, check: 12 },
    ]);
  });
});

describe('daemons not heartbeating, the webserver failing between its answers (daemon watcher)', () => {
  /** Every required daemon's last heartbeat at `stoppedAt`, Dagster still calling it healthy; no answer at each check `pattern` marks b. */
  function serveStoppedBetweenFailures(pattern: string, stoppedAt: Date, webserverClock?: () => Date): void {
    let asks = 0;
    const answering = daemonHealthyNow(() => stoppedAt);
    serveDagster({ DataboxDaemonHealth: () => (pattern[asks++ % pattern.length] === 'g' ? answering() : 'Service Unavailable') }, dagsterUrl, webserverClock);
  }

  it.each([
    ['with a Date header: at its first answer', true, 1],
    // Dagster's clock unknown: stopped once the watcher has seen no newer heartbeat for DATABOX_HEARTBEAT_MAX_AGE (3 min),
    // the failures between its answers not starting that again.
    ['without one: once no newer heartbeat came for 3 min of watching', false, 5],
  ])('alerts %s', async (_name, dateHeader, alertedAt) => {
    let now = recordedAt.getTime();
    const clock = () => new Date(now);
    let check = 0;
    const posted: Posted[] = [];
    serveStoppedBetweenFailures('bg', new Date(recordedAt.getTime() - 10 * minute), dateHeader ? clock : undefined);
    const { watch } = service('daemon', tempDir(), clock, posted, () => check);
    for (; check < 12; check += 1) {
      await watch.checkOnce();
      now += minute;
    }
    const alerts = posted.filter((p) => p.kind === 'alert');
    expect(alerts, `what was posted: ${JSON.stringify(posted)}`).toHaveLength(1);
    expect(alerts[0]?.check).toBe(alertedAt);
    expect(alerts[0]?.text).toMatch(/^Dagster daemon not heartbeating: /);
  });
});
