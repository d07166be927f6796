// A raw date column of a type no day is read from (epoch seconds in a BIGINT): said as raw_date_column to correct, at diagnosis and on a typed recovery alike.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** The engine on 1,000 rows a day up to 2026-04-24, ebird's raw dates as epoch seconds in a BIGINT; today is 2026-04-25. */
async function epochDates() {
  const checkout = new Checkout();
  checkouts.push(checkout);
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run('ALTER TABLE raw_ebird.observations ALTER observation_date TYPE BIGINT USING CAST(epoch(observation_date) AS BIGINT)');
  connection.closeSync();
  instance.closeSync();
  return openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData()).service;
}

const undated = 'observation_date in raw_ebird.observations is a BIGINT column, not a DATE, TIMESTAMP or TIMESTAMPTZ column, or a text column of dates';

describe('a raw date column holding epoch seconds (BIGINT)', () => {
  it('is said as raw_date_column naming a column of no date type, not as every row a value to fix or remove', async () => {
    const service = await epochDates();
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params: { source: 'ebird', from: '2026-04-15', to: '2026-04-22' } }, 'U0OPERATOR', 'test');
    const diagnosis = service.incident(incident.id).diagnosis;
    expect(diagnosis).toMatchObject({ verdict: 'unreadable-table', paths: [] });
    // Before: "observation_date in raw_ebird.observations: 28xxx values are not dates (e.g. "1776211200", …) … Fix or
    // remove those rows, then diagnose again".
    expect(diagnosis?.advice).toContain(`Raw: ${undated} (a number, epoch seconds say, is no date DuckDB reads), so no row of it falls on a day: raw_date_column must name one.`);
    expect(diagnosis?.advice).not.toMatch(/values are not dates|remove those rows/);
  });

  it('refuses a typed recovery naming raw_date_column in the runbook, not with DuckDB\'s cast error alone', async () => {
    withStandinPath();
    const service = await epochDates();
    const typed = service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: { source: 'ebird', from: '2026-04-19', to: '2026-04-20' } }, 'U0OPERATOR', 'test');
    // Before: "… failed on …: Conversion Error: Unimplemented type for cast (BIGINT -> DATE) when casting from source
    // column observation_date; nothing was proposed (diagnose first …)".
    await expect(typed).rejects.toThrow(/cannot preview the plan: its count "Raw rows the DELETE will remove" cannot be taken on .*: observation_date is a BIGINT column, not a DATE, TIMESTAMP or TIMESTAMPTZ column, or a text column of dates .*: raw_date_column in \S*runbooks\/backfill\.yml must name one; nothing was proposed$/);
    await expect(typed).rejects.not.toThrow(/Conversion Error/);
  });
});
