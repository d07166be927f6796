// The demo's databox data: 60 days of raw eBird, NOAA and USGS rows and the marts SQLMesh would build from them, as SQL.
// The days end yesterday, so a diagnosis that scans "the last 30 complete days" finds the planted bad window.
// Deterministic arithmetic instead of randomness: the same day gives the same numbers.

export const days = 60;
export const observationsPerDay = 40;
/** eBird observations that landed on each day of the bad window (the API returned 500s): low, none, low. */
export const badWindowRows = [2, 0, 1] as const;

export interface Calendar {
  firstDay: string;
  lastDay: string;
  /** The planted bad eBird ingest window (scenario 2). */
  badWindow: { from: string; to: string };
}

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** 60 days ending yesterday (UTC), with the bad window 9 to 7 days before the end. */
export function demoCalendar(today: Date = new Date()): Calendar {
  const yesterday = Date.parse(`${today.toISOString().slice(0, 10)}T00:00:00Z`) - dayMs;
  const from = yesterday - 9 * dayMs;
  return {
    firstDay: isoDay(yesterday - (days - 1) * dayMs),
    lastDay: isoDay(yesterday),
    badWindow: { from: isoDay(from), to: isoDay(from + (badWindowRows.length - 1) * dayMs) },
  };
}

const species = [
  ['amerob', 'American Robin'],
  ['norcar', 'Northern Cardinal'],
  ['blujay', 'Blue Jay'],
  ['amecro', 'American Crow'],
  ['mallar3', 'Mallard'],
  ['rewbla', 'Red-winged Blackbird'],
  ['sonspa', 'Song Sparrow'],
  ['dowwoo', 'Downy Woodpecker'],
  ['houfin', 'House Finch'],
  ['carwre', 'Carolina Wren'],
  ['eursta', 'European Starling'],
  ['baleag', 'Bald Eagle'],
] as const;

const speciesValues = species.map(([code, name], i) => `(${i}, '${code}', '${name.replace(/'/g, "''")}')`).join(', ');

export const schemaSql = `
CREATE SCHEMA IF NOT EXISTS raw_ebird;
CREATE SCHEMA IF NOT EXISTS raw_noaa;
CREATE SCHEMA IF NOT EXISTS raw_usgs;
CREATE SCHEMA IF NOT EXISTS ebird;
CREATE SCHEMA IF NOT EXISTS noaa;
CREATE SCHEMA IF NOT EXISTS usgs;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE TABLE raw_ebird.observations (
  id VARCHAR PRIMARY KEY,
  species_code VARCHAR NOT NULL,
  common_name VARCHAR NOT NULL,
  observation_date DATE NOT NULL,
  location_id VARCHAR NOT NULL,
  how_many INTEGER NOT NULL,
  _dlt_load_id VARCHAR NOT NULL
);
CREATE TABLE raw_noaa.daily_weather (
  id VARCHAR PRIMARY KEY,
  station_id VARCHAR NOT NULL,
  observation_date DATE NOT NULL,
  tmax_c DOUBLE, tmin_c DOUBLE, prcp_mm DOUBLE,
  _dlt_load_id VARCHAR NOT NULL
);
CREATE TABLE raw_usgs.daily_values (
  id VARCHAR PRIMARY KEY,
  site_no VARCHAR NOT NULL,
  observation_date DATE NOT NULL,
  discharge_cfs DOUBLE,
  _dlt_load_id VARCHAR NOT NULL
);
CREATE TABLE ebird.fct_daily_bird_observations (day_date DATE, species_code VARCHAR, common_name VARCHAR, n_observations BIGINT, n_birds BIGINT);
CREATE TABLE noaa.fct_daily_weather (day_date DATE, station_id VARCHAR, tmax_c DOUBLE, tmin_c DOUBLE, prcp_mm DOUBLE);
CREATE TABLE usgs.fct_daily_streamflow (day_date DATE, site_no VARCHAR, discharge_cfs DOUBLE);
CREATE TABLE analytics.fct_species_environment_daily (day_date DATE, species_code VARCHAR, n_birds BIGINT, avg_tmax_c DOUBLE, total_prcp_mm DOUBLE, avg_discharge_cfs DOUBLE);
`;

