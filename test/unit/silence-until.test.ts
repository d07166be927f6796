// The "until" of an alert's "Paused on purpose…" form: a day, a UTC day and time, or a span from now; refused, saying what to give, otherwise.
import { describe, expect, it } from 'vitest';
import { silenceUntil } from '../../src/watchers/silence-until.js';

const now = new Date('2026-04-21T09:00:00Z');

describe("an alert's silence until", () => {
  it('reads a day (its start, UTC), a UTC day and time, and a span from now', () => {
    expect(silenceUntil('2026-05-01', now).toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(silenceUntil(' 2026-05-01 09:30 ', now).toISOString()).toBe('2026-05-01T09:30:00.000Z');
    expect(silenceUntil('3d', now).toISOString()).toBe('2026-04-24T09:00:00.000Z');
    expect(silenceUntil('12h', now).toISOString()).toBe('2026-04-21T21:00:00.000Z');
  });

  it('refuses what is no time, a time past and one more than 45 days ahead, saying what to give', () => {
    expect(() => silenceUntil('next monday', now)).toThrow('"next monday" is no time: give a day (2026-05-01), a UTC day and time (2026-05-01 09:00) or a span from now (3d, 12h)');
    expect(() => silenceUntil('2026-13-40', now)).toThrow(/is no time/);
    expect(() => silenceUntil('2026-04-21 08:59', now)).toThrow('2026-04-21 08:59 UTC is past: give a time to come');
    expect(() => silenceUntil('46d', now)).toThrow(/at most 45 days ahead/);
  });
});
