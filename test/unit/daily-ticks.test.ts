// When a daily schedule ticks next, in its execution timezone: across a daylight-saving change too; other crons are not worked out.
import { describe, expect, it } from 'vitest';
import { dailyTickTime, nextDailyTick } from '../../src/dagster/daily-ticks.js';
import { missedWindow } from '../../src/dagster/evidence.js';

const next = (cron: string, timeZone: string, after: string) => {
  const at = nextDailyTick(cron, timeZone, Date.parse(after));
  return at === undefined ? undefined : new Date(at).toISOString();
};

describe('the next tick of a daily schedule', () => {
  it("is today's where it runs while still ahead, else tomorrow's", () => {
    expect(next('0 6 * * *', 'UTC', '2026-12-05T05:59:00Z')).toBe('2026-12-05T06:00:00.000Z');
    expect(next('0 6 * * *', 'UTC', '2026-12-05T06:00:00Z')).toBe('2026-12-06T06:00:00.000Z');
    expect(next('@daily', 'UTC', '2026-12-05T06:00:00Z')).toBe('2026-12-06T00:00:00.000Z');
    // Los Angeles is UTC−8 in winter and UTC−7 in summer; its 06:00 on the day daylight saving starts is 13:00 UTC.
    expect(next('0 6 * * *', 'America/Los_Angeles', '2026-12-05T10:00:00Z')).toBe('2026-12-05T14:00:00.000Z');
    expect(next('0 6 * * *', 'America/Los_Angeles', '2026-07-01T10:00:00Z')).toBe('2026-07-01T13:00:00.000Z');
    expect(next('0 6 * * *', 'America/Los_Angeles', '2026-03-08T09:00:00Z')).toBe('2026-03-08T13:00:00.000Z');
    // 06:00 in Tokyo (UTC+9) is 21:00 UTC the day before.
    expect(next('0 6 * * *', 'Asia/Tokyo', '2026-12-05T20:00:00Z')).toBe('2026-12-05T21:00:00.000Z');
  });

  // Dagster's docs on schedules and daylight saving: a time that does not exist that day runs at the next time that
  // exists; a time that happens twice runs at its second passing.
  it('runs a time the clocks skip when they jump (New York springs from 02:00 to 03:00 on 2026-03-08)', () => {
    // 02:30 does not exist: the tick is at 03:00 EDT (07:00 UTC), not an hour early at 01:30 EST.
    expect(next('30 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
    expect(next('0 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
    // The day after, 02:30 exists again (EDT, UTC−4).
    expect(next('30 2 * * *', 'America/New_York', '2026-03-08T07:00:00Z')).toBe('2026-03-09T06:30:00.000Z');
  });

  it('runs a time the clocks pass twice at its second passing (New York falls from 02:00 to 01:00 on 2026-11-01)', () => {
    // 01:30 EDT is 05:30 UTC, 01:30 EST 06:30 UTC: Dagster ticks at the second.
    expect(next('30 1 * * *', 'America/New_York', '2026-11-01T05:00:00Z')).toBe('2026-11-01T06:30:00.000Z');
    expect(next('30 1 * * *', 'America/New_York', '2026-11-01T05:45:00Z')).toBe('2026-11-01T06:30:00.000Z');
    // Between the two passings today's tick is still ahead: yesterday is left to it, not put in a backfill racing it.
    const lastSuccessAt = '2026-10-30T05:30:00Z';
    expect(missedWindow({ cron: '30 1 * * *', timezone: 'America/New_York', lastSuccessAt }, new Date('2026-11-01T06:00:00Z'))).toEqual({ from: '2026-10-30', to: '2026-10-30' });
    expect(missedWindow({ cron: '30 1 * * *', timezone: 'America/New_York', lastSuccessAt }, new Date('2026-11-01T06:31:00Z'))).toEqual({ from: '2026-10-30', to: '2026-10-31' });
  });

  it('runs midnight where the clocks skip it at the jump (America/Santiago springs from 00:00 to 01:00 on 2026-09-06)', () => {
    // Midnight of 09-06 does not exist: the tick is at 01:00 −03 (04:00 UTC), on 09-06, not 23:00 of 09-05.
    expect(next('@daily', 'America/Santiago', '2026-09-06T01:00:00Z')).toBe('2026-09-06T04:00:00.000Z');
    // At 22:00 of 09-05 there, the tick of 09-05 (building 09-04) has been, so 09-04 was missed.
    expect(missedWindow({ cron: '@daily', timezone: 'America/Santiago', lastSuccessAt: '2026-09-04T04:05:00Z' }, new Date('2026-09-06T02:00:00Z'))).toEqual({ from: '2026-09-04', to: '2026-09-04' });
  });

  it('is not worked out for a cron that does not tick once every day at one time', () => {
    for (const cron of ['0 3 * * 1', '0 3 1 * *', '0 * * * *', '0 6,18 * * *', '@weekly', 'not a cron']) expect(dailyTickTime(cron)).toBeUndefined();
    expect(dailyTickTime('30 2 * * *')).toEqual({ hour: 2, minute: 30 });
  });
});
