// When a daily schedule ticks next, in its execution timezone: across a daylight-saving change too; other crons are not worked out.
import { describe, expect, it } from 'vitest';
import { dailyTickTime, nextDailyTick } from '../../src/dagster/daily-ticks.js';

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

  it('is not worked out for a cron that does not tick once every day at one time', () => {
    for (const cron of ['0 3 * * 1', '0 3 1 * *', '0 * * * *', '0 6,18 * * *', '@weekly', 'not a cron']) expect(dailyTickTime(cron)).toBeUndefined();
    expect(dailyTickTime('30 2 * * *')).toEqual({ hour: 2, minute: 30 });
  });
});
