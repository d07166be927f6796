// Generates the bench's DuckDB files: scenario 1's database of a given size, scenario 2's raw table of N rows.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

/** Bytes per row of the tables below, as DuckDB stores them (two md5 strings, a date, an id): measured, about 37. */
const bytesPerRow = 37;

/** A dlt-like database of about `bytes` bytes: three raw tables and a mart, poorly compressible. */
export async function createScenario1Database(file: string, bytes: number): Promise<number> {
  const rows = Math.ceil(bytes / bytesPerRow);
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  const tables = [
    ['raw_ebird', 'observations', 0.5],
    ['raw_noaa', 'daily_weather', 0.3],
    ['raw_usgs', 'daily_values', 0.2],
  ] as const;
  for (const [schema, table, share] of tables) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await connection.run(`
      CREATE TABLE ${schema}.${table} AS
      SELECT range AS id, DATE '2026-01-01' + CAST(range % 120 AS INTEGER) AS observation_date,
             md5(range::VARCHAR) AS a, md5((range * 7 + 3)::VARCHAR) AS b
        FROM range(${Math.ceil(rows * share)})`);
  }
  await connection.run(`CREATE SCHEMA ebird; CREATE TABLE ebird.fct_daily_bird_observations AS
    SELECT observation_date AS day_date, count(*) AS observations FROM raw_ebird.observations GROUP BY 1`);
  // The other marts the diagnosis expects (duckdb.yml's expectMarts), as views: without them its verdict is not Healthy.
  await connection.run(`CREATE SCHEMA noaa; CREATE VIEW noaa.fct_daily_weather AS SELECT * FROM ebird.fct_daily_bird_observations;
    CREATE SCHEMA usgs; CREATE VIEW usgs.fct_daily_streamflow AS SELECT * FROM ebird.fct_daily_bird_observations;
    CREATE SCHEMA analytics; CREATE VIEW analytics.fct_species_environment_daily AS SELECT * FROM ebird.fct_daily_bird_observations`);
  await connection.run('CHECKPOINT');
  connection.closeSync();
  instance.closeSync();
  return fs.statSync(file).size;
}

/** Scenario 2's raw table: `rows` rows over 60 days up to `lastDay`, with `zeroDay` empty (the planted bad day). */
export async function createRawTable(file: string, rows: number, lastDay: string, zeroDay: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA raw_ebird');
  await connection.run(`
    CREATE TABLE raw_ebird.observations AS
    SELECT range AS id, DATE '${lastDay}' - CAST(range % 60 AS INTEGER) AS observation_date, 'species_' || (range % 97) AS species
      FROM range(${rows})
     WHERE DATE '${lastDay}' - CAST(range % 60 AS INTEGER) <> DATE '${zeroDay}'`);
  connection.closeSync();
  instance.closeSync();
}
