// The validation's mart-freshness step as a plan shows it: its rule for a part of a longer backfill is said as a rule, not as this window's case.
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/engine/describe.js';
import type { ResolvedStep } from '../../src/engine/types.js';

describe('mart-freshness in a plan', () => {
  it('does not call a window ending yesterday one "before yesterday": the part-of-a-longer-backfill rule is said as a condition', () => {
    const step = {
      id: 'fresh',
      kind: 'mart-freshness',
      title: 'Every mart fresh',
      target: 'backend',
      marts: [{ table: 'noaa.fct_daily_weather', dateColumn: 'day_date', maxLag: '36h' }],
      through: '2026-04-20',
      from: '2026-04-18',
      timeoutMs: 60_000,
      destructive: false,
      mutates: false,
      guard: false,
      acceptStatuses: [],
    } as unknown as ResolvedStep;
    const said = describeStep(step, '/srv/databox');
    expect(said).not.toContain('(before yesterday, with a day after it still missing');
    expect(said).toContain(
      '; each through 2026-04-20 at least (should that day be before yesterday when this runs, with a day after it still missing, it is judged as one part of a longer backfill, by that day reached)',
    );
  });
});
