// The missed window and the verdict from Dagster's schedules: the day of the last successful tick is in the window, a
// schedule switched off long ago is named but left out, and a daily schedule that ticked yesterday is not behind.
import { describe, expect, it } from 'vitest';
import { assessDagster, describeDagsterEvidence, type DagsterEvidence, type ScheduleEvidence } from '../../src/dagster/evidence.js';
import { ticksAtMostDaily } from '../../src/dagster/builds-days.js';

const thresholds = { heartbeatMaxAgeSeconds: 180, switchedOffAfterSeconds: 31 * 86_400 };
const now = new Date('2026-12-01T17:30:00Z');

function schedule(name: string, status: 'RUNNING' | 'STOPPED', lastSuccessAt: string | null, cron = '0 6 * * *'): ScheduleEvidence {
  return { name, status, cron, lastTickAt: lastSuccessAt, lastTickStatus: lastSuccessAt ? 'SUCCESS' : null, lastTickError: null, lastSuccessAt, sinceLastTickSeconds: null };
}

function evidence(schedules: ScheduleEvidence[], daemonStoppedHoursAgo?: number): DagsterEvidence {
  const heartbeatAgeSeconds = daemonStoppedHoursAgo === undefined ? 10 : daemonStoppedHoursAgo * 3600;
  return {
    source: 'graphql',
    checkedAt: now.toISOString(),
    daemons: [{ type: 'SCHEDULER', required: true, healthy: daemonStoppedHoursAgo === undefined, heartbeatAgeSeconds, errors: [] }],
    schedules,
    unparsed: [],
    problems: [],
  };
}

