// Scenario 2 over a TIMESTAMPTZ raw column of a source that works in local time and names its zone (time_zone: America/New_York): days are its local days, so path A deletes only what its reload loads again.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { projectRoot } from '../support/fixtures.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const zone = 'America/New_York';
const reloadCommand = 'uv run dagster asset materialize --select usgs_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
const restateCommand =
  'uv run sqlmesh plan prod --start 2026-04-20 --end 2026-04-20 --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply';
const window = ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'];
/** The local day the source lost entirely: in UTC (EDT, -04:00), the evening before's last 4 hours fall on it too. */
const lostDay = '2026-04-20';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

/**
 * Rows of the local days $1 … $2 in New York as dlt stores them, TIMESTAMPTZ: 120 a day, one every 12 minutes
 * (2026-04-19 20:00 there is 2026-04-20 00:00 UTC); ids continue from the max.
 */
const localRowsSql = (start: string, end: string) => `
  SELECT (SELECT coalesce(max(id), 0) FROM raw_usgs.daily_values) + row_number() OVER () AS id,
         timezone('${zone}', CAST(d AS TIMESTAMP) + r * INTERVAL 12 MINUTE) AS observation_date,
         'site_' || (r % 7) AS species, CAST(r % 13 + 1 AS INTEGER) AS how_many
    FROM range(CAST(${start} AS DATE), CAST(${end} AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS days(d), range(120) AS rows(r)`;
const localDay = `CAST(timezone('${zone}', observation_date) AS DATE)`;

/** The source's reload of its local days (dlt loads by the source's own day). */
const reloadSql = `INSERT INTO raw_usgs.daily_values ${localRowsSql('$1', '$2')}`;
/** The restate of the usgs mart for the local days $1 … $2, from the raw rows of those days. */
const restateSql = [
  'DELETE FROM usgs.fct_daily_streamflow WHERE day_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)',
  `INSERT INTO usgs.fct_daily_streamflow SELECT ${localDay}, id, species, how_many FROM raw_usgs.daily_values
    WHERE ${localDay} BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
];

async function run(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Raw rows on each local day in New York, from 2026-04-18 on. */
async function rowsByLocalDay(): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(`SELECT CAST(${localDay} AS VARCHAR), count(*) FROM raw_usgs.daily_values WHERE ${localDay} >= DATE '2026-04-18' GROUP BY 1`)).getRows();
    return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The bundled runbooks, usgs given its zone in backfill.yml. */
function runbooksWithUsgsZone(): string {
  const dir = path.join(checkout.root, 'runbooks');
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const file = path.join(dir, 'backfill.yml');
  const text = fs.readFileSync(file, 'utf8');
  const zoned = text.replace('        dlt_asset: usgs_dlt_assets\n        time_zone: UTC\n', `        dlt_asset: usgs_dlt_assets\n        time_zone: ${zone}\n`);
  expect(zoned).not.toBe(text);
  fs.writeFileSync(file, zoned);
  return dir;
}

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  // usgs' raw table holds TIMESTAMPTZ rows of 60 local days in New York, the local day lostDay missing.
  await run(`
    CREATE OR REPLACE TABLE raw_usgs.daily_values AS SELECT * FROM (${localRowsSql("'2026-02-24'", "'2026-04-24'")}) WHERE ${localDay} <> DATE '${lostDay}';
    CREATE OR REPLACE TABLE usgs.fct_daily_streamflow AS SELECT ${localDay} AS day_date, id, species, how_many FROM raw_usgs.daily_values;`);
  checkout.behave({
    [reloadCommand]: { stdout: 'dlt: loaded raw_usgs\n', sql: [reloadSql], params: window },
    [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateSql, params: ['arg:--start', 'arg:--end'] },
  });
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  const env = { DATABOX_RUNBOOKS_DIR: runbooksWithUsgsZone(), DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };
  harness = await startBot(checkout, slack, env, dayAfterTheData());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

describe(`a TIMESTAMPTZ raw column of a source whose time_zone is ${zone}`, () => {
  it('counts each row on its local day: the lost local day is zero, the days either side are whole', async () => {
    await harness.command('diagnose backfill source=usgs from=2026-04-18 to=2026-04-22', operator);
    await harness.settle();
    const raw = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'raw_counts')?.data.result;
    // By UTC day, the lost day kept the evening before's 20 rows (short) and the day after lost its own last 20.
    expect(raw?.summary).toContain(`${lostDay} zero (0)`);
    const counted = Object.fromEntries((raw?.outputs.days as { day: string; count: number }[]).map((d) => [d.day, d.count]));
    expect(counted).toMatchObject({ '2026-04-18': 120, '2026-04-19': 120, [lostDay]: 0, '2026-04-21': 120, '2026-04-22': 120 });
    expect(verdictTextOf(slack)).toContain(`${lostDay} … ${lostDay}`);
  });

  it('path A on the lost day deletes no row of the evening before (its reload does not load that day again), and the validation passes', async () => {
    const before = await rowsByLocalDay();
    expect(before['2026-04-19']).toBe(120);
    await harness.command(`recover backfill path=a source=usgs from=${lostDay} to=${lostDay}`, operator);
    await harness.settle();
    const plan = slack.posted('Plan Path A');
    // By UTC day, the DELETE took the 20 rows of 2026-04-19 20:00 … 23:48 in New York, which the reload of 2026-04-20 does not bring back.
    expect(plan).toContain('Preview: Raw rows the DELETE will remove: 0*');
    // The DELETE picks the window's days in the source's zone (the message's JSON escapes the quotes).
    expect(plan.replace(/\\"/g, '"')).toContain(`DELETE FROM "raw_usgs"."daily_values" WHERE source_day("observation_date", '${zone}') BETWEEN`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await rowsByLocalDay()).toEqual({ ...before, [lostDay]: 120 });
    expect(slack.allText()).toContain('Validation passed');
  });
});
