// Scenario 2 on a database without the combined mart (SQLMesh has not built it yet): path A refused before anything, path B offered saying so.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase, dayAfterTheData, ebirdReloadAndRestate, ebirdReloadCommand, ebirdRestateCommand, restateMartSql } from '../helpers/backfill-data.js';
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
const combined = 'analytics.fct_species_environment_daily';
const missingSaid = `${combined} does not exist in`;

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
    noaa: { martOnlyZero: ['2026-04-10'] },
  });
  checkout.behave(ebirdReloadAndRestate());
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, dayAfterTheData());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

/** A databox whose SQLMesh project has not built the combined mart (yet, or again). */
async function dropCombinedMart(): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(`DROP TABLE ${combined}`);
  connection.closeSync();
  instance.closeSync();
}

/** How each step that keeps the combined mart's rows ended, in the order they ran. */
const keptCombined = () =>
  journalRecordsOf(checkout)
    .filter((r) => r.type === 'step.finished' && /^keep_combined/.test(r.data.result.stepId))
    .map((r) => ({ status: r.data.result.status, summary: r.data.result.summary }));

const backups = () => {
  const dir = path.join(checkout.stateDir, 'backups');
  return fs.readdirSync(dir).flatMap((incident) => fs.readdirSync(path.join(dir, incident)));
};

describe('scenario 2 without the combined mart', () => {
  it('refuses path A before anything is kept or deleted, saying why and what to do', async () => {
    await dropCombinedMart();
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    const said = slack.allText();
    expect(said).toContain(`nothing was proposed: ${missingSaid}`);
    expect(said).toContain('path A deletes the window\'s raw rows before its restate');
    expect(said).toContain('then propose path A again (path B deletes nothing, but only restates the marts from the raw rows as they are: it reloads no raw window)');
    expect(slack.allText()).not.toContain('Plan Path A');
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(checkout.calls()).toEqual([]);
    expect(fs.existsSync(path.join(checkout.stateDir, 'backups'))).toBe(false);
  });

  it('rolls path A back when the combined mart is gone since, saying so and skipping its keep', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([ebirdReloadCommand, ebirdRestateCommand]);
    expect(keptCombined().map((k) => k.status)).toEqual(['ok']);
    await dropCombinedMart();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollback = slack.posted('Plan Rollback');
    expect(rollback).toContain(`Preview: Combined mart rows of the window now, replaced by the restate too (kept first): none, ${missingSaid}`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(keptCombined()).toEqual([expect.objectContaining({ status: 'ok' }), { status: 'skipped', summary: `${combined} does not exist: nothing to keep` }]);
  });

  it('makes path B\'s plan saying the combined mart does not exist, and keeps the source\'s mart alone', async () => {
    await dropCombinedMart();
    const noaaRestate =
      'uv run sqlmesh plan prod --start 2026-04-10 --end 2026-04-10 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_noaa.daily_weather', 'noaa.fct_daily_weather'), params: ['arg:--start', 'arg:--end'] } });
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'b', operator);
    const plan = slack.posted('Plan Path B');
    expect(plan).toContain(`Preview: Combined mart rows the restate will replace: none, ${missingSaid}`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([noaaRestate]);
    expect(slack.allText()).toContain('Validation passed');
    expect(keptCombined()).toEqual([{ status: 'skipped', summary: `${combined} does not exist: nothing to keep` }]);
    expect(backups()).toEqual([expect.stringMatching(/^noaa\.fct_daily_weather\.2026-04-10_2026-04-10\.\d{8}T\d{6}Z\.parquet$/)]);
  });
});
