// A text date column holding timestamps with an offset is counted, kept and deleted by the date written in it (the
// source's own day, the one its reload loads), not its UTC day: the bundled backfill.yml on the engine, over a real DuckDB file.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

async function sql(file: string, text: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(text)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The raw rows per day as the text writes it (its first ten characters): what the bot must count, keep and delete by. */
async function writtenDays(file: string): Promise<Record<string, number>> {
  const rows = await sql(file, 'SELECT left(observation_date, 10), count(*) FROM raw_usgs.daily_values GROUP BY 1');
  return Object.fromEntries(rows.map(([day, n]) => [String(day), Number(n)]));
}

/** The rows written on the evening of 2026-04-14 at 21:00 in UTC-5: 2026-04-15 in UTC, the day before in the source's. */
async function eveningBefore(file: string): Promise<number> {
  return Number((await sql(file, "SELECT count(*) FROM raw_usgs.daily_values WHERE observation_date = '2026-04-14T21:00:00-05:00'"))[0]?.[0]);
}

describe('raw dates written as text with a UTC offset', () => {
  it('are counted, previewed, kept and deleted by the date written, the source\'s day, not their UTC day', async () => {
    withStandinPath();
    const checkout = new Checkout();
    checkouts.push(checkout);
    const file = checkout.databasePath;
    await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
    // 2026-04-15 loaded a tenth of its rows. Every row is then written as text in UTC-5: a quarter of each day's at
    // 21:00 the evening before (the same UTC day, the day before in the source's), the rest at noon; one more written
    // without an offset stays on its date.
    await sql(
      file,
      `DELETE FROM raw_usgs.daily_values WHERE observation_date = DATE '2026-04-15' AND id % 10 <> 0;
       CREATE OR REPLACE TABLE raw_usgs.daily_values AS SELECT * REPLACE (
         CASE WHEN id % 4 = 0 THEN strftime(observation_date - INTERVAL 1 DAY, '%Y-%m-%d') || 'T21:00:00-05:00'
              ELSE strftime(observation_date, '%Y-%m-%d') || 'T12:00:00-05:00' END AS observation_date) FROM raw_usgs.daily_values;
       INSERT INTO raw_usgs.daily_values (id, observation_date, species, how_many) VALUES (99999999, '2026-04-15T23:30:00', 's', 1)`,
    );
    const before = await writtenDays(file);
    const evening = await eveningBefore(file);
    expect(evening).toBeGreaterThan(10);
    const onTheDay = before['2026-04-15'] as number;
    expect(onTheDay).toBeGreaterThan(250);
    expect(onTheDay).toBeLessThan(360);

    const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
    const params = { source: 'usgs', from: '2026-04-15', to: '2026-04-15' };
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params }, 'U0OPERATOR', 'test');
    const diagnosis = service.run(service.incident(incident.id).diagnosis?.runId as string);
    const counted = diagnosis.results.find((r) => r.stepId === 'raw_counts')?.outputs.days as { day: string; count: number }[];
    expect(counted.find((d) => d.day === '2026-04-15')?.count).toBe(onTheDay);

    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(run?.previews?.find((p) => p.id === 'raw_rows')?.value).toBe(onTheDay);
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    const ran = await service.executeApproved(run!.id);
    const result = (id: string) => ran.results.find((r) => r.stepId === id);
    expect(result('keep_raw')?.outputs.rowCount).toBe(onTheDay);
    expect(result('delete_raw')?.outputs.rowCount).toBe(onTheDay);
    // The rows written on that day are gone, and only those: the days either side are as they were, the evening of the
    // day before (on 2026-04-15 in UTC) too, which a reload of 2026-04-15 would not load again.
    expect(await eveningBefore(file)).toBe(evening);
    const after = await writtenDays(file);
    expect(after['2026-04-15']).toBeUndefined();
    expect([after['2026-04-14'], after['2026-04-16']]).toEqual([before['2026-04-14'], before['2026-04-16']]);
  });
});