describe('the missed window', () => {
  it('starts on the day of the last successful tick: a daily partitioned tick on day D builds D − 1, so D was never built', () => {
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z')], 60), thresholds, now);
    expect(verdict).toMatchObject({ id: 'daemon-stopped', window: { from: '2026-11-28', to: '2026-11-30' } });
  });

  it('leaves out a schedule switched off long ago: named, but neither the verdict nor the window follows it', () => {
    const schedules = [schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z'), schedule('legacy_export_weekly', 'STOPPED', '2025-12-01T06:00:00Z')];
    const stopped = assessDagster(evidence(schedules, 60), thresholds, now);
    expect(stopped).toMatchObject({ id: 'daemon-stopped', window: { from: '2026-11-28', to: '2026-11-30' }, pausedSchedules: [] });
    expect(stopped.notes[0]).toBe('schedule legacy_export_weekly is STOPPED, last tick 2025-12-01: taken as switched off on purpose');
    // With the daemon up, the old stop is no "paused schedules" incident.
    const up = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), schedules[1] as ScheduleEvidence]), thresholds, now);
    expect(up).toMatchObject({ id: 'healthy', window: null, pausedSchedules: [] });
    expect(up.notes).toHaveLength(1);
  });

  it('leaves out a STOPPED schedule the webserver lists no tick of (never switched on), but not one the CLI gives no ticks for', () => {
    const never = { ...schedule('full_refresh_monthly', 'STOPPED', null, '0 3 1 * *') };
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), never]), thresholds, now);
    expect(verdict).toMatchObject({ id: 'healthy', pausedSchedules: [] });
    expect(verdict.notes).toEqual(['schedule full_refresh_monthly is STOPPED and has never ticked: taken as never switched on']);
    const fromCli = assessDagster({ ...evidence([never]), source: 'cli' }, thresholds, now);
    expect(fromCli.pausedSchedules).toEqual(['full_refresh_monthly']);
    expect(fromCli.notes).toEqual(['the CLI gives no tick times, so a STOPPED schedule switched off on purpose cannot be told from a paused one: each is counted as paused, and none is proposed to start (name those to start with schedules=)']);
  });

  it('takes the only daily schedule STOPPED and never ticked, with none other building the days running, as paused and the likely cause: not never switched on', () => {
    const neverOn = schedule('all_pipelines_daily', 'STOPPED', null);
    const hourly = schedule('soda_freshness_hourly', 'RUNNING', '2026-12-01T17:00:00Z', '0 * * * *');
    const verdict = assessDagster(evidence([neverOn, hourly]), thresholds, now);
    // No window from its ticks: the diagnosis proposes one from the marts (neverTicked names it for that).
    expect(verdict).toMatchObject({ id: 'schedules-paused', pausedSchedules: ['all_pipelines_daily'], window: null, noDayMissed: false, neverTicked: ['all_pipelines_daily'] });
    expect(verdict.reasons[0]).toBe(
      "no daily schedule is RUNNING: schedule all_pipelines_daily is STOPPED and has never ticked (Dagster's default for a schedule a deploy adds or renames), which alone would be taken as never switched on; " +
        'with no other daily schedule running, paused or behind, its being off is the likely cause, and it is proposed to start. If it was switched off on purpose, add a line `databox/paused:` with the reason to its description and diagnose again',
    );
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.notes).not.toContain('schedule all_pipelines_daily is STOPPED and has never ticked: taken as never switched on');
    // One marked paused on purpose stays off, and beside a daily schedule running, a never-ticked one is never switched on.
    expect(assessDagster(evidence([{ ...neverOn, pausedOnPurpose: 'retired' }, hourly]), thresholds, now)).toMatchObject({ id: 'healthy', pausedSchedules: [] });
    expect(assessDagster(evidence([neverOn, schedule('ebird_daily', 'RUNNING', '2026-12-01T06:00:00Z')]), thresholds, now)).toMatchObject({ id: 'healthy', pausedSchedules: [] });
  });

  it('titles paused schedules with their last tick, not "paused since" (Dagster does not record when a schedule was paused)', () => {
    const one = assessDagster(evidence([{ ...schedule('all_pipelines_daily', 'STOPPED', '2026-11-28T06:00:00Z'), lastTickAt: '2026-11-29T06:00:00Z', lastTickStatus: 'FAILURE' }]), thresholds, now);
    expect(one.title).toBe('Schedules paused, last ticked at 2026-11-29 06:00 UTC: all_pipelines_daily');
    const two = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T06:00:00Z'), schedule('ebird_daily', 'STOPPED', '2026-11-30T06:00:00Z')]), thresholds, now);
    expect(two.title).toBe('Schedules paused, the longest-stopped last ticked at 2026-11-29 06:00 UTC: all_pipelines_daily, ebird_daily');
  });

  it('does not take a never-ticked daily schedule as the cause while another daily one is paused: that one is, and the never-ticked one stays a note', () => {
    const paused = schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T06:00:00Z');
    const neverOn = schedule('experimental_export_daily', 'STOPPED', null);
    const verdict = assessDagster(evidence([paused, neverOn]), thresholds, now);
    expect(verdict).toMatchObject({ id: 'schedules-paused', pausedSchedules: ['all_pipelines_daily'], window: { from: '2026-11-29', to: '2026-11-30' }, neverTicked: [] });
    expect(verdict.reasons.join('; ')).not.toContain('experimental_export_daily');
    expect(verdict.notes).toContain('schedule experimental_export_daily is STOPPED and has never ticked: taken as never switched on');
    // Nor while a daily one running is behind: its failing ticks are the cause.
    const behind = { ...schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z'), lastTickAt: '2026-12-01T06:00:00Z', lastTickStatus: 'FAILURE' };
    expect(assessDagster(evidence([behind, neverOn]), thresholds, now)).toMatchObject({ id: 'schedules-behind', pausedSchedules: [] });
  });

  it('takes a never-ticked daily schedule as the cause beside a RUNNING weekly one: a schedule ticking once a week does not build each day', () => {
    const neverOn = schedule('all_pipelines_daily', 'STOPPED', null);
    const weekly = schedule('full_refresh_weekly', 'RUNNING', '2026-11-30T03:00:00Z', '0 3 * * 1');
    const verdict = assessDagster(evidence([neverOn, weekly]), thresholds, now);
    expect(verdict).toMatchObject({ id: 'schedules-paused', pausedSchedules: ['all_pipelines_daily'] });
    expect(verdict.reasons[0]).toMatch(/^no daily schedule is RUNNING: schedule all_pipelines_daily is STOPPED and has never ticked/);
  });

  it('names the never-ticked schedule beside a stopped daemon once, as the likely cause, not again among the schedules also STOPPED', () => {
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', null), schedule('soda_hourly', 'STOPPED', '2026-11-29T07:00:00Z', '0 * * * *')], 60), thresholds, now);
    expect(verdict).toMatchObject({ id: 'daemon-stopped', pausedSchedules: ['all_pipelines_daily', 'soda_hourly'] });
    expect(verdict.reasons.filter((r) => r.includes('all_pipelines_daily'))).toHaveLength(1);
    expect(verdict.reasons).toContain('schedules also STOPPED: soda_hourly');
  });

  it("takes the day today's tick builds from the RUNNING daily schedules alone, each in its own timezone: not a weekly one's older success", () => {
    const at = new Date('2026-12-05T09:00:00Z');
    const daily = schedule('all_pipelines_daily', 'RUNNING', '2026-12-05T06:07:00Z');
    const weekly = schedule('full_refresh_weekly', 'RUNNING', '2026-11-30T03:00:00Z', '0 3 * * 1');
    const hourly = schedule('soda_freshness_hourly', 'STOPPED', '2026-12-05T08:00:00Z', '0 * * * *');
    const verdict = assessDagster(evidence([daily, weekly, hourly]), thresholds, at);
    expect(verdict).toMatchObject({ id: 'schedules-paused-no-day-missed', lastDailyTick: { at: '2026-12-05T06:07:00Z', built: '2026-12-04', today: true } });
    // 06:07 in Tokyo is 21:07 UTC the day before: today's tick there, which built yesterday, not the day before it.
    const tokyo = { ...schedule('all_pipelines_daily', 'RUNNING', '2026-12-04T21:07:00Z'), timezone: 'Asia/Tokyo' };
    expect(assessDagster(evidence([tokyo, weekly]), thresholds, at).lastDailyTick).toEqual({ at: '2026-12-04T21:07:00Z', built: '2026-12-04', today: true });
  });

  it('calls a RUNNING schedule with no tick on record healthy only with a note saying so: Dagster does not say since when it runs', () => {
    const fresh = schedule('new_export_daily', 'RUNNING', null);
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), fresh]), thresholds, now);
    expect(verdict).toMatchObject({ id: 'healthy', reasons: [] });
    expect(verdict.notes).toEqual(['schedule new_export_daily is RUNNING but has no tick on record: healthy only if it was switched on within its interval (0 6 * * *); look again after its next tick is due']);
    // The CLI gives no tick times for any schedule: nothing to say of one in particular.
    expect(assessDagster({ ...evidence([fresh]), source: 'cli' }, thresholds, now).notes).toEqual([]);
  });

  it('tells a daemon caught before it missed a day (every last success today) from one whose window cannot be told', () => {
    const today = [schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), schedule('soda_hourly', 'RUNNING', '2026-12-01T15:00:00Z', '0 * * * *')];
    expect(assessDagster(evidence(today, 2), thresholds, now)).toMatchObject({ id: 'daemon-stopped-no-day-missed', window: null, noDayMissed: true, lastSuccess: '2026-12-01T06:00:00Z' });
    // A schedule also found paused, its last success today too: still none missed, and it is named to start.
    const paused = [schedule('all_pipelines_daily', 'STOPPED', '2026-12-01T06:00:00Z'), today[1] as ScheduleEvidence];
    expect(assessDagster(evidence(paused, 2), thresholds, now)).toMatchObject({ id: 'daemon-stopped-no-day-missed', pausedSchedules: ['all_pipelines_daily'] });
    // No window either, but not known empty: a schedule with no success on record (never ticked, or failing since).
    const neverTicked = [...today, schedule('usgs_daily', 'RUNNING', null)];
    expect(assessDagster(evidence(neverTicked, 2), thresholds, now)).toMatchObject({ id: 'daemon-stopped', window: null, noDayMissed: false });
    const failingSince = [...today, { ...schedule('noaa_daily', 'STOPPED', null), lastTickAt: '2026-11-30T06:00:00Z', lastTickStatus: 'FAILURE' }];
    expect(assessDagster(evidence(failingSince, 2), thresholds, now)).toMatchObject({ id: 'daemon-stopped', window: null, noDayMissed: false });
    // The CLI gives no tick times at all, and a list it could not read gives no schedules.
    const cli: DagsterEvidence = { ...evidence(today.map((s) => ({ ...s, lastTickAt: null, lastSuccessAt: null }))), source: 'cli', daemons: undefined, daemonLive: false };
    expect(assessDagster(cli, thresholds, now)).toMatchObject({ id: 'daemon-stopped', window: null, noDayMissed: false });
    expect(assessDagster({ ...evidence([], 2), schedules: undefined }, thresholds, now)).toMatchObject({ id: 'daemon-stopped', noDayMissed: false });
    // A day missed is a window, as before.
    expect(assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-30T06:00:00Z')], 2), thresholds, now)).toMatchObject({ id: 'daemon-stopped', window: { from: '2026-11-30', to: '2026-11-30' } });
  });

  it('tells schedules paused today, after their tick of the day, the daemon up, from paused ones whose window is there or unknown', () => {
    const pausedToday = [schedule('all_pipelines_daily', 'STOPPED', '2026-12-01T06:00:00Z'), schedule('soda_hourly', 'RUNNING', '2026-12-01T15:00:00Z', '0 * * * *')];
    expect(assessDagster(evidence(pausedToday), thresholds, now)).toMatchObject({ id: 'schedules-paused-no-day-missed', window: null, noDayMissed: true, pausedSchedules: ['all_pipelines_daily'] });
    // Another schedule, running, has missed days (its ticks failing since): days are missed, whatever the paused one did.
    const othersBehind = [schedule('ebird_daily', 'STOPPED', '2026-12-01T06:00:00Z'), { ...schedule('noaa_daily', 'RUNNING', '2026-11-28T06:00:00Z'), lastTickAt: '2026-12-01T06:00:00Z', lastTickStatus: 'FAILURE' }];
    expect(assessDagster(evidence(othersBehind), thresholds, now)).toMatchObject({ id: 'schedules-paused', noDayMissed: false });
    // Paused before today's tick: yesterday is missed.
    expect(assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-30T06:00:00Z')]), thresholds, now)).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-30', to: '2026-11-30' } });
    // Paused with no success on record (failing since), or as the CLI tells it (no tick times): unknown, not empty.
    const failingSince = { ...schedule('all_pipelines_daily', 'STOPPED', null), lastTickAt: '2026-12-01T06:00:00Z', lastTickStatus: 'FAILURE' };
    expect(assessDagster(evidence([failingSince]), thresholds, now)).toMatchObject({ id: 'schedules-paused', window: null, noDayMissed: false });
    const cli: DagsterEvidence = { ...evidence(pausedToday.map((s) => ({ ...s, lastTickAt: null, lastSuccessAt: null }))), source: 'cli', daemons: undefined, daemonLive: true };
    expect(assessDagster(cli, thresholds, now)).toMatchObject({ id: 'schedules-paused', noDayMissed: false });
  });

  it("takes yesterday as due, not missed, for a daily schedule paused (or a daemon stopped) before today's tick: resumed by then, that tick builds it, so the window ends the day before and the verdict names the tick", () => {
    const beforeTick = new Date('2026-12-01T05:00:00Z');
    const paused = schedule('all_pipelines_daily', 'STOPPED', '2026-11-30T06:00:00Z');
    const tick = { at: '2026-12-01T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-11-30' };
    expect(assessDagster(evidence([paused]), thresholds, beforeTick)).toMatchObject({ id: 'schedules-paused-no-day-missed', window: null, noDayMissed: true, dueTick: tick });
    expect(assessDagster(evidence([{ ...paused, status: 'RUNNING' }], 2), thresholds, beforeTick)).toMatchObject({ id: 'daemon-stopped-no-day-missed', window: null, dueTick: tick });
    // Paused three days ago: the days its missed ticks built are missed, but not yesterday, which today's tick builds.
    const longAgo = schedule('all_pipelines_daily', 'STOPPED', '2026-11-28T06:00:00Z');
    expect(assessDagster(evidence([longAgo]), thresholds, beforeTick)).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-28', to: '2026-11-29' }, dueTick: tick });
    // Once the tick's time has passed with the schedule paused, yesterday is missed.
    expect(assessDagster(evidence([paused]), thresholds, new Date('2026-12-01T06:01:00Z'))).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-30', to: '2026-11-30' }, dueTick: { at: '2026-12-02T06:00:00.000Z' } });
    // Each in its own timezone: 06:00 in Tokyo is 21:00 UTC the day before.
    const tokyo = { ...schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T21:00:00Z'), timezone: 'Asia/Tokyo' };
    expect(assessDagster(evidence([tokyo]), thresholds, new Date('2026-11-30T20:00:00Z'))).toMatchObject({ id: 'schedules-paused-no-day-missed', dueTick: { at: '2026-11-30T21:00:00.000Z', builds: '2026-11-30' } });
    // The CLI gives no execution timezone: no due tick is worked out from its crons.
    expect(assessDagster({ ...evidence([{ ...paused, lastTickAt: null, lastSuccessAt: null }]), source: 'cli', daemons: undefined, daemonLive: true }, thresholds, beforeTick)).toMatchObject({ dueTick: null });
    // A weekly schedule's next tick is not worked out: it sets no due tick, and its window is as before.
    expect(assessDagster(evidence([schedule('full_refresh_weekly', 'STOPPED', '2026-11-23T03:00:00Z', '0 3 * * 1')]), thresholds, beforeTick)).toMatchObject({ id: 'schedules-paused', dueTick: null });
  });

  it("holds a RUNNING schedule behind to today's tick too, which its window leaves yesterday to: that tick may fail as the ones since its last success did", () => {
    const beforeTick = new Date('2026-12-01T05:00:00Z');
    const behind = { ...schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z'), lastTickAt: '2026-11-30T06:00:00Z', lastTickStatus: 'FAILURE' };
    const tick = { at: '2026-12-01T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-11-30', behindSince: '2026-11-28T06:00:00Z' };
    expect(assessDagster(evidence([behind]), thresholds, beforeTick)).toMatchObject({ id: 'schedules-behind', window: { from: '2026-11-28', to: '2026-11-29' }, dueTick: tick });
    // Beside a paused one ticking later: the behind one's tick comes first, and holds the plan.
    const pausedLater = schedule('noaa_daily', 'STOPPED', '2026-11-29T07:00:00Z', '0 7 * * *');
    expect(assessDagster(evidence([behind, pausedLater]), thresholds, beforeTick)).toMatchObject({ id: 'schedules-paused', dueTick: tick });
  });

  it("says which schedule's missed day is which where one paused schedule missed yesterday and another's tick of today still builds it: no hold on that tick, whose day the window has anyway", () => {
    const beforeTick = new Date('2026-12-01T05:00:00Z');
    const later = schedule('all_pipelines_daily', 'STOPPED', '2026-11-28T06:00:00Z');
    const earlier = schedule('noaa_daily', 'STOPPED', '2026-11-28T02:00:00Z', '0 2 * * *');
    const verdict = assessDagster(evidence([later, earlier]), thresholds, beforeTick);
    // noaa_daily's tick of 02:00 went by while it was paused: 2026-11-30 is its missed day, in the window for it.
    expect(verdict).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-28', to: '2026-11-30' } });
    // The plan holds until the first tick building a day past the window, not all_pipelines_daily's of 06:00.
    expect(verdict.dueTick).toEqual({ at: '2026-12-02T02:00:00.000Z', schedule: 'noaa_daily', builds: '2026-12-01' });
    expect(verdict.notes).toContain(
      "2026-11-30 is in the window as schedule noaa_daily missed it, not schedule all_pipelines_daily, whose own missed days end before it: all_pipelines_daily's next tick, at 2026-12-01 06:00 UTC, builds 2026-11-30 if it ticks by then, " +
        "a second build of that day beside the backfill's (harmless: a backfill is additive); the plan does not hold until that tick, as the window has that day whatever the tick does",
    );
    // Alone, all_pipelines_daily's window leaves 2026-11-30 to that tick, and holds until it, saying nothing of the kind.
    const alone = assessDagster(evidence([later]), thresholds, beforeTick);
    expect(alone).toMatchObject({ window: { from: '2026-11-28', to: '2026-11-29' }, dueTick: { at: '2026-12-01T06:00:00.000Z' } });
    expect(alone.notes.join()).not.toContain('is in the window as');
  });

  it("with the daemon stopped, says the day its start's catch-up of a RUNNING schedule's last missed tick builds beside the backfill, and which run to end: the window keeps that day", () => {
    const stopped = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z')], 60), thresholds, now);
    expect(stopped).toMatchObject({ id: 'daemon-stopped', window: { from: '2026-11-28', to: '2026-11-30' } });
    expect(stopped.notes).toContain(
      "on its start the daemon runs schedule all_pipelines_daily's last missed tick, of 2026-12-01 06:00 UTC (Dagster's scheduler runs the latest tick a RUNNING schedule missed while it was down, not the earlier ones), which builds 2026-11-30, a day the backfill builds too: " +
        'to build it once, terminate that run once the daemon is up (Dagster UI → Runs, tag dagster/schedule_name=all_pipelines_daily, scheduled at 2026-12-01 06:00 UTC); the window keeps 2026-11-30, as that run may fail as a tick can',
    );
    // Before today's tick the last missed one is yesterday's, building the window's last day, the day before yesterday.
    const early = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z')], 20), thresholds, new Date('2026-12-01T05:00:00Z'));
    expect(early).toMatchObject({ window: { from: '2026-11-28', to: '2026-11-29' } });
    expect(early.notes.join()).toContain("runs schedule all_pipelines_daily's last missed tick, of 2026-11-30 06:00 UTC (");
    // A STOPPED schedule is not caught up (its start counts from then), nor one whose last tick is the latest due.
    const paused = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-28T06:00:00Z')], 60), thresholds, now);
    expect(paused.notes.join()).not.toContain('last missed tick');
    const tickedToday = { ...schedule('all_pipelines_daily', 'RUNNING', '2026-11-28T06:00:00Z'), lastTickAt: '2026-12-01T06:00:00Z', lastTickStatus: 'FAILURE' };
    expect(assessDagster(evidence([tickedToday], 2), thresholds, now).notes.join()).not.toContain('last missed tick');
  });

  it('with the daemon stopped, names the schedules also STOPPED, so its recovery starts them too', () => {
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T06:00:00Z'), schedule('soda_hourly', 'RUNNING', '2026-11-29T07:00:00Z', '0 * * * *')], 60), thresholds, now);
    expect(verdict).toMatchObject({ id: 'daemon-stopped', pausedSchedules: ['all_pipelines_daily'] });
    expect(verdict.reasons).toContain('schedules also STOPPED: all_pipelines_daily');
  });

  it('sizes no window from a stopped sub-daily schedule: it is named and started, but the daily one\'s last success is where days were missed', () => {
    const hourly = schedule('soda_freshness_hourly', 'STOPPED', '2026-11-28T09:00:00Z', '0 * * * *');
    const paused = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), hourly]), thresholds, now);
    expect(paused).toMatchObject({ id: 'schedules-paused-no-day-missed', window: null, pausedSchedules: ['soda_freshness_hourly'], noDayMissed: true, lastSuccess: '2026-12-01T06:00:00Z' });
    expect(paused.notes).toEqual(['schedule soda_freshness_hourly (0 * * * *) ticks more than once a day: it builds no daily partition, so its missed ticks leave no day to backfill']);
    // The daemon stopped this morning, after the daily tick: still no day missed, whatever the hourly one's last success.
    const stopped = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), hourly], 2), thresholds, now);
    expect(stopped).toMatchObject({ id: 'daemon-stopped-no-day-missed', window: null, pausedSchedules: ['soda_freshness_hourly'] });
    // A daily schedule paused beside it sizes the window alone.
    const both = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-30T06:00:00Z'), { ...hourly, lastSuccessAt: '2026-11-20T09:00:00Z', lastTickAt: '2026-11-20T09:00:00Z' }]), thresholds, now);
    expect(both).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-30', to: '2026-11-30' } });
  });

  it('tells a cron that ticks at most daily (it builds the daily partitions) from a sub-daily one', () => {
    for (const cron of ['0 6 * * *', '30 2 * * 1-5', '0 3 1 * *', '@daily', '@weekly', 'not a cron']) expect(ticksAtMostDaily(cron), cron).toBe(true);
    for (const cron of ['0 * * * *', '*/15 * * * *', '0 */6 * * *', '0 6,18 * * *', '@hourly']) expect(ticksAtMostDaily(cron), cron).toBe(false);
  });

  it('counts a schedule west of UTC in its own days: its partition of a day that is still today there is not named', () => {
    // Midnight in Los Angeles (PST, UTC−8) began 2026-12-01; now is 19:00 on 2026-12-03 there, 03:00 on the 4th in UTC.
    const pacific = { ...schedule('all_pipelines_daily', 'STOPPED', '2026-12-01T08:00:00Z', '0 0 * * *'), timezone: 'America/Los_Angeles' };
    const at = new Date('2026-12-04T03:00:00Z');
    expect(assessDagster(evidence([pacific]), thresholds, at)).toMatchObject({ id: 'schedules-paused', window: { from: '2026-12-01', to: '2026-12-02' } });
    // A timezone this host does not know: its days in UTC, and the verdict says so.
    const unknown = assessDagster(evidence([{ ...pacific, timezone: 'Mars/Olympus_Mons' }]), thresholds, at);
    expect(unknown).toMatchObject({ window: { from: '2026-12-01', to: '2026-12-03' } });
    expect(unknown.notes).toContain("schedule all_pipelines_daily's execution timezone Mars/Olympus_Mons is not one this host knows: its days are counted in UTC");
  });

  it('counts a schedule stopped recently as paused, from its last success', () => {
    const verdict = assessDagster(evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T06:00:00Z')]), thresholds, now);
    expect(verdict).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-29', to: '2026-11-30' }, pausedSchedules: ['all_pipelines_daily'] });
  });

  it('calls a daily schedule healthy until its next tick is an hour late, then behind by that one day', () => {
    const ticked = (at: string) => evidence([schedule('all_pipelines_daily', 'RUNNING', at)]);
    expect(assessDagster(ticked('2026-12-01T06:00:00Z'), thresholds, now).id).toBe('healthy');
    expect(assessDagster(ticked('2026-11-30T06:00:00Z'), thresholds, new Date('2026-12-01T06:59:00Z')).id).toBe('healthy');
    expect(assessDagster(ticked('2026-11-30T06:00:00Z'), thresholds, new Date('2026-12-01T07:30:00Z'))).toMatchObject({
      id: 'schedules-behind',
      window: { from: '2026-11-30', to: '2026-11-30' },
    });
  });

  it('does not call a weekly schedule behind on its quiet days, and does once its week has passed', () => {
    const weekly = (at: string) => evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), schedule('export_weekly', 'RUNNING', at, '0 7 * * 1')]);
    expect(assessDagster(weekly('2026-11-23T07:00:00Z'), thresholds, now).id, 'Monday 23rd: 8 days ago').toBe('schedules-behind');
    expect(assessDagster(weekly('2026-11-30T07:00:00Z'), thresholds, now).id, 'Monday 30th: yesterday').toBe('healthy');
    // Weekdays: Friday to Monday is its longest gap, so a job that stopped on Monday is behind by Thursday.
    const weekdays = (at: string) => evidence([schedule('export_weekdays', 'RUNNING', at, '0 7 * * 1-5')]);
    expect(assessDagster(weekdays('2026-11-27T07:00:00Z'), thresholds, new Date('2026-11-30T07:30:00Z')).id, 'Friday to Monday').toBe('healthy');
    expect(assessDagster(weekdays('2026-11-30T07:00:00Z'), thresholds, now).id, 'Monday to Tuesday').toBe('healthy');
    expect(assessDagster(weekdays('2026-11-30T07:00:00Z'), thresholds, new Date('2026-12-03T09:00:00Z')).id, 'Monday to Thursday').toBe('schedules-behind');
    // A cron that cannot be read (the webserver gave none) is judged as a daily one, never healthy for a month.
    expect(assessDagster(evidence([schedule('unknown', 'RUNNING', '2026-11-28T06:00:00Z', '')]), thresholds, now).id).toBe('schedules-behind');
    const macro = evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-29T06:00:00Z', '@daily')]);
    expect(assessDagster(macro, thresholds, now)).toMatchObject({ id: 'schedules-behind', window: { from: '2026-11-29', to: '2026-11-30' } });
  });

  it('sizes no window from a running sub-daily schedule behind: it is named, but its missed ticks leave no day to backfill', () => {
    // The tester's: the hourly check with no success for more than 25 h, the daily schedule ticking.
    const hourly = schedule('soda_freshness_hourly', 'RUNNING', '2026-11-30T09:00:00Z', '0 * * * *');
    const alone = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z'), hourly]), thresholds, now);
    expect(alone).toMatchObject({ id: 'healthy', window: null, reasons: [] });
    expect(alone.title).toBe('Dagster daemon and the schedules that build the daily partitions healthy; running but behind, building no day: soda_freshness_hourly');
    expect(alone.notes).toEqual(['schedule soda_freshness_hourly (0 * * * *) is RUNNING but has no successful tick since 2026-11-30 09:00 UTC: it ticks more than once a day and builds no daily partition, so no day is left to backfill by it; look at its ticks in Dagster']);
    // Beside a daily one behind: the window is the daily one's alone, and both are named.
    const both = assessDagster(evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-29T06:00:00Z'), { ...hourly, lastSuccessAt: '2026-11-27T09:00:00Z' }]), thresholds, now);
    expect(both).toMatchObject({ id: 'schedules-behind', window: { from: '2026-11-29', to: '2026-11-30' }, since: '2026-11-29T06:00:00Z' });
    expect(both.title).toContain('all_pipelines_daily, soda_freshness_hourly');
  });

  it('calls nothing healthy that it could not see: no SCHEDULER daemon listed, no schedule listed', () => {
    const ticking = [schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z')];
    const noDaemons = assessDagster({ ...evidence(ticking), daemons: [] }, thresholds, now);
    expect(noDaemons).toMatchObject({ id: 'inconclusive', reasons: ["Dagster's daemon health lists no daemon at all"] });
    const sensorOnly = { ...evidence(ticking), daemons: [{ type: 'SENSOR', required: true, healthy: true, heartbeatAgeSeconds: 10, errors: [] }] };
    expect(assessDagster(sensorOnly, thresholds, now).reasons).toEqual(["Dagster's daemon health lists no required SCHEDULER daemon, so whether schedules tick cannot be told"]);
    expect(assessDagster(evidence([]), thresholds, now)).toMatchObject({ id: 'inconclusive', reasons: ['Dagster lists no schedule (a code location that failed to load lists none)'] });
    expect(assessDagster({ ...evidence([]), source: 'cli' }, thresholds, now).reasons).toEqual(['Dagster lists no schedule (dagster schedule list printed none)']);
    // The webserver's own workspace answer saying every code location loaded: Dagster answered, and lists none. A deploy
    // that dropped or renamed the schedule, unless the runbook says the stack runs on sensors.
    const dropped = assessDagster({ ...evidence([]), unloadedLocations: [] }, thresholds, now);
    // Dagster answered: a verdict of its own, not "could not be read".
    expect(dropped).toMatchObject({ id: 'no-schedule', title: 'Dagster lists no schedule for the stack though every code location loaded', window: null, pausedSchedules: [] });
    expect(dropped.reasons).toEqual([
      'a deploy may have dropped or renamed it, and then nothing launches its runs; if the stack runs on sensors, set `runsOnSensors: true` on the dagster-health step of runbooks/schedule.yml',
    ]);
    // With something else unread beside it, it is still not conclusive.
    const alsoUnread = assessDagster({ ...evidence([]), unloadedLocations: [], problems: ['could not read the run queue'] }, thresholds, now);
    expect(alsoUnread).toMatchObject({ id: 'inconclusive' });
    const sensorStack = assessDagster({ ...evidence([]), unloadedLocations: [] }, { ...thresholds, runsOnSensors: true }, now);
    expect(sensorStack).toMatchObject({ id: 'healthy', reasons: [], window: null, pausedSchedules: [] });
    expect(sensorStack.title).toBe('Dagster daemon healthy; Dagster lists no schedule for the stack, which runs on sensors (runsOnSensors in the runbook): scenario 4 has no schedule to start');
    // One that did not load is still the likely cause.
    const unloaded = assessDagster({ ...evidence([]), unloadedLocations: [{ name: 'databox', error: 'still loading', ours: true }] }, thresholds, now);
    expect(unloaded.reasons[0]).toBe('Dagster lists no schedule (a code location that failed to load lists none)');
  });

  it('does not call a schedule whose ticks fail healthy: with no success on record it cannot tell since when; with one, behind from it', () => {
    const failing = (lastSuccessAt: string | null): ScheduleEvidence => ({
      ...schedule('all_pipelines_daily', 'RUNNING', lastSuccessAt),
      lastTickAt: '2026-12-01T06:00:00Z',
      lastTickStatus: 'FAILURE',
      lastTickError: 'DagsterUserCodeUnreachableError: Could not reach user code server',
    });
    expect(assessDagster(evidence([failing(null)]), thresholds, now)).toMatchObject({
      id: 'inconclusive',
      reasons: ["schedule all_pipelines_daily's last tick failed and none has succeeded on record: DagsterUserCodeUnreachableError: Could not reach user code server"],
    });
    // The code server unreachable: a backfill would not reach it either, whatever the last success.
    expect(assessDagster(evidence([failing('2026-11-28T06:00:00Z')]), thresholds, now)).toMatchObject({
      id: 'inconclusive',
      reasons: ["schedule all_pipelines_daily's last tick could not reach its code (DagsterUserCodeUnreachableError: Could not reach user code server): a backfill would not reach it either; start the code server or fix the code location first"],
    });
    // The schedule's own function failing: the job itself may run, so behind from the last success, the failure a note.
    const evaluationFailed = { ...failing('2026-11-28T06:00:00Z'), lastTickError: 'DagsterUserCodeProcessError: Error occurred during the execution of evaluation_fn for schedule all_pipelines_daily' };
    const behind = assessDagster(evidence([evaluationFailed]), thresholds, now);
    expect(behind).toMatchObject({ id: 'schedules-behind', window: { from: '2026-11-28', to: '2026-11-30' } });
    expect(behind.notes).toEqual(["schedule all_pipelines_daily's last tick failed: DagsterUserCodeProcessError: Error occurred during the execution of evaluation_fn for schedule all_pipelines_daily"]);
    expect(describeDagsterEvidence(evidence([failing(null)]))).toContain('Last tick of all_pipelines_daily failed: DagsterUserCodeUnreachableError: Could not reach user code server');
  });

  it('does not call Dagster healthy while the code location databox runs from has not loaded: its schedules are missing from the list, not ticking', () => {
    const ours = { ...evidence([schedule('housekeeping_hourly', 'RUNNING', '2026-12-01T08:00:00Z', '0 * * * *')]), unloadedLocations: [{ name: 'databox', error: "ModuleNotFoundError: No module named 'databox.orchestration'", ours: true }] };
    const verdict = assessDagster(ours, thresholds, now);
    expect(verdict).toMatchObject({
      id: 'inconclusive',
      reasons: ["code location databox failed to load: ModuleNotFoundError: No module named 'databox.orchestration'; its schedules and jobs are missing from what Dagster lists (fix it, then reload it in the Dagster UI or restart its code server)"],
    });
    expect(describeDagsterEvidence(ours)).toContain("Code location databox: failed to load: ModuleNotFoundError: No module named 'databox.orchestration'");
    // Another location than the configured one (DAGSTER_LOCATION) is only a note.
    const other = { ...evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z')]), unloadedLocations: [{ name: 'ops', error: 'still loading', ours: false }] };
    expect(assessDagster(other, thresholds, now)).toMatchObject({ id: 'healthy', notes: ['code location ops is still loading'] });
  });

  it('starts the paused schedules\' window at a running schedule behind when its last success is older: its days were missed too', () => {
    // The tester's: all_pipelines_daily RUNNING but its runs failing since 2026-11-30, vacuum_nightly_v2 paused on 2026-12-01.
    const at = new Date('2026-12-03T09:00:00Z');
    const schedules = [schedule('all_pipelines_daily', 'RUNNING', '2026-11-30T06:00:00Z'), schedule('vacuum_nightly_v2', 'STOPPED', '2026-12-01T03:00:00Z', '0 3 * * *')];
    const verdict = assessDagster(evidence(schedules), thresholds, at);
    expect(verdict).toMatchObject({ id: 'schedules-paused', window: { from: '2026-11-30', to: '2026-12-02' }, pausedSchedules: ['vacuum_nightly_v2'], lastSuccess: '2026-11-30T06:00:00Z' });
    expect(verdict.reasons).toContain('schedule all_pipelines_daily is RUNNING but behind: no successful tick since 2026-11-30 06:00 UTC');
    // A running one within its interval does not stretch it (a weekly schedule on its quiet days).
    const quiet = [schedule('export_weekly', 'RUNNING', '2026-11-30T07:00:00Z', '0 7 * * 1'), schedules[1] as ScheduleEvidence];
    expect(assessDagster(evidence(quiet), thresholds, at)).toMatchObject({ id: 'schedules-paused', window: { from: '2026-12-01', to: '2026-12-02' } });
  });

  it('is not conclusive with no required SCHEDULER daemon listed, whatever the schedules say: nothing would tick the ones started', () => {
    const daemons = ['SENSOR', 'BACKFILL', 'ASSET', 'QUEUED_RUN_COORDINATOR'].map((type) => ({ type, required: true, healthy: true, heartbeatAgeSeconds: 10, errors: [] }));
    const paused = { ...evidence([schedule('all_pipelines_daily', 'STOPPED', '2026-11-29T06:00:00Z')]), daemons };
    expect(assessDagster(paused, thresholds, now)).toMatchObject({ id: 'inconclusive', reasons: ["Dagster's daemon health lists no required SCHEDULER daemon, so whether schedules tick cannot be told"] });
    // Nor is the daemon called stopped (starting it would not start a scheduler), nor a list with no daemon at all paused.
    const stale = { ...paused, daemons: daemons.map((d) => ({ ...d, healthy: false, heartbeatAgeSeconds: 7200 })) };
    expect(assessDagster(stale, thresholds, now).id).toBe('inconclusive');
    expect(assessDagster({ ...paused, daemons: [] }, thresholds, now)).toMatchObject({ id: 'inconclusive', reasons: ["Dagster's daemon health lists no daemon at all"] });
  });

  it('says beside a stopped daemon or paused schedules that a code location which failed to load has schedules unknown, not started by the plan', () => {
    const unloadedLocations = [{ name: 'databox.orchestration.definitions', error: "ModuleNotFoundError: No module named 'databox.orchestration'", ours: true }];
    const line = "code location databox.orchestration.definitions failed to load: ModuleNotFoundError: No module named 'databox.orchestration': its schedules are unknown (Dagster lists none of them) and are not started by this plan; fix it, then diagnose again";
    const paused = assessDagster({ ...evidence([schedule('vacuum_nightly_v2', 'STOPPED', '2026-11-29T03:00:00Z', '0 3 * * *')]), unloadedLocations }, thresholds, now);
    expect(paused.id).toBe('schedules-paused');
    expect(paused.reasons).toContain(line);
    const stopped = assessDagster({ ...evidence([schedule('vacuum_nightly_v2', 'RUNNING', '2026-11-29T03:00:00Z', '0 3 * * *')], 60), unloadedLocations }, thresholds, now);
    expect(stopped.id).toBe('daemon-stopped');
    expect(stopped.reasons).toContain(line);
    // Another location than the stack's (DAGSTER_LOCATION set to another) stays a note.
    const other = assessDagster({ ...evidence([schedule('vacuum_nightly_v2', 'STOPPED', '2026-11-29T03:00:00Z', '0 3 * * *')]), unloadedLocations: [{ ...unloadedLocations[0]!, ours: false }] }, thresholds, now);
    expect(other.reasons.join('\n')).not.toContain('databox.orchestration.definitions');
  });
});

describe('runs waiting in the queue for over an hour', () => {
  const queued = { runs: [{ runId: 'a1b2c3d4', jobName: 'all_pipelines', status: 'QUEUED', createdAt: Date.parse('2026-12-01T12:30:00Z') / 1000 }], atLeast: false };
  const healthy = [schedule('all_pipelines_daily', 'RUNNING', '2026-12-01T06:00:00Z')];

  it('make a healthy-looking Dagster the run queue stuck, with no window and nothing to start', () => {
    const verdict = assessDagster({ ...evidence(healthy), queuedTooLong: queued }, thresholds, now);
    expect(verdict).toMatchObject({ id: 'run-queue-stuck', window: null, pausedSchedules: [], since: '2026-12-01T12:30:00.000Z' });
    expect(verdict.title).toBe('Run queue stuck: 1 run QUEUED for over 1 h, the oldest since 2026-12-01 12:30 UTC (5 h), run a1b2c3d4 of job all_pipelines; by job: all_pipelines 1');
    expect(verdict.reasons[0]).toBe('besides, without the queue: Dagster daemon and schedules healthy');
  });

  it('are a note beside a stopped daemon, which starting dequeues them, and the verdict stays the daemon stopped', () => {
    const verdict = assessDagster({ ...evidence([schedule('all_pipelines_daily', 'RUNNING', '2026-11-30T06:00:00Z')], 2), queuedTooLong: queued }, thresholds, now);
    expect(verdict.id).toBe('daemon-stopped');
    expect(verdict.notes).toContainEqual(expect.stringContaining("1 run QUEUED for over 1 h, the oldest since 2026-12-01 12:30 UTC (5 h), run a1b2c3d4 of job all_pipelines; by job: all_pipelines 1: they wait for the daemon's run coordinator"));
  });

  it('do not make the queue stuck while another run started within the hour (run concurrency limits): a note says it moves', () => {
    const startedLately = { runId: 'e5f6a7b8', jobName: 'all_pipelines', updatedAt: Date.parse('2026-12-01T17:20:00Z') / 1000 };
    const verdict = assessDagster({ ...evidence(healthy), queuedTooLong: { ...queued, startedLately } }, thresholds, now);
    expect(verdict.id).toBe('healthy');
    expect(verdict.notes).toContainEqual(expect.stringContaining('run a1b2c3d4 of job all_pipelines; by job: all_pipelines 1, but run e5f6a7b8 of job all_pipelines started at 2026-12-01 17:20 UTC: the queue moves'));
  });

  it('NOT_STARTED only, however old, are a note and not the verdict: never handed to the coordinator, they say nothing of the queue', () => {
    const orphaned = { runs: [{ ...queued.runs[0]!, status: 'NOT_STARTED' }], atLeast: false };
    const verdict = assessDagster({ ...evidence(healthy), queuedTooLong: orphaned }, thresholds, now);
    expect(verdict.id).toBe('healthy');
    expect(verdict.notes).toContainEqual(expect.stringContaining('1 run NOT_STARTED for over 1 h, the oldest since 2026-12-01 12:30 UTC (5 h), run a1b2c3d4 of job all_pipelines; by job: all_pipelines 1: never handed to the run coordinator'));
  });

  it('that could not be read leave the verdict to the rest, and the evidence says why', () => {
    const unread = { ...evidence(healthy), queuedTooLong: { failed: 'Cannot query field "creationTime" on type "Run".' } };
    expect(assessDagster(unread, thresholds, now).id).toBe('healthy');
    expect(describeDagsterEvidence(unread)).toContain('Queued runs: could not be read, so whether the run queue moves is unknown (Cannot query field "creationTime" on type "Run".)');
  });
});
