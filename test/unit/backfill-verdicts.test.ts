// Scenario 2's verdicts over counts a tester's own files gave: the bundled backfill.yml on the engine, no Slack.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** A checkout whose database holds 1,000 rows a day per source up to 2026-04-24, changed by `sql`; today is 2026-04-25. */
async function diagnosed(params: Record<string, string>, sql: string, checkout = new Checkout()) {
  checkouts.push(checkout);
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params }, 'U0OPERATOR', 'test');
  return { service, incident: service.incident(incident.id) };
}

const diagnose = async (params: Record<string, string>, sql: string) => (await diagnosed(params, sql)).incident.diagnosis;

describe('scenario 2 verdicts', () => {
  it('blames the raw load (path A) for a spike of repeated keys, loaded and built that way', async () => {
    const fiveTimes = (table: string, day: string) =>
      `DELETE FROM ${table} WHERE ${day} = DATE '2026-04-15'; INSERT INTO ${table} (${day}, id, species, how_many) SELECT DATE '2026-04-15', 10000000 + k.range, 's', 1 FROM range(2000) AS k, range(5) AS copies;`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-13', to: '2026-04-17' }, fiveTimes('raw_usgs.daily_values', 'observation_date') + fiveTimes('usgs.fct_daily_streamflow', 'day_date'));
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', paths: ['a'], suggested: { source: 'usgs', from: '2026-04-15', to: '2026-04-15' } });
  });

  it('finds a low day after a week-long outage before the window, judged by the days before it that have rows', async () => {
    const outage = (table: string, day: string) =>
      `DELETE FROM ${table} WHERE ${day} BETWEEN DATE '2026-04-04' AND DATE '2026-04-11';
       DELETE FROM ${table} WHERE ${day} = DATE '2026-04-17' AND id NOT IN (SELECT id FROM ${table} WHERE ${day} = DATE '2026-04-17' ORDER BY id LIMIT 50);`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-15', to: '2026-04-21' }, outage('raw_usgs.daily_values', 'observation_date') + outage('usgs.fct_daily_streamflow', 'day_date'));
    // Before: "Not conclusive — no baseline", every day "normal", as if the 14 days before had no rows at all.
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', paths: ['a'], suggested: { source: 'usgs', from: '2026-04-17', to: '2026-04-17' } });
  });

  it('calls too few days with rows before the window no baseline, saying they are too few, not that none has rows', async () => {
    const outage = (table: string, day: string) => `DELETE FROM ${table} WHERE ${day} BETWEEN DATE '2026-04-01' AND DATE '2026-04-12';`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-15', to: '2026-04-21' }, outage('raw_usgs.daily_values', 'observation_date') + outage('usgs.fct_daily_streamflow', 'day_date'));
    expect(diagnosis).toMatchObject({ verdict: 'no-baseline', paths: [] });
    expect(diagnosis?.advice).toContain('no baseline (only 2 of the 14 days before the window have rows: too few to judge by)');
    // Before: "The 14 days before the window have no rows (the source's first days, say)", of days two of which had.
    expect(diagnosis?.advice).toContain('Too few of the 14 days before the window have rows to judge its days by (fewer than 3');
  });
});