/** eBird observations for the days [from, to]; inside the bad window only the few rows that landed, unless `complete`. */
export function ebirdRowsSql(calendar: Calendar, from: string, to: string, complete: boolean): string {
  const landed = badWindowRows.map((n, i) => `WHEN d.day = DATE '${calendar.badWindow.from}' + ${i} THEN ${n}`).join(' ');
  const perDay = complete ? `${observationsPerDay}` : `CASE ${landed} ELSE ${observationsPerDay} END`;
  return `
INSERT OR IGNORE INTO raw_ebird.observations
WITH d AS (
  SELECT n AS day_index, (DATE '${calendar.firstDay}' + n::INTEGER) AS day FROM range(${days}) t(n)
), s(i, code, name) AS (VALUES ${speciesValues})
SELECT 'OBS' || strftime(d.day, '%Y%m%d') || '-' || lpad(i.n::VARCHAR, 2, '0'), s.code, s.name, d.day,
       'L' || (100 + i.n % 8)::VARCHAR, 1 + ((d.day_index * 7 + i.n * 3) % 9), '17450' || lpad(d.day_index::VARCHAR, 5, '0')
FROM d, range(${observationsPerDay}) i(n), s
WHERE s.i = (d.day_index * 5 + i.n) % ${species.length}
  AND i.n < ${perDay}
  AND d.day BETWEEN DATE '${from}' AND DATE '${to}';`;
}

function weatherAndFlowSql(calendar: Calendar): string {
  return `
INSERT INTO raw_noaa.daily_weather
SELECT st.id || '-' || n::VARCHAR, st.id, (DATE '${calendar.firstDay}' + n::INTEGER), round(8 + 12 * (n / ${days}) + (n * st.k) % 5, 1),
       round(-2 + 10 * (n / ${days}) + (n * st.k) % 3, 1), round(((n * 7 + st.k) % 11) * 0.8, 1), '17450' || lpad(n::VARCHAR, 5, '0')
FROM range(${days}) t(n), (VALUES ('USW00094728', 1), ('USW00014732', 2), ('USC00305798', 3)) st(id, k);
INSERT INTO raw_usgs.daily_values
SELECT site.no || '-' || n::VARCHAR, site.no, (DATE '${calendar.firstDay}' + n::INTEGER), round(site.base + 40 * ((n * 13 + site.k) % 7), 1),
       '17450' || lpad(n::VARCHAR, 5, '0')
FROM range(${days}) t(n), (VALUES ('01311500', 180.0, 1), ('01302020', 95.0, 2)) site(no, base, k);
`;
}

/** The marts for [from, to], rebuilt from raw: what `sqlmesh plan prod --restate-model …` does for a window. */
export function martsSql(from: string, to: string): string {
  const window = (column: string) => `${column} BETWEEN DATE '${from}' AND DATE '${to}'`;
  return `
DELETE FROM ebird.fct_daily_bird_observations WHERE ${window('day_date')};
INSERT INTO ebird.fct_daily_bird_observations
SELECT observation_date, species_code, any_value(common_name), count(*), sum(how_many)
FROM raw_ebird.observations WHERE ${window('observation_date')} GROUP BY observation_date, species_code;
DELETE FROM noaa.fct_daily_weather WHERE ${window('day_date')};
INSERT INTO noaa.fct_daily_weather SELECT observation_date, station_id, tmax_c, tmin_c, prcp_mm FROM raw_noaa.daily_weather WHERE ${window('observation_date')};
DELETE FROM usgs.fct_daily_streamflow WHERE ${window('day_date')};
INSERT INTO usgs.fct_daily_streamflow SELECT observation_date, site_no, discharge_cfs FROM raw_usgs.daily_values WHERE ${window('observation_date')};
DELETE FROM analytics.fct_species_environment_daily WHERE ${window('day_date')};
INSERT INTO analytics.fct_species_environment_daily
SELECT b.day_date, b.species_code, b.n_birds, w.avg_tmax_c, w.total_prcp_mm, f.avg_discharge_cfs
FROM ebird.fct_daily_bird_observations b
JOIN (SELECT day_date, avg(tmax_c) AS avg_tmax_c, sum(prcp_mm) AS total_prcp_mm FROM noaa.fct_daily_weather GROUP BY day_date) w USING (day_date)
JOIN (SELECT day_date, avg(discharge_cfs) AS avg_discharge_cfs FROM usgs.fct_daily_streamflow GROUP BY day_date) f USING (day_date)
WHERE ${window('b.day_date')};`;
}

/** The whole database as one script: raw catalogs with the planted bad window, then every mart. */
export function databaseSql(calendar: Calendar): string {
  return [schemaSql, ebirdRowsSql(calendar, calendar.firstDay, calendar.lastDay, false), weatherAndFlowSql(calendar), martsSql(calendar.firstDay, calendar.lastDay)].join('\n');
}
