// Scenario 2 plans refused before anything runs, over signed HTTP: path A on a raw table that is a view, a rollback whose
// kept rows are gone (before it is proposed, or once it is approved), a rollback whose file for the rows it replaces is there.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createBackfillDatabase, dayAfterTheData, ebirdReloadAndRestate, ebirdReloadCommand, ebirdRestateCommand } from '../helpers/backfill-data.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { acceptPathForm } from '../helpers/form-flow.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { compactTimestamp } from '../../src/timestamps.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
/** Set, the bot's clock stands at it: a plan's {{now}}, in the names of the files it keeps rows in, is known. */
let frozenAt: Date | undefined;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 2_000, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] } });
  checkout.behave(ebirdReloadAndRestate());
  nock.cleanAll();
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  frozenAt = undefined;
  const dayAfter = dayAfterTheData();
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, () => frozenAt ?? dayAfter());
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

async function change(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

const rawRows = async (table = 'raw_ebird.observations_base') => {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJson();
  connection.closeSync();
  instance.closeSync();
  return Number(rows[0]?.[0]);
};

describe('scenario 2 plans refused before anything runs', () => {
  it('refuses path A on a raw table that is a view, naming what it reads, before any row is kept', async () => {
    await change('ALTER TABLE raw_ebird.observations RENAME TO observations_base; CREATE VIEW raw_ebird.observations AS SELECT * FROM raw_ebird.observations_base');
    const before = await rawRows();
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    // Before: proposed and approved, the rows kept, then "Binder Error: Can only delete from base table", said part-way.
    expect(slack.allText()).toContain(
      `nothing was proposed: raw_ebird.observations in ${checkout.databasePath} is a view over raw_ebird.observations_base, not a table: path A deletes the window's raw rows from it, and DuckDB deletes from base tables only. dlt's raw tables are base tables, so raw_table in runbooks/backfill.yml probably names the wrong object`,
    );
    expect(slack.allText()).not.toContain('Plan Path A');
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(checkout.calls()).toEqual([]);
    expect(fs.existsSync(path.join(checkout.stateDir, 'backups'))).toBe(false);
    expect(await rawRows()).toBe(before);
  });

  it('refuses a rollback whose kept raw rows were moved away, saying where to put them back, before previewing it', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([ebirdReloadCommand, ebirdRestateCommand]);
    const dir = fs.readdirSync(path.join(checkout.stateDir, 'backups')).map((incident) => path.join(checkout.stateDir, 'backups', incident))[0]!;
    const kept = fs.readdirSync(dir).find((name) => name.startsWith('raw_ebird.observations.'))!;
    fs.renameSync(path.join(dir, kept), path.join(dir, `${kept}.unchecked`));
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const said = slack.allText();
    // Before: "cannot preview the plan: its count … failed …: IO Error: No files found …; nothing was proposed (diagnose first …)".
    expect(said).toMatch(
      new RegExp(
        `refused, nothing was proposed: the step "[^"]+": ${escapeRegExp(`the rows the recovery kept are not at ${path.join(dir, kept)} (moved or deleted): put the file back there to roll back; ${dir} holds ${kept}.unchecked, which may be it under another name`)}`,
      ),
    );
    expect(said).not.toContain('cannot preview the plan');
    expect(said).not.toContain('Plan Rollback');
    fs.rmSync(path.join(dir, `${kept}.unchecked`));
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.allText()).toMatch(new RegExp(`refused, nothing was proposed: the step "[^"]+": ${escapeRegExp(`the rows the recovery kept are not at ${path.join(dir, kept)} (moved or deleted): put the file back there to roll back`)}(?!;)`));
  });

  it('does not start a rollback whose kept raw rows were deleted after it was proposed: it says where to put them back, runs no step, and the journal says why', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const dir = fs.readdirSync(path.join(checkout.stateDir, 'backups')).map((incident) => path.join(checkout.stateDir, 'backups', incident))[0]!;
    const kept = fs.readdirSync(dir).find((name) => name.startsWith('raw_ebird.observations.'))!;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollback = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback')?.data.runId as string;
    expect(rollback, 'the rollback was proposed while the file was there').toBeDefined();
    const backupsBefore = fs.readdirSync(dir).sort();
    const before = await rawRows('raw_ebird.observations');
    fs.rmSync(path.join(dir, kept));
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const where = `the rows the recovery kept are not at ${path.join(dir, kept)} (moved or deleted): put the file back there to roll back`;
    // Before: started, its guards run, then the restore step failed with "the kept rows are not at …", no word of what to do.
    expect(slack.allText()).toMatch(new RegExp(`plan ${rollback} was not started, nothing was changed: the step "[^"]+": ${escapeRegExp(where)}`));
    // Its Slack messages' references aside: approved, then ended without a start or a step.
    const ofRollback = journalRecordsOf(checkout).filter((r) => r.data?.runId === rollback && r.type !== 'run.ref');
    expect(ofRollback.map((r) => r.type)).toEqual(['run.proposed', 'run.approved', 'run.finished']);
    expect(ofRollback.at(-1)?.data).toMatchObject({ status: 'interrupted', reason: expect.stringContaining(where) });
    expect(await rawRows('raw_ebird.observations')).toBe(before);
    expect(fs.readdirSync(dir).sort(), 'nothing kept aside').toEqual(backupsBefore.filter((name) => name !== kept));
  });

  it("refuses a rollback whose file for the window's rows of the moment is already there, naming it and what to do, before anyone approves it", async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const recovery = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')!;
    const { from, to } = recovery.data.run.params as { from: string; to: string };
    // The rollback's restore_rows keepTo, at the second it is proposed: another plan's of that second, or one put by hand.
    frozenAt = new Date(Date.parse('2026-04-25T09:00:00Z'));
    const there = path.join(checkout.stateDir, 'backups', recovery.incident, `raw_ebird.observations.${from}_${to}.before-rollback-${compactTimestamp(frozenAt)}.parquet`);
    fs.writeFileSync(there, 'an earlier rollback kept this');
    const before = await rawRows('raw_ebird.observations');
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Before: proposed, approved, and stopped at its restore step ("refusing to overwrite …"), after the steps before it ran.
    expect(slack.allText()).toMatch(
      new RegExp(
        `refused, nothing was proposed: the step "[^"]+": ${escapeRegExp(`it keeps the rows it replaces in ${there}, which already exists: it may be what an earlier rollback kept, and it is left as it is. Propose again in a moment (the time in its name will differ), or move that file aside if nothing needs it`)}`,
      ),
    );
    expect(slack.allText()).not.toContain('Plan Rollback');
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback')).toEqual([]);
    expect(fs.readFileSync(there, 'utf8')).toBe('an earlier rollback kept this');
    expect(await rawRows('raw_ebird.observations')).toBe(before);
    // Moved aside, as it says: the same rollback, at the same second, is proposed.
    fs.renameSync(there, `${there}.moved-aside`);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback')).toHaveLength(1);
  });

  it('refuses a rollback whose kept raw rows file was replaced by another under the same name (cut to 10 rows): when it waits for approval, and when asked again, naming what the recovery recorded', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const dir = fs.readdirSync(path.join(checkout.stateDir, 'backups')).map((incident) => path.join(checkout.stateDir, 'backups', incident))[0]!;
    const kept = path.join(dir, fs.readdirSync(dir).find((name) => name.startsWith('raw_ebird.observations.'))!);
    const recorded = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result?.stepId === 'keep_raw')?.data.result.outputs;
    expect(recorded).toMatchObject({ rowCount: 16200, bytes: fs.statSync(kept).size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollback = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback')?.data.runId as string;
    expect(rollback, 'proposed while the file was the one kept').toBeDefined();
    const cutShort = async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run(`COPY (SELECT * FROM read_parquet('${kept}') LIMIT 10) TO '${kept}.cut' (FORMAT parquet)`);
      connection.closeSync();
      instance.closeSync();
      fs.renameSync(`${kept}.cut`, kept);
    };
    await cutShort();
    const before = await rawRows('raw_ebird.observations');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const differs = `${kept} is not the file the recovery kept its 16200 rows in: it recorded ${recorded.bytes} bytes, sha256 ${String(recorded.sha256).slice(0, 12)}…, when it kept them; the file there now is ${fs.statSync(kept).size} bytes. Nothing was changed`;
    // Before: approved and run, "Rollback passed", the window's 6000 rows replaced by the 10 in the file.
    expect(slack.allText()).toMatch(new RegExp(`plan ${rollback} was not started, nothing was changed: the step "[^"]+": ${escapeRegExp(differs)}`));
    expect(await rawRows('raw_ebird.observations')).toBe(before);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.allText()).toMatch(new RegExp(`refused, nothing was proposed: the step "[^"]+": ${escapeRegExp(differs)}`));
    expect(slack.allText()).not.toContain('Raw rows put back (the rows the recovery kept): 10');
  });

  it('proposes the rollback of one incident\'s window after another incident backfilled another source on other days, naming that recovery; it is not refused for it', async () => {
    await harness.command('diagnose backfill source=ebird from=2026-04-11 to=2026-04-24', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const ebirdRollback = slack.buttons('request_rollback').at(-1)!;
    const noaaReload = 'uv run dagster asset materialize --select noaa_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
    const noaaRestate = 'uv run sqlmesh plan prod --start 2026-04-05 --end 2026-04-06 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ ...ebirdReloadAndRestate(), [noaaReload]: { stdout: 'dlt: loaded raw_noaa\n' }, [noaaRestate]: { stdout: 'ok\n' } });
    await harness.command('recover backfill path=a source=noaa from=2026-04-05 to=2026-04-06', 'U0THIRD');
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const noaa = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery').at(-1)?.data.runId as string;
    expect(checkout.calls().map((c) => c.command)).toContain(noaaRestate);
    await harness.click(ebirdRollback, operator);
    await harness.settle();
    // Before: "databox.duckdb has changed since … roll back <the noaa run> first. Nothing was proposed".
    expect(slack.allText()).not.toContain(`roll back ${noaa} first`);
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1);
    expect(plan, 'the rollback is proposed').toBeDefined();
    expect(String(plan?.blocks)).toMatch(
      new RegExp(escapeRegExp(`Plan ${noaa} (Path A: Replace the window and restate it) changed databox.duckdb after `) + '[^ ]+' + escapeRegExp(', at ') + '\\d\\d:\\d\\d UTC' + escapeRegExp(', on other rows (source noaa, 2026-04-05 to 2026-04-06; this rollback rewrites source ebird, 2026-04-18 to 2026-04-20): this rollback leaves its changes as they are')),
    );
  });
});
