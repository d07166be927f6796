// Scenario 2's diagnosis of a TIMESTAMPTZ raw column (counted by UTC day, the offset lost) from a source in local time that lost a local day.
import { afterEach, describe, expect, it } from 'vitest';
import { diagnoseBackfill } from '../helpers/backfill-diagnosed.js';
import { Checkout } from '../helpers/databox-checkout.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/**
 * usgs' raw rows as TIMESTAMPTZ, 120 a local day (UTC-5, one every 12 minutes), the local day 2026-04-20 lost whole: in
 * UTC, 2026-04-20 keeps the evening before's 25 rows and 2026-04-21 lacks its first 25 (95 of 120).
 */
const lostLocalDay = `CREATE OR REPLACE TABLE raw_usgs.daily_values AS
  SELECT CAST(row_number() OVER () AS BIGINT) AS id, CAST(strftime(CAST(d AS TIMESTAMP) + r * INTERVAL 12 MINUTE, '%Y-%m-%d %H:%M:00-05') AS TIMESTAMPTZ) AS observation_date,
         'site_' || (r % 7) AS species, CAST(r % 13 + 1 AS INTEGER) AS how_many
    FROM range(DATE '2026-02-24', DATE '2026-04-25', INTERVAL 1 DAY) AS days(d), range(120) AS rows(r)
   WHERE CAST(d AS DATE) <> DATE '2026-04-20'`;

describe('a TIMESTAMPTZ raw column from a source in local time', () => {
  it('calls the UTC day next to a bad one short when it lacks a tenth of its rows or more, not normal', async () => {
    const checkout = new Checkout();
    checkouts.push(checkout);
    const { service, incident } = await diagnoseBackfill(checkout, { source: 'usgs', from: '2026-04-18', to: '2026-04-23' }, lostLocalDay);
    const diagnosis = service.run(incident.diagnosis?.runId as string);
    const days = diagnosis.results.find((r) => r.stepId === 'raw_counts')?.outputs.days as { day: string; count: number; verdict: string }[];
    const verdictOf = Object.fromEntries(days.map((d) => [d.day, `${d.verdict} ${d.count}`]));
    expect(verdictOf).toMatchObject({ '2026-04-19': 'normal 120', '2026-04-20': 'short 25', '2026-04-21': 'short 95', '2026-04-22': 'normal 120' });
  });
});
