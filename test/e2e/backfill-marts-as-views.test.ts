// Scenario 2 over marts served as views (as SQLMesh serves a model: a view showing its current version's table): path B's rollback puts the rows back in that table.
import { DuckDBInstance } from '@duckdb/node-api';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { startBot } from '../helpers/bot-harness.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const physical = 'sqlmesh__noaa.noaa__fct_daily_weather__1234';
const combinedPhysical = 'sqlmesh__analytics.analytics__fct_species_environment_daily__99';
const restate = 'uv run sqlmesh plan prod --start 2026-04-10 --end 2026-04-10 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';

blockNetwork();
const stage = useStandIns();

async function run(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(stage.checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function martPerDay(): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(stage.checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(`SELECT CAST(day_date AS VARCHAR), count(*) FROM noaa.fct_daily_weather GROUP BY 1`)).getRowsJson() as [string, string][];
    return Object.fromEntries(rows);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * noaa's mart (2026-04-10 missing over normal raw rows) and the combined mart as SQLMesh leaves them: each a view
 * (`mart` gives noaa's definition) over a table of the model's version; the restate writes to that table. Path B run
 * on them, approved; returns noaa's mart per day before it.
 */
async function startOverViews(mart = `SELECT * FROM ${physical}`): Promise<Record<string, string>> {
  await createBackfillDatabase(stage.checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 500, noaa: { martOnlyZero: ['2026-04-10'] } });
  await run(`CREATE SCHEMA sqlmesh__noaa; CREATE TABLE ${physical} AS SELECT * FROM noaa.fct_daily_weather;
    DROP TABLE noaa.fct_daily_weather; CREATE VIEW noaa.fct_daily_weather AS ${mart};
    CREATE SCHEMA sqlmesh__analytics; CREATE TABLE ${combinedPhysical} AS SELECT * FROM analytics.fct_species_environment_daily;
    DROP TABLE analytics.fct_species_environment_daily; CREATE VIEW analytics.fct_species_environment_daily AS SELECT * FROM ${combinedPhysical};`);
  const before = await martPerDay();
  stage.checkout.behave({
    [restate]: {
      stdout: 'sqlmesh: restated 2 models\n',
      sql: [
        `DELETE FROM ${physical} WHERE day_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
        `INSERT INTO ${physical} SELECT observation_date, id, species, how_many FROM raw_noaa.daily_weather WHERE observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
      ],
      params: ['arg:--start', 'arg:--end'],
    },
  });
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  stage.harness = await startBot(stage.checkout, stage.slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, dayAfterTheData());
  await stage.harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
  await stage.harness.settle();
  const incident = String(journalRecordsOf(stage.checkout).find((r) => r.type === 'incident.opened')?.incident);
  await stage.harness.command(`recover backfill path=b source=noaa from=2026-04-10 to=2026-04-10 incident=${incident}`, operator);
  await stage.harness.settle();
  await stage.harness.click(stage.slack.buttons('approve_plan').at(-1)!, teammate);
  await stage.harness.settle();
  return before;
}

describe("path B's rollback over marts served as views", () => {
  it('puts the rows back in the table each view shows, the plan naming it before approval', async () => {
    const before = await startOverViews();
    expect(before['2026-04-10']).toBeUndefined();
    const { harness, slack } = stage;
    expect((await martPerDay())['2026-04-10'], 'the restate filled the day in').toBeDefined();
    await harness!.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness!.settle();
    const plan = slack.posted('Plan Rollback of path B').replace(/\\"/g, '"');
    // Before: nothing said, and the approved rollback failed with "Binder Error: Can only delete from base table".
    expect(plan).toContain(
      `noaa.fct_daily_weather is a view showing ${physical} whole (as SQLMesh serves a model's current version): "Put the mart's rows of the window back as path B kept them (the rows there now are kept aside first)" keeps aside, deletes and puts back the window's rows in ${physical}, where the view reads them.`,
    );
    expect(plan).toContain(`analytics.fct_species_environment_daily is a view showing ${combinedPhysical} whole`);
    expect(plan).toContain('DELETE FROM "sqlmesh__noaa"."noaa__fct_daily_weather__1234"');
    await harness!.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness!.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(slack.allText()).toContain(`put the window of ${physical} (the table the view noaa.fct_daily_weather shows) back as it was kept`);
    expect(await martPerDay()).toEqual(before);
  });

  it('is refused before anything is proposed when a view does more than show one table whole, naming it', async () => {
    await startOverViews(`SELECT * FROM ${physical} WHERE day_date > DATE '2000-01-01'`);
    const { harness, slack } = stage;
    const proposed = slack.buttons('approve_plan').length;
    await harness!.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(proposed);
    expect(slack.allText()).toContain(
      `noaa.fct_daily_weather is a view (CREATE VIEW noaa.fct_daily_weather AS SELECT * FROM ${physical} WHERE (day_date &gt; CAST('2000-01-01' AS DATE));), and not one that shows a single table whole (SELECT * FROM one table, as SQLMesh serves a model's current version): the rollback puts the kept rows back into it, and DuckDB writes to base tables only. Nothing was proposed`,
    );
  });
});
