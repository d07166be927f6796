// Scenario 2 with DATABOX_BACKEND=motherduck through the real Bolt app over signed HTTP, against the MotherDuck stand-in:
// the diagnosis counts MotherDuck's rows, the DELETE and the restate each come after the engine's named snapshot, and the
// rollback puts the kept rows back (another source's load since stays), naming the one before the DELETE as the last
// resort and the one before the restate as none, then restates the marts.
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import { assetCheckAnswers, checksRunId } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
// Today, for the bot and "MotherDuck", is 2026-04-25: the data's 60 days end yesterday.
const offset = Date.parse('2026-04-25T08:00:00Z') - Date.now();
const clock = () => new Date(Date.now() + offset);
const restateCommand =
  'uv run sqlmesh plan prod --start 2026-04-18 --end 2026-04-20 --restate-model ebird.fct_daily_bird_observations --restate-model analytics.fct_species_environment_daily --auto-apply';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'), { clock });
  await md.createDatabaseFrom('databox', (file) =>
    createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 500, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] } }),
  );
  // The validation re-runs the Soda contracts through the webserver (every check passing, the run ended at the first look).
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  const dagster = { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-backfill-token-0001', DATABOX_BACKEND: 'motherduck', ...dagster }, clock, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

const windowRows = async () =>
  String(await md.value('databox', `SELECT count(*) FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-20'`));
const changes = () => md.sql().filter((sql) => !/^\s*(SELECT|DESCRIBE)\b/i.test(sql) && !/^(BEGIN|COMMIT|ROLLBACK)/.test(sql));
const newestPlan = () => slack.buttons('approve_plan').at(-1)!;

async function submitPrefilled(user: string): Promise<void> {
  const modal = slack.lastForm();
  const prefilled = Object.fromEntries(modal.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element.initial_value ?? '']));
  expect((await harness.submitModal(user, modal, prefilled)).status).toBe(200);
  await harness.settle();
}

