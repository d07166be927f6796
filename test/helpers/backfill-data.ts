// A databox database for scenario 2: raw tables and marts for ebird, noaa and usgs over 60 days, with bad days planted.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { inject } from 'vitest';

/** Path A's reload of ebird, as the checkout's stand-in `uv` records it. */
export const ebirdReloadCommand = 'uv run dagster asset materialize --select ebird_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
/** Path A's restate of ebird's models for 2026-04-18 … 2026-04-20, as the stand-in records it. */
export const ebirdRestateCommand =
  'uv run sqlmesh plan prod --start 2026-04-18 --end 2026-04-20 --restate-model ebird.fct_daily_bird_observations --restate-model analytics.fct_species_environment_daily --auto-apply';

/**
 * How the checkout's stand-in tools answer path A's reload and restate of ebird: the reload writes the window's raw rows
 * back (`rowsPerDay` a day, from the dates dlt is given), the restate rebuilds the marts from them.
 */
export function ebirdReloadAndRestate(rowsPerDay = 2_000): Record<string, { stdout: string; sql: string[]; params: string[] }> {
  return {
    [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', rowsPerDay)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
    [ebirdRestateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
  };
}

/** The bot's clock on 2026-04-25 at 08:00 UTC: the data's 60 days (lastDay 2026-04-24) end yesterday. */
export function dayAfterTheData(): () => Date {
  const offset = Date.parse('2026-04-25T08:00:00Z') - Date.now();
  return () => new Date(Date.now() + offset);
}

export interface PlantedDays {
  /** Days with no rows at all. */
  zero?: string[];
  /** Days with a tenth of the usual rows. */
  low?: string[];
  /** Days with eight times the usual rows. */
  spike?: string[];
  /** Days whose mart rows are missing although the raw rows are fine (a transform bug). */
  martOnlyZero?: string[];
}

export interface BackfillData {
  /** The last day with data; the 60 days end here. */
  lastDay: string;
  rowsPerDay: number;
  ebird?: PlantedDays;
  noaa?: PlantedDays;
}

const sources = [
  { name: 'ebird', raw: 'raw_ebird.observations', mart: 'ebird.fct_daily_bird_observations' },
  { name: 'noaa', raw: 'raw_noaa.daily_weather', mart: 'noaa.fct_daily_weather' },
  { name: 'usgs', raw: 'raw_usgs.daily_values', mart: 'usgs.fct_daily_streamflow' },
] as const;

const list = (days: readonly string[] | undefined) => (days && days.length > 0 ? days.map((d) => `DATE '${d}'`).join(', ') : 'NULL');

/** SQL that inserts `rowsPerDay` raw rows for each day between $1 and $2, as a reload would; ids continue from the max. */
export function reloadRawSql(rawTable: string, rowsPerDay: number): string {
  return `INSERT INTO ${rawTable}
    SELECT (SELECT coalesce(max(id), 0) FROM ${rawTable}) + row_number() OVER () AS id, CAST(d AS DATE) AS observation_date,
           'species_' || (r % 97) AS species, (r % 13) + 1 AS how_many
      FROM range(CAST($1 AS DATE), CAST($2 AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS days(d), range(${rowsPerDay}) AS rows(r)`;
}

/**
 * SQL that inserts one raw row dated the day after $2 (a new id), as a reload from a source working in local time does:
 * the last hours of the window's last day fall on the next day in UTC. $1 is bound too, as the reload's SQL binds both.
 */
export function rowAfterWindowSql(rawTable: string): string {
  return `INSERT INTO ${rawTable}
    SELECT (SELECT coalesce(max(id), 0) FROM ${rawTable}) + 1, CAST(CAST($2 AS DATE) + INTERVAL 1 DAY AS DATE), 'species_1', 1 WHERE $1 IS NOT NULL`;
}

/** SQL that rebuilds a mart's rows for the days between $1 and $2 from its raw table, as a SQLMesh restate would. */
export function restateMartSql(rawTable: string, martTable: string): string[] {
  return [
    `DELETE FROM ${martTable} WHERE day_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
    `INSERT INTO ${martTable} SELECT observation_date AS day_date, id, species, how_many FROM ${rawTable} WHERE observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
  ];
}

/**
 * Each kind of database is built once per test process and copied for every test that asks for it again: building one
 * takes about half a second, and the scenario-2 tests ask for the same few in almost every test.
 */
const built = new Map<string, Promise<string>>();

export async function createBackfillDatabase(file: string, data: BackfillData): Promise<void> {
  const key = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
  let template = built.get(key);
  if (!template) {
    // The directory is the run's (test/support/built-databases.ts); each process names its own files in it.
    const target = path.join(inject('builtDatabasesDir'), `${process.pid}-${key}.duckdb`);
    template = buildBackfillDatabase(target, data).then(() => target);
    built.set(key, template);
    template.catch(() => built.delete(key));
  }
  fs.copyFileSync(await template, file);
}

async function buildBackfillDatabase(file: string, data: BackfillData): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  for (const source of sources) {
    const planted: PlantedDays = (data as unknown as Record<string, PlantedDays | undefined>)[source.name] ?? {};
    const [rawSchema] = source.raw.split('.');
    const [martSchema] = source.mart.split('.');
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${rawSchema}; CREATE SCHEMA IF NOT EXISTS ${martSchema};`);
    await connection.run(`
      CREATE TABLE ${source.raw} AS
      WITH days AS (SELECT CAST(d AS DATE) AS day FROM range(DATE '${data.lastDay}' - INTERVAL 59 DAY, DATE '${data.lastDay}' + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)),
      sized AS (
        SELECT day, CASE WHEN day IN (${list(planted.zero)}) THEN 0
                         WHEN day IN (${list(planted.low)}) THEN ${Math.floor(data.rowsPerDay / 10)}
                         WHEN day IN (${list(planted.spike)}) THEN ${data.rowsPerDay * 8}
                         ELSE ${data.rowsPerDay} - CAST(hash(day) % ${Math.max(1, Math.floor(data.rowsPerDay / 20))} AS INTEGER) END AS n
          FROM days)
      SELECT CAST(row_number() OVER (ORDER BY day, r) AS BIGINT) AS id, day AS observation_date, 'species_' || (r % 97) AS species, CAST((r % 13) + 1 AS INTEGER) AS how_many
        FROM sized, range(n) AS rows(r)`);
    await connection.run(`
      CREATE TABLE ${source.mart} AS
      SELECT observation_date AS day_date, id, species, how_many FROM ${source.raw}
       ${planted.martOnlyZero?.length ? `WHERE observation_date NOT IN (${list(planted.martOnlyZero)})` : ''}`);
  }
  // The combined mart every source's restate names too (path B keeps its window's rows first).
  await connection.run(`
    CREATE SCHEMA IF NOT EXISTS analytics;
    CREATE TABLE analytics.fct_species_environment_daily AS
    SELECT day_date, species, CAST(sum(how_many) AS BIGINT) AS n_birds FROM ${sources[0]!.mart} GROUP BY ALL`);
  connection.closeSync();
  instance.closeSync();
}
