// Scenario 2's diagnosis of a typed window, of what a bad load left just outside it: every day a double load touched, raw days partly removed.
import { afterEach, describe, expect, it } from 'vitest';
import { diagnoseBackfill } from '../helpers/backfill-diagnosed.js';
import { Checkout } from '../helpers/databox-checkout.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** The bundled backfill runbook diagnosed on 1,000 rows a day up to 2026-04-24 changed by `sql`; today is 2026-04-25. */
async function diagnosed(params: Record<string, string>, sql: string) {
  const checkout = new Checkout();
  checkouts.push(checkout);
  return (await diagnoseBackfill(checkout, params, sql)).incident.diagnosis!;
}

/**
 * A load run twice whose rows, in UTC, run from 2026-04-20 into 2026-04-21 (a source in local time): the hours before
 * midnight repeat keys on 2026-04-20, those after it on 2026-04-21.
 */
const loadedTwiceAcrossMidnight = `INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-20' AND id % 4 = 0;
  INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-21' AND id % 8 = 0;`;

describe('a typed window, and the days just outside it', () => {
  it('names every day a double load crossing UTC midnight touched, the day after the window too, with the window that takes them in', async () => {
    const diagnosis = await diagnosed({ source: 'ebird', from: '2026-04-18', to: '2026-04-20' }, loadedTwiceAcrossMidnight);
    expect(diagnosis.verdict).toBe('duplicate-load');
    expect(diagnosis.advice).toContain('2026-04-20 duplicates');
    expect(diagnosis.advice).toMatch(
      /raw_ebird\.observations also repeats keys on 2026-04-21 \(\d+ of its \d+ rows repeat a key of the day\), just after the window: the load that ran twice ran on past the window's edge \(UTC midnight\), and a recovery of the window leaves those repeats; diagnose a window that takes them in: `\/databox diagnose backfill source=ebird from=2026-04-18 to=2026-04-21`/,
    );
    // No further: 2026-04-22 repeats nothing.
    expect(diagnosis.advice).not.toContain('2026-04-22');
    // The plan is not widened by itself: the window proposed stays the one typed.
    expect(diagnosis.suggested).toMatchObject({ from: '2026-04-20', to: '2026-04-20' });
  });
});
