// Scenario 2 over a raw table of text timestamps with a UTC offset: days are the source's own (the date written), so path A deletes only what its reload loads again.
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

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const reloadCommand = 'uv run dagster asset materialize --select usgs_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
const restateCommand =
  'uv run sqlmesh plan prod --start 2026-04-20 --end 2026-04-20 --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply';
const window = ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'];
/** The local day the source lost entirely: in UTC, its first 5 hours are 2026-04-20 and the evening before's 5 hours too. */
const lostDay = '2026-04-20';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

/**
 * Rows of the local days $1 … $2 as the source writes them: 120 a day, one every 12 minutes, as text with the -05:00
 * offset ('2026-04-19T19:00:00-05:00' is 2026-04-20 in UTC); ids continue from the max.
 */
const localRowsSql = (start: string, end: string) => `
  SELECT (SELECT coalesce(max(id), 0) FROM raw_usgs.daily_values) + row_number() OVER () AS id,
         strftime(CAST(d AS TIMESTAMP) + r * INTERVAL 12 MINUTE, '%Y-%m-%dT%H:%M:00-05:00') AS observation_date,
         'site_' || (r % 7) AS species, CAST(r % 13 + 1 AS INTEGER) AS how_many
    FROM range(CAST(${start} AS DATE), CAST(${end} AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS days(d), range(120) AS rows(r)`;

/** The source's reload of its local days (dlt loads by the source's own day). */
const reloadSql = `INSERT INTO raw_usgs.daily_values ${localRowsSql('$1', '$2')}`;
/** The restate of the usgs mart for the days $1 … $2, from the raw rows of those local days. */
const restateSql = [
  'DELETE FROM usgs.fct_daily_streamflow WHERE day_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)',
  `INSERT INTO usgs.fct_daily_streamflow SELECT CAST(observation_date AS DATE), id, species, how_many FROM raw_usgs.daily_values
    WHERE CAST(observation_date AS DATE) BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
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

/** Raw rows on each local day (the date written in the text). */
async function rowsByLocalDay(): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll("SELECT left(observation_date, 10), count(*) FROM raw_usgs.daily_values WHERE observation_date >= '2026-04-18' GROUP BY 1")).getRows();
    return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  // usgs' raw table holds text timestamps with the source's offset, 60 local days of them, the local day lostDay missing.
  await run(`
    CREATE OR REPLACE TABLE raw_usgs.daily_values AS SELECT * FROM (${localRowsSql("'2026-02-24'", "'2026-04-24'")}) WHERE left(observation_date, 10) <> '${lostDay}';
    CREATE OR REPLACE TABLE usgs.fct_daily_streamflow AS SELECT CAST(observation_date AS DATE) AS day_date, id, species, how_many FROM raw_usgs.daily_values;`);
  checkout.behave({
    [reloadCommand]: { stdout: 'dlt: loaded raw_usgs\n', sql: [reloadSql], params: window },
    [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateSql, params: ['arg:--start', 'arg:--end'] },
  });
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, dayAfterTheData());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

describe('a raw table of text timestamps with a UTC offset', () => {
  it("counts each row on the date written in it: the lost local day is zero, the days either side are whole", async () => {
    await harness.command('diagnose backfill source=usgs from=2026-04-18 to=2026-04-22', operator);
    await harness.settle();
    const raw = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'raw_counts')?.data.result;
    // By UTC day, the lost day kept the evening before's 25 rows (short) and the day after lost its own first 25 (95, called normal).
    expect(raw?.summary).toContain(`${lostDay} zero (0)`);
    expect(raw?.summary).not.toContain('25 rows');
    const counted = Object.fromEntries((raw?.outputs.days as { day: string; count: number }[]).map((d) => [d.day, d.count]));
    expect(counted).toMatchObject({ '2026-04-19': 120, [lostDay]: 0, '2026-04-21': 120 });
    expect(verdictTextOf(slack)).toContain(`${lostDay} … ${lostDay}`);
  });

  it("path A on the lost day deletes no row of the evening before (its reload does not load that day again), and the validation passes", async () => {
    const before = await rowsByLocalDay();
    await harness.command(`recover backfill path=a source=usgs from=${lostDay} to=${lostDay}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    // By UTC day, the DELETE took the 25 rows of 2026-04-19 19:00 … 23:48 (-05:00), which the reload of 2026-04-20 did not bring back.
    const after = await rowsByLocalDay();
    expect(after).toEqual({ ...before, [lostDay]: 120 });
    expect(slack.posted('Plan Path A')).toContain('Preview: Raw rows the DELETE will remove: 0*');
    expect(slack.allText()).toContain('Validation passed');
  });

  it('fails the validation when rows of the day before the window are gone after the recovery, saying path A did not delete them and where what it kept is', async () => {
    // A reload that replaced the source's rows from 5 hours before the window: the evening of the day before goes with it.
    const replaceFromEvening = `DELETE FROM raw_usgs.daily_values WHERE observation_date >= strftime(CAST($1 AS DATE) - INTERVAL 1 DAY, '%Y-%m-%d') || 'T19:00'
      AND observation_date < strftime(CAST($1 AS DATE), '%Y-%m-%d') AND $2 IS NOT NULL`;
    checkout.behave({
      [reloadCommand]: { stdout: 'dlt: loaded raw_usgs\n', sql: [replaceFromEvening, reloadSql], params: window },
      [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateSql, params: ['arg:--start', 'arg:--end'] },
    });
    await harness.command(`recover backfill path=a source=usgs from=${lostDay} to=${lostDay}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect((await rowsByLocalDay())['2026-04-19']).toBe(95);
    const outside = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'outside_window')?.data.result;
    expect(outside?.status).toBe('rows-gone');
    expect(outside?.summary).toContain('2026-04-19 (the day before the window): 25 rows gone (120 when the plan was made, 95 now)');
    expect(outside?.summary).toContain('Rows that were there before the recovery are gone from 2026-04-19, outside the window its reload loads again: the validation fails on it.');
    expect(outside?.summary).toMatch(/The recovery did not delete them \(none of the files it kept in \S+\/backups\/dbx-[\w-]+ holds rows of 2026-04-19\): its DELETE takes the window's days only/);
    expect(slack.posted('Validation failed')).toContain('25 rows gone');
    expect(slack.allText()).not.toContain('Validation passed');
  });
});
