// Scenario 2's path B validated without DAGSTER_URL: the counts pass and the Soda checks cannot run, which is no failed restate.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase, dayAfterTheData, restateMartSql } from '../helpers/backfill-data.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const noaaRestate =
  'uv run sqlmesh plan prod --start 2026-04-09 --end 2026-04-11 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 2_000, noaa: { martOnlyZero: ['2026-04-10'] } });
  nock.cleanAll();
  // No DAGSTER_URL: the validation's asset checks cannot run.
  harness = await startBot(checkout, slack, { DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, dayAfterTheData());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

describe('path B validated with a check that could not run', () => {
  it('says the counts passed and which check could not run, and how to run it, not that the restate failed', async () => {
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_noaa.daily_weather', 'noaa.fct_daily_weather'), params: ['arg:--start', 'arg:--end'] } });
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const incident = String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
    await harness.command(`recover backfill path=b source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const statuses = journalRecordsOf(checkout)
      .filter((r) => r.type === 'step.finished' && ['mart_counts', 'raw_counts', 'asset_checks'].includes(r.data.result.stepId))
      .map((r) => [r.data.result.stepId, r.data.result.status]);
    // The diagnosis' counts share their ids: the validation's are the last.
    expect(statuses.slice(-3)).toEqual([
      ['mart_counts', 'ok'],
      ['raw_counts', 'ok'],
      ['asset_checks', 'not-configured'],
    ]);
    const next = slack.posted('Next: ');
    expect(next).not.toContain('still finds the window bad');
    expect(next).not.toContain('fix them');
    expect(next).toContain('every other check of the validation passed (Rows per day in the restated window, beside the diagnosis\' counts; Raw rows per day in the window, beside the diagnosis\' counts');
    expect(next).toContain('It failed only because a check could not run: Re-run the Soda contracts (Dagster asset checks, through the webserver): not run: DAGSTER_URL is not set');
    expect(next).toContain("run them from Dagster's UI (each asset's Checks tab → Execute all)");
    expect(next).toContain(`\`/databox validate backfill source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}\``);
  });
});
