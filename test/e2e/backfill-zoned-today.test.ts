// Scenario 2 at 02:00 UTC, when a source whose time_zone is America/New_York is still on the day before: its today is its own, not UTC's.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { projectRoot } from '../support/fixtures.js';

const operator = 'U0OPERATOR';
const zone = 'America/New_York';
/** 2026-04-25 02:00 UTC: 2026-04-24 22:00 in New York (EDT), whose day 2026-04-24 is still under way. */
const clock = (() => {
  const offset = Date.parse('2026-04-25T02:00:00Z') - Date.now();
  return () => new Date(Date.now() + offset);
})();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

/** Rows of New York's local days $1 … $2 as dlt stores them, TIMESTAMPTZ: 120 a day. */
const localRowsSql = (start: string, end: string) => `
  SELECT row_number() OVER () AS id,
         timezone('${zone}', CAST(d AS TIMESTAMP) + r * INTERVAL 12 MINUTE) AS observation_date,
         'site_' || (r % 7) AS species, CAST(r % 13 + 1 AS INTEGER) AS how_many
    FROM range(CAST(${start} AS DATE), CAST(${end} AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS days(d), range(120) AS rows(r)`;
const localDay = `CAST(timezone('${zone}', observation_date) AS DATE)`;

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
  // usgs' rows run to its local day 2026-04-24, still loading at 22:00 there.
  await run(`
    CREATE OR REPLACE TABLE raw_usgs.daily_values AS SELECT * FROM (${localRowsSql("'2026-02-24'", "'2026-04-24'")}) WHERE observation_date <= TIMESTAMPTZ '2026-04-25 02:00:00+00';
    CREATE OR REPLACE TABLE usgs.fct_daily_streamflow AS SELECT ${localDay} AS day_date, id, species, how_many FROM raw_usgs.daily_values;`);
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  const env = { DATABOX_RUNBOOKS_DIR: runbooksWithUsgsZone(), DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };
  harness = await startBot(checkout, slack, env, clock);
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

describe(`at 02:00 UTC, a source whose time_zone is ${zone} (22:00 the day before there)`, () => {
  it('refuses a window ending on UTC\'s today, the future there, naming its own today; a source at UTC keeps UTC\'s today', async () => {
    const refused = await harness.command('diagnose backfill source=usgs from=2026-04-23 to=2026-04-25', operator);
    await harness.settle();
    expect(String(refused.json?.text ?? slack.responses.at(-1)?.body.text)).toContain(`to=2026-04-25 is in the future (today is 2026-04-24 in ${zone}, where source usgs's days are)`);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    // ebird loads UTC days: 2026-04-25 is its today, diagnosed (still loading, not judged).
    await harness.command('diagnose backfill source=ebird from=2026-04-23 to=2026-04-25', operator);
    await harness.settle();
    expect(journalRecordsOf(checkout).some((r) => r.type === 'step.finished' && r.data.result.stepId === 'raw_counts')).toBe(true);
  });

  it('warns that a window taking in its today (2026-04-24 there) may still be loading', async () => {
    await harness.command('recover backfill path=a source=usgs from=2026-04-23 to=2026-04-24', operator);
    await harness.settle();
    expect(slack.posted('Plan Path A')).toContain(
      `The window takes in today (2026-04-24, in ${zone}, where source usgs's days are), whose rows may still be loading`,
    );
  });

  it('shows its today as still loading, never judged', async () => {
    await harness.command('diagnose backfill source=usgs from=2026-04-20 to=2026-04-24', operator);
    await harness.settle();
    const raw = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'raw_counts')?.data.result;
    const verdicts = Object.fromEntries((raw?.outputs.days as { day: string; verdict: string }[]).map((d) => [d.day, d.verdict]));
    // 2026-04-24 has 110 of its 120 rows so far: under way there, not a short day.
    expect(verdicts['2026-04-24']).toBe('incomplete');
    expect(verdicts['2026-04-23']).toBe('normal');
  });
});