describe('scenario 2 on MotherDuck', () => {
  it("counts on MotherDuck, snapshots before the DELETE and the restate, and the rollback puts the kept rows back, leaving another source's load since as it is", async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    expect(slack.allText()).toContain('Bad window in the raw load');
    expect(slack.allText()).toMatch(/2026-04-18 zero \(0\), 2026-04-19 low \(50\), 2026-04-20 spike \(4000\)/);
    expect(md.sql().some((sql) => sql.includes('"raw_ebird"."observations"')), 'the raw counts were read from MotherDuck').toBe(true);

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await submitPrefilled(operator);
    expect(await windowRows()).toBe('4050');
    md.sent.length = 0;
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(await windowRows(), 'the window was deleted on MotherDuck (the reload stand-in does not refill it)').toBe('0');
    const [before, beforeRestate] = md.namedSnapshots();
    expect(before).toMatch(/^databox_bot_dbx_20260425_[0-9a-f]{4}_delete_raw_20260425T08\d{4}Z$/);
    // The restate replaces the marts' rows for the window, which SQLMesh cannot undo: destructive, so a snapshot too.
    expect(beforeRestate).toMatch(/^databox_bot_dbx_20260425_[0-9a-f]{4}_restate_20260425T08\d{4}Z$/);
    expect(changes()).toEqual([
      // The marts' rows of the window first, which the restate replaces (SQLMesh keeps no copy), then the raw rows.
      expect.stringMatching(/^COPY \(SELECT \* FROM "ebird"\."fct_daily_bird_observations" WHERE .*\) TO '.*\.parquet' \(FORMAT parquet\)$/s),
      expect.stringMatching(/^COPY \(SELECT \* FROM "analytics"\."fct_species_environment_daily" WHERE .*\) TO '.*\.parquet' \(FORMAT parquet\)$/s),
      expect.stringMatching(/^COPY \(SELECT \* FROM "raw_ebird"\."observations" WHERE .*\) TO '.*\.parquet' \(FORMAT parquet\)$/s),
      `CREATE SNAPSHOT '${before}' OF "databox"`,
      expect.stringMatching(/^DELETE FROM "raw_ebird"\."observations"\s+WHERE/),
      // The reload (dlt) writes nothing here: the stand-in loads nothing; then the restate's snapshot.
      `CREATE SNAPSHOT '${beforeRestate}' OF "databox"`,
    ]);
    expect(slack.allText()).toContain(before as string);
    // The validation's Soda contracts ran in Dagster (the counts fail it: the reload stand-in loads nothing).
    expect(slack.allText()).toContain(`all 2 asset checks passed (run ${checksRunId}, SUCCESS)`);
    // The named snapshots are listed, but letting them go is offered only once a validation passed: a rollback may be next.
    expect(slack.allText()).toMatch(
      new RegExp(`named snapshots the bot took of databox for this incident, kept until their names are removed: '${before}' \\(id [^)]*\\), '${beforeRestate}' \\(id `),
    );
    expect(slack.buttons('propose_follow_up')).toEqual([]);

    // Another source's nightly load lands after the recovery: the rollback of ebird's window must leave it as it is.
    const noaaRows = () => md.value('databox', 'SELECT count(*) FROM raw_noaa.daily_weather').then(String);
    const noaaBefore = await noaaRows();
    await md.write('databox', 'INSERT INTO raw_noaa.daily_weather SELECT * FROM raw_noaa.daily_weather LIMIT 123');
    const noaaLoaded = await noaaRows();
    expect(Number(noaaLoaded) - Number(noaaBefore)).toBe(123);

    const viewsBefore = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.callsTo('views.open'), 'the rollback takes no parameter: no form').toHaveLength(viewsBefore);
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1);
    // The snapshot taken before the DELETE is not restored (it would undo the noaa load too): the plan names it, before
    // approval, as the last resort, with the writes going back to it would undo (the stand-in takes an automatic
    // snapshot of a write made outside a session only: here the noaa load).
    expect(String(plan?.blocks).split(`SNAPSHOT_NAME '${before}'`), 'named once, in the warning; no step restores it').toHaveLength(2);
    expect(String(plan?.blocks)).toContain(
      `This rollback does not restore the named snapshot '${before}' the bot took of databox before \\"Drop the affected raw window so dlt reloads it\\": it puts back only what its steps say, and every other write to databox stays as it is. ` +
        `The snapshot keeps all of databox as it was then, a last resort should this rollback not do; going back to it (by hand, ALTER DATABASE \\"databox\\" SET SNAPSHOT TO (SNAPSHOT_NAME '${before}')) would also undo the 1 write (automatic snapshot) made to databox since it was taken, as counted now, whatever it was (another source's load, say).`,
    );
    // The one taken before the restate, after the DELETE and reload, is said to be none: going back to it undoes nothing
    // of the recovery's DELETE. It is not offered with a statement to restore it.
    expect(String(plan?.blocks)).toContain(
      `The recovery's later snapshot, '${beforeRestate}' before \\"Restate the affected SQLMesh models for the window only\\", is no last resort for this rollback: ` +
        `taken after \\"Drop the affected raw window so dlt reloads it\\" had run, it keeps databox as the recovery had already changed it, so going back to it would not undo the recovery, as going back to the one above would.`,
    );
    expect(String(plan?.blocks)).not.toContain(`SNAPSHOT_NAME '${beforeRestate}'`);
    md.sent.length = 0;
    await harness.click(newestPlan(), operator);
    await harness.settle();
    expect(await windowRows(), 'the requester cannot approve the rollback alone').toBe('0');
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(await windowRows()).toBe('4050');
    expect(await noaaRows(), "another source's load since the recovery is still there").toBe(noaaLoaded);
    // The kept rows replace the window, after a named snapshot of its own; nothing restores a whole-database snapshot.
    const beforeRows = md.namedSnapshots()[2];
    expect(beforeRows).toMatch(/_restore_rows_\d{8}T\d{6}Z$/);
    expect(changes()).toEqual([
      `CREATE SNAPSHOT '${beforeRows}' OF "databox"`,
      expect.stringMatching(/^COPY \(SELECT \* FROM "raw_ebird"\."observations" WHERE .*\.before-rollback-\d{8}T\d{6}Z\.parquet' \(FORMAT parquet\)$/),
      expect.stringMatching(/^DELETE FROM "raw_ebird"\."observations" WHERE /),
      expect.stringMatching(/^INSERT INTO "raw_ebird"\."observations" BY NAME/),
      // The marts' rows as the recovery made them, kept before the restate replaces them; the restate after a snapshot.
      expect.stringMatching(/^COPY \(SELECT \* FROM "ebird"\."fct_daily_bird_observations" WHERE .*\.before-rollback-\d{8}T\d{6}Z\.parquet' \(FORMAT parquet\)$/),
      expect.stringMatching(/^COPY \(SELECT \* FROM "analytics"\."fct_species_environment_daily" WHERE .*\.before-rollback-\d{8}T\d{6}Z\.parquet' \(FORMAT parquet\)$/),
      expect.stringMatching(/^CREATE SNAPSHOT '[^']*_restate_again_\d{8}T\d{6}Z' OF "databox"$/),
    ]);
    // The window the reload left empty (the stand-in loads nothing) is kept aside as it is, and the kept rows put back.
    expect(slack.allText()).toMatch(/put the window of raw_ebird\.observations back as it was kept: its 0 rows of the moment are kept in \S+, and the 4050 kept rows replace them/);
    // Then the marts are restated for the window from those rows, in the checkout (SQLMesh writes them to MotherDuck).
    expect(checkout.calls().map((c) => c.command).at(-1)).toBe(restateCommand);
  });
});
