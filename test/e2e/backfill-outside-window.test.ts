// Scenario 2's reload writing rows outside the window (a source in local time): the validation says so, and the rollback's plan that they stay.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase, dayAfterTheData, ebirdReloadCommand, ebirdRestateCommand, reloadRawSql, restateMartSql, rowAfterWindowSql } from '../helpers/backfill-data.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { acceptPathForm } from '../helpers/form-flow.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const restate = { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] };
const window = ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'];

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, {
    lastDay: '2026-04-24',
    rowsPerDay: 2_000,
    ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] },
  });
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, dayAfterTheData());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

/** Changes the raw table by hand, as a load or an operator would between two runs. */
async function writeRaw(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function rowsOn(day: string): Promise<number> {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return Number((await connection.runAndReadAll(`SELECT count(*) FROM raw_ebird.observations WHERE observation_date = DATE '${day}'`)).getRows()[0]?.[0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** How the validation's step on the days outside the window ended. */
const outsideWindow = () =>
  journalRecordsOf(checkout)
    .filter((r) => r.type === 'step.finished' && r.data.result.stepId === 'outside_window')
    .map((r) => ({ status: r.data.result.status, summary: r.data.result.summary as string }));

async function recoverPathA(): Promise<void> {
  await harness.command('diagnose backfill source=ebird', operator);
  await harness.settle();
  await acceptPathForm(harness, slack, 'a', operator);
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

describe('rows a reload writes outside the window', () => {
  it('fails the validation naming the day and how many it added, and the rollback says they stay', async () => {
    checkout.behave({
      [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 2_000), rowAfterWindowSql('raw_ebird.observations')], params: window },
      [ebirdRestateCommand]: restate,
    });
    const [before, after] = [await rowsOn('2026-04-17'), await rowsOn('2026-04-21')];
    await recoverPathA();
    const plan = slack.posted('Plan Path A');
    expect(plan).toContain(`Preview: Raw rows on the day before the window (left as they are; counted again after the reload): ${before}*`);
    expect(plan).toContain(`Preview: Raw rows on the day after the window (left as they are; counted again after the reload): ${after}*`);
    expect(await rowsOn('2026-04-21')).toBe(after + 1);

    const [found] = outsideWindow();
    expect(found?.status).toBe('rows-added');
    expect(found?.summary).toContain(`rows of raw_ebird.observations outside the window changed since the recovery's plan counted them: 2026-04-21 (the day after it): 1 row added (${after} when the plan was made, ${after + 1} now)`);
    expect(found?.summary).toContain('diagnose a window that takes them in: `/databox diagnose backfill source=ebird from=2026-04-18 to=2026-04-21`');
    expect(found?.summary).not.toContain('2026-04-17 (');
    // No _dlt_load_id: the rollback cannot tell the reload's rows there, and says so, as its plan does below.
    expect(found?.summary).toContain(
      'raw_ebird.observations has no _dlt_load_id column, so its rollback cannot tell the rows the reload wrote on those days from the others there and leaves them all;',
    );
    expect(found?.summary).not.toContain('by _dlt_load_id');
    expect(slack.posted('Validation failed')).toContain('2026-04-21 (the day after it): 1 row added');
    expect(slack.allText()).not.toContain('Validation passed');

    // The rollback puts the window back, and says the rows outside it stay: the row the reload wrote there is still there after it.
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollbackPlan = slack.posted('Plan Rollback').replace(/\\"/g, '"');
    // Slack's message sets the column's name as code.
    const aroundSaid = "those of the reload's dlt load are taken out with the window, kept first, where a `_dlt_load_id` column tells them from the others (the plan's notes say whether it does); the others stay";
    expect(rollbackPlan).toContain(`Preview: Raw rows on the day before the window now (${aroundSaid}): ${before}*`);
    expect(rollbackPlan).toContain(`Preview: Raw rows on the day after the window now (${aroundSaid}): ${after + 1}*`);
    // No _dlt_load_id to tell the reload's rows by: said (the column's name as code, as Slack's plan warnings set it), and they stay.
    expect(rollbackPlan).toContain(
      'raw_ebird.observations has no `_dlt_load_id` column: the rows the reload wrote on the day before and the day after the window cannot be told from the others there, so \"Put the window\'s raw rows back as they were kept (the rows there now are kept aside first)\" leaves them all.',
    );
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(await rowsOn('2026-04-21')).toBe(after + 1);
  });

  it("fails the validation for the rows the reload's own dlt load wrote on the day after, though that day (yesterday) is still loading, and the rollback takes them out, kept first", async () => {
    // dlt's column of each row's load: the rows there before are the nightly loads', the reload's carry its own load id.
    await writeRaw(`ALTER TABLE raw_ebird.observations ADD COLUMN _dlt_load_id VARCHAR DEFAULT '1776000000.1'`);
    const reload = `INSERT INTO raw_ebird.observations (id, observation_date, species, how_many, _dlt_load_id)
      SELECT (SELECT max(id) FROM raw_ebird.observations) + row_number() OVER (), CAST(d AS DATE), 'species_' || (r % 97), 1, '1777000000.9'
        FROM range(CAST($1 AS DATE), CAST($2 AS DATE) + INTERVAL 2 DAY, INTERVAL 1 DAY) AS days(d), range(CASE WHEN d > CAST($2 AS DATE) THEN 3 ELSE 2000 END) AS rows(r)`;
    checkout.behave({ [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reload], params: window }, [ebirdRestateCommand]: restate });
    const after = await rowsOn('2026-04-24');
    await harness.command('recover backfill path=a source=ebird from=2026-04-21 to=2026-04-23', operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await rowsOn('2026-04-24')).toBe(after + 3);
    const [found] = outsideWindow();
    expect(found?.status).toBe('rows-added');
    expect(found?.summary).toContain(
      "3 rows of raw_ebird.observations on 2026-04-24 (the day after it) belong to the dlt load that wrote the window after the recovery's delete (_dlt_load_id 1777000000.9): the reload wrote them, whether or not the day is still loading",
    );
    expect(slack.allText()).not.toContain('Validation passed');

    // The rollback takes them out with the window (they are the recovery's too), kept first, and the plan says so, by day and load.
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Before: only the two days' rows summed, "which this rollback leaves as they are (rows the reload wrote there stay)".
    expect(slack.posted('Plan Rollback').replace(/\\"/g, '"')).toContain(
      'The reload also wrote 3 rows of raw_ebird.observations just outside the window, told by their dlt load: 2026-04-24 (the day after the window): 3 rows of dlt load 1777000000.9 (`_dlt_load_id`). "Put the window\'s raw rows back as they were kept (the rows there now are kept aside first)" keeps them in ',
    );
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText().match(/Rollback failed[^\n]*/)?.[0]).toBeUndefined();
    expect(slack.allText()).toContain('Rollback passed');
    expect(await rowsOn('2026-04-24')).toBe(after);
    const restored = journalRecordsOf(checkout).filter((r) => r.type === 'step.finished' && r.data.result.stepId === 'restore_rows').map((r) => String(r.data.result.summary));
    expect(restored.at(-1)).toMatch(/; the 3 rows the reload wrote around the window \(2026-04-24 \(the day after the window\): 3 rows of dlt load 1777000000\.9 \(_dlt_load_id\)\) are kept in \S+reload-rows-around-\d{8}T\d{6}Z\.parquet and deleted$/);
    const next = slack.posted('Next: Rolled back');
    expect(next).toMatch(/the 3 rows the reload's dlt load wrote just outside the window, in \S+reload-rows-around-\d{8}T\d{6}Z\.parquet/);
  });

  it("rolls back a reload that wrote a kept id on the day after the window (upstream moved its date): its own row there, taken out with it, is no key clash", async () => {
    await writeRaw(`ALTER TABLE raw_ebird.observations ADD COLUMN _dlt_load_id VARCHAR DEFAULT '1776000000.1'`);
    // What upstream serves: the rows as they are now, which the reload loads again under its own load id, except that
    // it dates the last row of the window's last day on the day after (an upstream correction of its time).
    await writeRaw('CREATE SCHEMA upstream_ebird; CREATE TABLE upstream_ebird.observations AS SELECT * FROM raw_ebird.observations');
    const reload = `INSERT INTO raw_ebird.observations (id, observation_date, species, how_many, _dlt_load_id)
      SELECT id, CASE WHEN id = (SELECT max(id) FROM upstream_ebird.observations WHERE observation_date = CAST($2 AS DATE)) THEN CAST(CAST($2 AS DATE) + INTERVAL 1 DAY AS DATE) ELSE observation_date END,
             species, how_many, '1777000000.9'
        FROM upstream_ebird.observations WHERE observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;
    checkout.behave({ [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reload], params: window }, [ebirdRestateCommand]: restate });
    const [last, after] = [await rowsOn('2026-04-23'), await rowsOn('2026-04-24')];
    await harness.command('recover backfill path=a source=ebird from=2026-04-21 to=2026-04-23', operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect([await rowsOn('2026-04-23'), await rowsOn('2026-04-24')]).toEqual([last - 1, after + 1]);
    expect(outsideWindow()[0]?.status).toBe('rows-added');

    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = slack.posted('Plan Rollback').replace(/\\"/g, '"');
    // Before: nothing at the top, a preview counting that row as a clash (1), and the approved rollback refused on it.
    expect(plan).not.toContain('will refuse');
    expect(plan).toContain(
      '2026-04-24 (the day after the window): 1 row of dlt load 1777000000.9 (`_dlt_load_id`). "Put the window\'s raw rows back as they were kept (the rows there now are kept aside first)" keeps them in ',
    );
    expect(plan).toContain('1 of them holds the key of a kept row (the reload dated it outside the window): deleted with them, it repeats no key.');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText().match(/Rollback failed[^\n]*/)?.[0]).toBeUndefined();
    expect(slack.allText()).toContain('Rollback passed');
    // The window as it was kept, every id once, and the day after as before the recovery.
    expect([await rowsOn('2026-04-23'), await rowsOn('2026-04-24')]).toEqual([last, after]);
    const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const repeated = (await connection.runAndReadAll('SELECT count(*) - count(DISTINCT id) FROM raw_ebird.observations')).getRows()[0]?.[0];
    connection.closeSync();
    instance.closeSync();
    expect(Number(repeated)).toBe(0);
  });

  it('passes the validation, the days outside counted as before, when the reload wrote the window alone', async () => {
    checkout.behave({
      [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 2_000)], params: window },
      [ebirdRestateCommand]: restate,
    });
    const [before, after] = [await rowsOn('2026-04-17'), await rowsOn('2026-04-21')];
    await recoverPathA();
    expect(outsideWindow()).toEqual([
      {
        status: 'ok',
        summary: `no rows added or gone outside the window: raw_ebird.observations has 2026-04-17 (the day before the window) ${before} rows, 2026-04-21 (the day after it) ${after} rows, as when the recovery's plan counted them`,
      },
    ]);
    expect(slack.allText()).toContain('Validation passed');
  });
});
