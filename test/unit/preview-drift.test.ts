// A plan's counts against its diagnosis' on the same days (src/incidents/preview-drift.ts): said when they differ,
// never for a day the diagnosis saw still loading, another table, or a window it did not count.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../src/engine/previews.js';
import { previewDrift } from '../../src/incidents/preview-drift.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { projectRoot } from '../support/fixtures.js';

const rb = loadRunbooks(path.join(projectRoot, 'runbooks')).get('backfill')!;
const pathA = rb.recovery.find((p) => p.id === 'a')!;
const params = { source: 'ebird', from: '2026-04-18', to: '2026-04-20' };
const preview = (value: number): PreviewResult[] => [{ id: 'raw_rows', title: 'Raw rows the DELETE will remove', sql: '', params: [], value }];
const valuesWith = (days: { day: string; count: number; verdict: string }[], table = 'raw_ebird.observations') => ({
  source: { _value: 'ebird', raw_table: 'raw_ebird.observations' },
  diagnosis: { raw_counts: { table, days } },
});
const counted = [
  { day: '2026-04-17', count: 1000, verdict: 'normal' },
  { day: '2026-04-18', count: 0, verdict: 'zero' },
  { day: '2026-04-19', count: 500, verdict: 'low' },
  { day: '2026-04-20', count: 40000, verdict: 'spike' },
];

describe('previewDrift', () => {
  it('says the rows changed when the plan counts otherwise than the diagnosis on the same days, and nothing when the same', () => {
    expect(previewDrift(rb, pathA, params, preview(40500), valuesWith(counted), '2026-04-25')).toBeUndefined();
    expect(previewDrift(rb, pathA, params, preview(41500), valuesWith(counted), '2026-04-25')).toBe(
      'The rows changed since the diagnosis: it counted 40500 rows of raw_ebird.observations on 2026-04-18 … 2026-04-20, and this plan\'s "Raw rows the DELETE will remove" counts 41500 now (a load landed meanwhile?). What the diagnosis judged bad may be whole now: diagnose again before approving.',
    );
  });

  it('says nothing for a day the diagnosis saw still loading, another table, a window partly outside, or today', () => {
    const loading = counted.map((d) => (d.day === '2026-04-20' ? { ...d, verdict: 'incomplete' } : d));
    expect(previewDrift(rb, pathA, params, preview(41500), valuesWith(loading), '2026-04-25')).toBeUndefined();
    expect(previewDrift(rb, pathA, params, preview(41500), valuesWith(counted, 'raw_noaa.daily_weather'), '2026-04-25')).toBeUndefined();
    expect(previewDrift(rb, pathA, { ...params, to: '2026-04-21' }, preview(41500), valuesWith(counted), '2026-04-25')).toBeUndefined();
    expect(previewDrift(rb, pathA, params, preview(41500), valuesWith(counted), '2026-04-20')).toBeUndefined();
  });
});
