// A databox database whose marts stopped on a given day, as after a stopped Dagster daemon, and the SQL a backfill run adds.
import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromTemplate } from '../support/database-templates.js';

export const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];

/**
 * Every mart with `days` days of rows ending on `lastDay` (`lastDayOf` a mart's own): built once per test process for the
 * same arguments and copied for each test that asks again (most scenario-4 tests ask for the same one).
 */
export async function createMartsDatabase(file: string, lastDay: string, days = 30, lastDayOf: Readonly<Record<string, string>> = {}): Promise<void> {
  const key = createHash('sha256').update(JSON.stringify([lastDay, days, lastDayOf])).digest('hex').slice(0, 16);
  await fromTemplate(`marts-${key}`, file, (at) => buildMartsDatabase(at, lastDay, days, lastDayOf));
}

async function buildMartsDatabase(file: string, lastDay: string, days: number, lastDayOf: Readonly<Record<string, string>>): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    for (const mart of marts) {
      const [schema] = mart.split('.');
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await connection.run(`CREATE TABLE ${mart} AS SELECT CAST(? AS DATE) - CAST(range AS INTEGER) AS day_date, 100 + range AS n FROM range(${days})`, [lastDayOf[mart] ?? lastDay]);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** What the backfill's runs leave behind: every mart gets the days of the window (--from and --to, inclusive). */
export const backfillMartsSql = marts.map(
  (mart) => `INSERT INTO ${mart} SELECT d::DATE, 100 FROM generate_series(CAST($1 AS DATE), CAST($2 AS DATE), INTERVAL 1 DAY) AS t(d)`,
);
