// Durations as operators read them (src/format-duration.ts): two units at most, and a zero last unit left out.
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/format-duration.js';

const minute = 60_000;
const hour = 60 * minute;

describe('formatDuration', () => {
  it('says an SLA of 36 hours "36 h", three minutes "3 min" and three days "3 d": no zero last unit', () => {
    expect(formatDuration(36 * hour)).toBe('36 h');
    expect(formatDuration(3 * minute)).toBe('3 min');
    expect(formatDuration(72 * hour)).toBe('3 d');
    expect(formatDuration(hour)).toBe('1 h');
  });

  it('keeps the second unit when it is not zero, and the short forms', () => {
    expect(formatDuration(36 * hour + 30 * minute)).toBe('36 h 30 min');
    expect(formatDuration(3 * minute + 12_000)).toBe('3 min 12 s');
    expect(formatDuration(74 * hour)).toBe('3 d 2 h');
    // From two days on, days and hours: a long outage's "64 h 20 min" had to be worked out.
    expect(formatDuration(64 * hour + 20 * minute)).toBe('2 d 16 h');
    expect(formatDuration(48 * hour)).toBe('2 d');
    expect(formatDuration(47 * hour + 59 * minute)).toBe('47 h 59 min');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(-1)).toBe('unknown');
  });
});
