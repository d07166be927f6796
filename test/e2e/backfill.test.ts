// Scenario 2 through the real Bolt app: find the bad window, keep and replace it, restate only it, validate, roll back.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, reloadRawSql, restateMartSql, dayAfterTheData, ebirdReloadCommand, ebirdRestateCommand } from '../helpers/backfill-data.js';
import { Checkout, standinBin } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn, prefilledValues } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { assetCheckAnswers, checksRunId, type ChecksScript } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import nock from 'nock';
import { execa } from 'execa';
import { holderReady } from '../helpers/holder-ready.js';
import { bundledRunbooksDir } from '../../src/config.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { acceptPathForm } from '../helpers/form-flow.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const reloadCommand = ebirdReloadCommand;
const restateCommand = ebirdRestateCommand;
// Today, for the bot, is 2026-04-25: the data's 60 days end yesterday.
const clock = dayAfterTheData();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, {
    lastDay: '2026-04-24',
    rowsPerDay: 5_000,
    ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] },
    noaa: { martOnlyZero: ['2026-04-10'] },
  });
  checkout.behave({
    [reloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 5_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
    [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
  });
  // The validation re-runs the Soda contracts through the webserver; what it answers is changed per test with playChecks.
  playChecks();
  harness = await startBot(checkout, slack, { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
});

afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

/** The webserver as the validation's asset checks find it: each check passing unless the script says otherwise. */
function playChecks(script: ChecksScript = {}): Record<string, unknown>[] {
  nock.cleanAll();
  // Ended at the first look: the validation does not wait the step's 5 s between looks.
  const { answers, launches } = assetCheckAnswers({ runStatuses: ['SUCCESS'], ...script });
  serveDagster(answers);
  return launches;
}

async function query<T = unknown[]>(sql: string, values: string[] = []): Promise<T[]> {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql, values)).getRowsJson() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Keeps every row of `table` as it is now in a Parquet file among the stand-ins' files, for rowsChangedSince: a whole
 * raw table is about 300,000 rows, which read into JavaScript and compared there took seconds of CPU each time.
 */
async function keepRows(table: string): Promise<string> {
  const file = checkout.path('.standin', `${table}.kept.parquet`);
  await query(`COPY (SELECT * FROM ${table}) TO '${file}' (FORMAT parquet)`);
  return file;
}

/** The rows of `table` not as keepRows kept them (each row, every column, as many times as it occurs): none when it is exactly as it was. */
const rowsChangedSince = (table: string, kept: string) =>
  query(`SELECT 'only now' AS side, * FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM read_parquet('${kept}'))
         UNION ALL SELECT 'only before', * FROM (SELECT * FROM read_parquet('${kept}') EXCEPT ALL SELECT * FROM ${table})
         ORDER BY ALL LIMIT 20`);

const rawPerDay = async () =>
  Object.fromEntries(await query<[string, string]>(`SELECT CAST(observation_date AS VARCHAR), count(*) FROM raw_ebird.observations GROUP BY 1`));
const martPerDay = async () =>
  Object.fromEntries(await query<[string, string]>(`SELECT CAST(day_date AS VARCHAR), count(*) FROM ebird.fct_daily_bird_observations GROUP BY 1`));
const windowIds = async () =>
  (await query<[string]>(`SELECT id FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-20' ORDER BY id`)).map((r) => String(r[0]));

const message = (startsWith: string) => slack.posted(startsWith);

const incidentOf = () => String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
const postmortemOf = (incidentId: string) => writePostmortem({ stateDir: checkout.stateDir, incidentId, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root }).markdown;

/** A postmortem's section, from its heading to the next. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** A late load lands 7 rows on 2026-04-19, the low day the diagnosis counted 500 rows on. */
async function landLateRows(): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(reloadRawSql('raw_ebird.observations', 7), ['2026-04-19', '2026-04-19']);
  connection.closeSync();
  instance.closeSync();
}

/** Changes the raw table by hand, as a load or an operator would between two runs. */
async function writeRaw(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

/** Diagnose, pick path A under the verdict, accept the window the modal is prefilled with: the plan is posted. */
async function diagnoseAndPropose(): Promise<void> {
  await harness.command('diagnose backfill source=ebird', operator);
  await harness.settle();
  const { prefilled, submitted } = await acceptPathForm(harness, slack, 'a', operator);
  expect(prefilled).toEqual({ source: 'ebird', from: '2026-04-18', to: '2026-04-20' });
  expect(submitted.status).toBe(200);
}

async function recover(): Promise<void> {
  await diagnoseAndPropose();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

describe('/databox diagnose backfill', () => {
  it('finds the bad window by itself over the last 30 days, shows the per-day table, and blames the raw load', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Bad window in the raw load');
    expect(verdict).toContain('Replace the window 2026-04-18 … 2026-04-20');
    expect(verdict).toMatch(/3 of 30 days look wrong in ebird.fct_daily_bird_observations \(2026-03-26 … 2026-04-24, baseline median [\d.]+\/day\): 2026-04-18 zero \(0\), 2026-04-19 low \(500\), 2026-04-20 spike \(40000\)/);
    // The run's one message, as it reads at the end, shows both steps' per-day tables: the mart's, then the raw table's.
    // (How many updates came before it depends on timing: a newer update replaces one not yet sent.)
    const final = slack.callsTo('chat.update').map((u) => String(u.blocks)).filter((b) => b.includes('Rows per day in the raw table')).at(-1) ?? '';
    // The raw table's also counts the rows that repeat a primary key (a day loaded twice).
    const tables = final.match(/```day +rows +(repeated keys +)?verdict[^`]*```/g) ?? [];
    expect(tables).toHaveLength(2);
    expect(tables[1]).toMatch(/^```day +rows +repeated keys +verdict/);
    expect(tables[0]).toMatch(/2026-04-18\s+0\s+zero/);
    expect(tables[0]).toMatch(/2026-04-20\s+40000\s+spike/);
    // Too long to show whole, the raw table keeps its bad days and says how many normal ones it folded, never cutting
    // its middle (where the bad days may be); the whole table is in the step's file.
    expect(tables[1]).toMatch(/2026-04-19\s+500\s+\d+\s+low/);
    expect(tables[1]).toMatch(/…\s+\d+ normal days, 2026-03-2\d … 2026-04-1\d/);
    expect(final).not.toContain('characters omitted');
    expect(slack.buttons('choose_path_a')).toHaveLength(1);
    // The command to type instead of the button has what the diagnosis found filled in, ready to paste.
    expect(verdict).toMatch(/Or type `\/databox recover backfill path=a source=ebird from=2026-04-18 to=2026-04-20 incident=dbx-[\d]{8}-[0-9a-f]{4}`/);
    expect(checkout.calls()).toEqual([]);
  });

  it('tells a bad transform from a bad load: raw rows normal, mart rows missing', async () => {
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Bad window in the mart only');
    expect(verdict).toContain('1 of 11 days looks wrong in noaa.fct_daily_weather (2026-04-05 … 2026-04-15');
    expect(verdict).toContain('2026-04-10 zero (0)');
    expect(verdict).toContain('all 11 days normal in raw_noaa.daily_weather');
    // The raw rows are good: the restate alone is offered, never the DELETE and reload of them.
    expect(verdict).toContain('Restate the window 2026-04-10 … 2026-04-10 (path B)');
    expect(verdict).toContain('Path A is not offered: it would delete those good raw rows');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_b']);
    expect(checkout.calls()).toEqual([]);
  });

  it('calls a database another process holds for writing busy, as scenario 1 does: not corrupt, not "does not open"', async () => {
    const holder = execa(process.execPath, [path.join(import.meta.dirname, '..', 'fixtures', 'scripts', 'hold-duckdb.mjs'), checkout.databasePath]);
    await holderReady(holder);
    try {
      await harness.command('diagnose backfill source=ebird from=2026-04-18 to=2026-04-20', operator);
      await harness.settle();
      const verdict = message('Verdict:');
      expect(verdict).toContain('Busy — another process holds the database file');
      expect(verdict).toContain(`The file is held by PID ${holder.pid}, ${fs.realpathSync(process.execPath)}, which is not Dagster`);
      expect(verdict).toContain('It is not corrupt. Let it finish or stop it, then diagnose again');
      expect(verdict).not.toMatch(/does not open|diagnose duckdb first/);
      expect(slack.buttons(/^choose_path_/)).toEqual([]);
    } finally {
      holder.kill();
      await holder.catch(() => undefined);
    }
  });

  it('calls a window at the source\'s start not conclusive, not "no bad window": no days before it to judge by', async () => {
    await harness.command('diagnose backfill source=ebird from=2026-02-24 to=2026-02-28', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive — no baseline to judge the days by');
    expect(verdict).toContain('all 5 days have rows in ebird.fct_daily_bird_observations, but none can be judged further');
    expect(verdict).not.toContain('No bad window');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('says today is still loading when the window is today alone: not normal, not a bad window', async () => {
    await harness.command('diagnose backfill source=ebird from=2026-04-25 to=2026-04-25', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive — today is still loading');
    expect(verdict).toContain('nothing to judge in ebird.fct_daily_bird_observations yet: today (2026-04-25) is still loading: 0 rows so far');
    expect(verdict).not.toContain('No bad window');
    expect(verdict).not.toMatch(/all \d+ days? normal/);
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('says where the rows are when the window has none, and offers no DELETE and reload of nothing', async () => {
    await harness.command('diagnose backfill source=ebird from=1970-01-01 to=1970-01-31', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('No data for this source in the window — not a bad window');
    expect(verdict).toContain('no rows in raw_ebird.observations for 1970-01-01 … 1970-01-31: its rows run from 2026-02-24 to 2026-04-24, all after the window');
    expect(verdict).not.toContain('Bad window');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    expect(checkout.calls()).toEqual([]);
  });

  it('tells the raw-side bad days from the mart-only ones, and proposes the window covering both', async () => {
    // 2026-04-12 goes from both tables (a bad load); 2026-04-10 is planted missing from the mart only (a bad transform).
    await change(`DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-12'; DELETE FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-12'`);
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Bad window in the raw load');
    expect(verdict).toContain(
      'bad in raw_noaa.daily_weather and so in noaa.fct_daily_weather: 2026-04-12; bad in noaa.fct_daily_weather only, their rows in raw_noaa.daily_weather look normal: 2026-04-10',
    );
    expect(verdict).not.toContain('shows the same bad days');
    expect(verdict).toContain('Replace the window 2026-04-10 … 2026-04-12 (path A)');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  it('names raw days emptied inside the window, the mart still having them, as rows removed, and offers their reload', async () => {
    await change(`DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-14' AND DATE '2026-04-15'`);
    await harness.command('diagnose backfill source=noaa from=2026-04-12 to=2026-04-18', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    // Before: "Bad days in the raw table, not (yet) in the mart … The mart may not have been rebuilt yet".
    expect(verdict).toContain('The raw table lacks rows the mart has — the raw rows were removed');
    expect(verdict).toMatch(
      /no rows in raw_noaa\.daily_weather on 2 of the 7 days of 2026-04-12 … 2026-04-18 \(2026-04-14 … 2026-04-15\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on those days: the rows raw_noaa\.daily_weather had on them were removed/,
    );
    expect(verdict).toContain('Reload the window 2026-04-14 … 2026-04-15 (path A)');
    expect(verdict).not.toContain('may not have been rebuilt');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
    const { prefilled } = await acceptPathForm(harness, slack, 'a', operator);
    expect(prefilled).toEqual({ source: 'noaa', from: '2026-04-14', to: '2026-04-15' });
    // The days have no raw rows: the plan keeps and deletes none, as the advice says.
    expect(message('Plan Path A')).toContain('Preview: Raw rows the DELETE will remove: 0*');
    // The mart's rows are all that is left of those days: kept before the restate replaces them (a rollback restates
    // the marts from the raw rows put back, none, so without them they would be gone).
    const martDays = await query(`SELECT * FROM noaa.fct_daily_weather WHERE day_date BETWEEN DATE '2026-04-14' AND DATE '2026-04-15' ORDER BY ALL`);
    expect(martDays.length).toBeGreaterThan(0);
    expect(message('Plan Path A')).toContain(`Preview: Mart rows the restate will replace (kept first): ${martDays.length}*`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const incidentBackups = path.join(checkout.stateDir, 'backups', fs.readdirSync(path.join(checkout.stateDir, 'backups'))[0]!);
    const keptMart = fs.readdirSync(incidentBackups).find((name) => name.startsWith('noaa.fct_daily_weather.2026-04-14_2026-04-15.'));
    expect(keptMart).toBeDefined();
    expect(await query(`SELECT * FROM read_parquet('${path.join(incidentBackups, keptMart!)}') ORDER BY ALL`)).toEqual(martDays);
    // Its rollback restates the marts from the raw rows put back, none: the plan says so in numbers before approval.
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollback = message('Plan Rollback of path A');
    expect(rollback).toContain('Preview: Raw rows put back (the rows the recovery kept): 0*');
    expect(rollback).toMatch(/Preview: Mart rows of the window now, replaced by what the rows put back give \(those from before the recovery: the Parquet file it kept\): [1-9]\d*\*/);
  });

  it('says raw rows removed just before the window with the command that takes them in, an outage apart, and the weekends between as usual', async () => {
    // usgs skips weekends; its raw rows of Tuesday 04-14, Wednesday 04-15 and Monday 04-20 deleted, the mart's left;
    // Friday 04-17 empty in both tables (an outage).
    await change(`DELETE FROM raw_usgs.daily_values WHERE dayofweek(observation_date) IN (0, 6) OR observation_date IN (DATE '2026-04-14', DATE '2026-04-15', DATE '2026-04-17', DATE '2026-04-20');
      DELETE FROM usgs.fct_daily_streamflow WHERE dayofweek(day_date) IN (0, 6) OR day_date = DATE '2026-04-17'`);
    await harness.command('diagnose backfill source=usgs from=2026-04-15 to=2026-04-21', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('The raw table lacks rows the mart has — the raw rows were removed');
    // Before: 04-14 unsaid, and left with no raw rows by a recovery of the window proposed.
    expect(verdict).toContain(
      'raw_usgs.daily_values also has no rows on 2026-04-14, just before the window, which usgs.fct_daily_streamflow has: the rows were removed there too; diagnose a window that takes them in: `/databox diagnose backfill source=usgs from=2026-04-14 to=2026-04-21`',
    );
    // Before: "1 other day looks wrong in raw_usgs.daily_values (…): 2026-04-17 zero (0). The source had these days".
    expect(verdict).toContain('1 other day has no rows in usgs.fct_daily_streamflow either (2026-04-17): empty in both tables, an outage or a failed load, not rows removed');
    expect(verdict).toContain('The source had the raw rows the mart holds on those days');
    // Before: "also holds 3 normal days between the bad ones", the weekend's two among them.
    expect(verdict).toContain(
      'The window 2026-04-15 … 2026-04-20 also holds 1 normal day between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first); and 2 days with no rows, as usual for this source (Saturdays and Sundays): reloaded too, nothing to keep.',
    );
    // The window proposed stays inside the one typed; the command said, typed as it is, takes 04-14 in.
    expect(verdict).toMatch(/Or type `\/databox recover backfill path=a source=usgs from=2026-04-15 to=2026-04-20 incident=/);
    await harness.command('diagnose backfill source=usgs from=2026-04-14 to=2026-04-21', operator);
    await harness.settle();
    const widened = slack.messages().filter((m) => m.text.startsWith('Verdict:')).at(-1);
    expect(`${widened?.text}\n${widened?.blocks}`).toMatch(/Or type `\/databox recover backfill path=a source=usgs from=2026-04-14 to=2026-04-20 incident=/);
  });

  it('finds a day loaded twice (its rows repeat their primary key) although its count looks normal', async () => {
    await change(`INSERT INTO raw_usgs.daily_values SELECT * FROM raw_usgs.daily_values WHERE observation_date = DATE '2026-04-15'`);
    await harness.command('diagnose backfill source=usgs from=2026-04-13 to=2026-04-16', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Days loaded twice in the raw table');
    expect(verdict).toMatch(/2026-04-15 duplicates \(\d+ rows, \d+ repeat a key of the day\)/);
    expect(verdict).toContain('Replace the window 2026-04-15 … 2026-04-15 (path A)');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  it('finds a lasting drop that began before the 30 days scanned, judged by the days before the baseline, and says where it began', async () => {
    // From 2026-03-16 on, a tenth of usgs' rows: 10 of the 14 days before the 30 scanned are at that level, their median too.
    const tenth = (table: string, column: string) => `DELETE FROM ${table} WHERE ${column} >= DATE '2026-03-16' AND id % 10 <> 0;`;
    await change(tenth('raw_usgs.daily_values', 'observation_date') + tenth('usgs.fct_daily_streamflow', 'day_date'));
    await harness.command('diagnose backfill source=usgs', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    // Before: "No bad window", every day "normal" against a baseline median of the dropped level.
    expect(verdict).not.toContain('No bad window');
    expect(verdict).toContain('Bad window in the raw load');
    expect(verdict).toContain('Replace the window 2026-03-26 … 2026-04-24 (path A)');
    expect(verdict).toContain(
      "2026-03-16 … 2026-03-25, before the window, look wrong in raw_usgs.daily_values (and usgs.fct_daily_streamflow on the same days) too",
    );
    expect(verdict).toContain(
      "running into the window's first day, the bad stretch began before the window, on 2026-03-16; a window that takes them in (2026-03-16 … 2026-04-24) is over 31 days: diagnose them on their own, `/databox diagnose backfill source=usgs from=2026-03-16 to=2026-03-25`.",
    );
    // The run's message says the level the days were judged by, and why.
    expect(runMessage()).toMatch(/baseline median [\d.]+\/day, itself low against the 14 days before it \(2026-02-26 … 2026-03-11, median [\d.]+\/day\): the level changed before the window, so its days are judged by/);
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a']);
  });

  it('calls an empty mart empty, to rebuild in full, and fails the validation of a window restated into it anyway', async () => {
    const usgsRestate =
      'uv run sqlmesh plan prod --start 2026-04-20 --end 2026-04-24 --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [usgsRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_usgs.daily_values', 'usgs.fct_daily_streamflow'), params: ['arg:--start', 'arg:--end'] } });
    await change('DELETE FROM usgs.fct_daily_streamflow');
    await harness.command('diagnose backfill source=usgs', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    // Before: "Bad window in the mart only", path B over the 30 days scanned, the mart's other days left empty.
    expect(verdict).toContain('The mart is empty — rebuild it in full');
    expect(verdict).toContain('usgs.fct_daily_streamflow has no rows at all (no day has any, in the window or out of it), while the raw table has rows');
    // (Slack's mrkdwn has the command's && as &amp;&amp;.)
    expect(verdict).toContain(
      '`cd transforms/main &amp;&amp; uv run sqlmesh plan prod --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply` (no --start/--end',
    );
    expect(verdict).not.toContain('Restate the window');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    // Path B typed anyway, over a window of it: the restate fills the window alone, and the validation says so.
    await harness.command(`recover backfill path=b source=usgs from=2026-04-20 to=2026-04-24 incident=${incidentOf()}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([usgsRestate]);
    // Before: its mart count "no baseline" (the mart's rows now start in the window), accepted: "Validation passed".
    expect(slack.allText()).not.toContain('Validation passed');
    const failed = slack.messages().find((m) => m.text.startsWith('Validation failed'))?.blocks ?? '';
    expect(failed).toContain('usgs.fct_daily_streamflow had no rows at all when the diagnosis counted, and still has none before the window');
    expect(failed).toContain('only the window was built, the rest of the table is still empty; rebuild it in full, then diagnose again');
  });

  async function change(sql: string): Promise<void> {
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run(sql);
    connection.closeSync();
    instance.closeSync();
  }

  /** The run's one message as it reads at the end: each step's line and output. */
  const runMessage = () => slack.callsTo('chat.update').map((u) => String(u.blocks)).filter((b) => b.includes('Rows per day in the raw table')).at(-1) ?? '';

  it('calls a diagnosis whose query failed (a missing mart) inconclusive, never "no bad window"', async () => {
    await change('DROP TABLE ebird.fct_daily_bird_observations');
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive — the mart is not in the database');
    expect(verdict).toContain(`ebird.fct_daily_bird_observations does not exist in ${checkout.databasePath} (tables there: `);
    expect(verdict).toContain('Build it with SQLMesh first');
    expect(verdict).not.toContain('No bad window');
    expect(verdict).not.toContain('Catalog Error');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('calls a file with a damaged block in the raw table damaged, sends to the duckdb diagnosis, and offers no recovery', async () => {
    const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    // The blocks of the column the counts read: every one overwritten inside, its checksum left as it was.
    const blocks = (await connection.runAndReadAll(`SELECT DISTINCT block_id FROM pragma_storage_info('raw_ebird.observations') WHERE block_id >= 0 AND column_name = 'observation_date'`)).getRows();
    connection.closeSync();
    instance.closeSync();
    expect(blocks.length).toBeGreaterThan(0);
    const fd = fs.openSync(checkout.databasePath, 'r+');
    for (const [block] of blocks) fs.writeSync(fd, Buffer.alloc(4_096, 0x5a), 0, 4_096, 3 * 4_096 + Number(block) * 262_144 + 8_192);
    fs.closeSync(fd);
    await harness.command('diagnose backfill source=ebird from=2026-04-10 to=2026-04-20', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('The database file is damaged');
    expect(verdict).toMatch(/Raw: \S+databox\.duckdb is damaged: reading \\"raw_ebird\\"\.\\"observations\\" failed with IO Error: Corrupt database file: computed checksum/);
    expect(verdict).toContain('run /databox diagnose duckdb, which reads every table and offers a rebuild or a restore');
    expect(verdict).not.toContain('Check the source');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('names a raw table that is not in the database, says to load the source, and offers no recovery', async () => {
    await change('DROP TABLE raw_ebird.observations');
    await harness.command('diagnose backfill source=ebird from=2026-04-10 to=2026-04-20', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive — the source\'s raw table is not in the database');
    expect(verdict).toContain(
      `raw_ebird.observations does not exist in ${checkout.databasePath} (tables there: analytics.fct_species_environment_daily, ebird.fct_daily_bird_observations, noaa.fct_daily_weather, raw_noaa.daily_weather, raw_usgs.daily_values, usgs.fct_daily_streamflow): nothing to compare. Load the source first (Dagster asset ebird_dlt_assets)`,
    );
    expect(verdict).not.toContain('Catalog Error');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    // DuckDB's own words stay on the step, as evidence.
    expect(runMessage()).toContain('Catalog Error: Table with name observations does not exist!');
    expect(checkout.calls()).toEqual([]);
  });

  it('counts the raw dates that do not read as dates, shows a few, and offers no recovery that deletes by date', async () => {
    await change(`ALTER TABLE raw_ebird.observations ALTER observation_date TYPE VARCHAR;
      UPDATE raw_ebird.observations SET observation_date = CASE WHEN id <= 3 THEN '2026-13-45' WHEN id <= 5 THEN 'n/a' END WHERE id <= 6`);
    // Planted bad days too: counts that miss rows must not lead to path A all the same.
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const verdict = message('Verdict:');
    expect(verdict).toContain('Not conclusive — dates that do not read as dates');
    expect(verdict).toContain(
      'Raw: observation_date in raw_ebird.observations: 5 values are not dates (e.g. \\"2026-13-45\\", \\"n/a\\") and 1 value is empty (NULL); a row without a readable date belongs to no day',
    );
    expect(verdict).not.toContain('Conversion Error');
    expect(verdict).not.toContain('Replace the window');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    expect(runMessage()).toContain('Conversion Error: date field value out of range');
    expect(checkout.calls()).toEqual([]);
  });

  it.each([
    ['source=ebird;drop', /source=ebird;drop contains shell metacharacters/],
    ['source=raw_ebird.observations', /source=raw_ebird.observations is not one of: ebird, noaa, usgs/],
    ["source=ebird from=2026-04-18'-- to=2026-04-20", /from=2026-04-18'-- is not a date/],
    ['source=ebird from=2026-04-18 to=2026-13-01', /to=2026-13-01 is not a date/],
    ['source=ebird from=2026-04-20 to=2026-04-18', /from=2026-04-20 is after to=2026-04-18/],
    ['source=ebird from=2026-01-01 to=2026-03-01', /60 days long; at most 31 days/],
    ['source=ebird from=2026-04-24 to=2026-04-26', /to=2026-04-26 is in the future \(today is 2026-04-25 UTC\)/],
    ['source=ebird from=2026-04-18', /give both from= and to=, or neither/],
  ])('refuses %s before anything runs', async (params, expected) => {
    const response = await harness.command(`diagnose backfill ${params}`, operator);
    await harness.settle();
    const answer = String(response.json?.text ?? slack.responses.at(-1)?.body.text);
    expect(answer).toMatch(expected);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(checkout.calls()).toEqual([]);
  });
});

describe('/databox recover backfill', () => {
  it('previews, keeps, deletes exactly the window, reloads, restates only it, and validates', async () => {
    const before = await rawPerDay();
    const idsInWindow = await windowIds();
    await diagnoseAndPropose();
    const plan = message('Plan Path A');
    expect(plan).toContain(`Preview: Raw rows the DELETE will remove: ${idsInWindow.length}*`);
    expect(plan).toContain('DELETE FROM \\"raw_ebird\\".\\"observations\\"');
    expect(plan).toContain('bound: $1=\\"2026-04-18\\", $2=\\"2026-04-20\\"');
    expect(plan).toContain(`must change exactly ${idsInWindow.length} rows`);
    // The DELETE is joined to the keep before it by the rows themselves, not only by their count.
    expect(plan).toMatch(/-- and before it, in that transaction: the rows its WHERE picks must still be, value by value, those kept in '[^']*raw_ebird\.observations\.2026-04-18_2026-04-20\.\d{8}T\d{6}Z\.parquet'/);
    expect(checkout.calls(), 'nothing runs before approval').toEqual([]);

    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/someone other than the person who requested it/);
    expect(await rawPerDay()).toEqual(before);

    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();

    const incidentBackups = path.join(checkout.stateDir, 'backups', fs.readdirSync(path.join(checkout.stateDir, 'backups'))[0]!);
    // Named by the time it was kept, so a second try of the same window in the same incident keeps its own.
    const parquet = path.join(incidentBackups, fs.readdirSync(incidentBackups).find((name) => /^raw_ebird\.observations\.2026-04-18_2026-04-20\.\d{8}T\d{6}Z\.parquet$/.test(name))!);
    const kept = (await query<[string]>(`SELECT id FROM read_parquet('${parquet}') ORDER BY id`)).map((r) => String(r[0]));
    expect(kept).toEqual(idsInWindow);

    const after = await rawPerDay();
    for (const [day, count] of Object.entries(before)) {
      if (day < '2026-04-18' || day > '2026-04-20') expect(after[day], day).toBe(count);
      else expect(after[day], day).toBe('5000');
    }

    const calls = checkout.calls();
    expect(calls.map((c) => c.command), 'no CLI runs the checks: `dagster asset-check execute` does not exist').toEqual([reloadCommand, restateCommand]);
    expect(calls[0]?.env).toMatchObject({ DATABOX_BACKFILL_START: '2026-04-18', DATABOX_BACKFILL_END: '2026-04-20' });
    expect(calls[0]?.cwd).toBe(checkout.root);
    expect(calls[1]?.cwd).toBe(checkout.path('transforms', 'main'));
    expect(calls[0]?.env).not.toHaveProperty('SLACK_SIGNING_SECRET');

    // The validation's one message, as it ended: its per-day table among its steps.
    const validation = slack.messages().find((m) => m.text.startsWith('Validation succeeded'))?.blocks;
    expect(validation).toMatch(/2026-04-18\s+0\s+5000\s+normal/);
    expect(validation).toMatch(/2026-04-20\s+40000\s+5000\s+normal/);
    expect(validation).toContain(`all 2 asset checks passed (run ${checksRunId}, SUCCESS)`);
    expect(slack.allText()).toContain('Validation passed');

    // The postmortem's Validation section says the counts too, before and after, not its timeline alone.
    const checked = section(postmortemOf(incidentOf()), 'Validation');
    expect(checked).toMatch(/- \*\*Rows per day in the restated window, beside the diagnosis' counts\*\* \(ok\): all 3 days normal in ebird\.fct_daily_bird_observations/);
    expect(checked).toMatch(/day +before +rows +verdict/);
    expect(checked).toMatch(/2026-04-18\s+0\s+5000\s+normal/);
    expect(checked).toMatch(/2026-04-20\s+40000\s+5000\s+normal/);
    expect(checked).toContain(`all 2 asset checks passed (run ${checksRunId}, SUCCESS)`);
  });

  it("fails the validation naming the Soda contract that failed in the checks' run, though the run ended SUCCESS", async () => {
    const launches = playChecks({ results: { 'sqlmesh/ebird/fct_daily_bird_observations: soda_contract': { status: 'FAILED', description: 'row_count for 2026-04-19 is 0' } } });
    await recover();
    const failure = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Validation failed'))?.blocks);
    expect(failure).toContain('1 of 2 asset checks failed: sqlmesh/ebird/fct_daily_bird_observations: soda_contract (row_count for 2026-04-19 is 0); 1 passed');
    expect(slack.allText()).not.toContain('Validation passed');
    // Only the restated models' checks, nothing materialized.
    expect((launches[0] as any).executionParams.selector).toMatchObject({ jobName: '__ASSET_JOB', assetSelection: [] });
    expect((launches[0] as any).executionParams.selector.assetCheckSelection.map((c: any) => c.assetKey.path.join('/'))).toEqual([
      'sqlmesh/analytics/fct_species_environment_daily',
      'sqlmesh/ebird/fct_daily_bird_observations',
    ]);
  });

  it('fails the validation naming the raw days when the reload exited 0 and loaded nothing', async () => {
    checkout.behave({
      [reloadCommand]: { stdout: 'dlt: loaded raw_ebird (0 rows)\n' },
      [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
    });
    await diagnoseAndPropose();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const validation = slack.messages().find((m) => m.text.startsWith('Validation failed'))?.blocks ?? '';
    // The raw table itself, beside the mart: its days in the window are empty now, said as such.
    expect(validation).toContain('Raw rows per day in the window');
    expect(validation).toMatch(/2026-04-19\s+\d+\s+0\s+zero/);
    // The failure's own post says it too, not only the first check that failed (the mart's).
    const failure = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Validation failed'))?.blocks);
    expect(failure).toMatch(/\*Also failed:\*\\n• Raw rows per day in the window[^\\]*: [^\\]*2026-04-19 zero \(0\)/);
  });

  it('fails the validation when the reload wiped the days before the window (a replace load): not "no baseline" to accept', async () => {
    // dlt with write_disposition="replace": the window is loaded again, and every earlier row is gone with it.
    checkout.behave({
      [reloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: ['DELETE FROM raw_ebird.observations WHERE observation_date < CAST($1 AS DATE) AND $2 IS NOT NULL', reloadRawSql('raw_ebird.observations', 5_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
      [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
    });
    await recover();
    const validation = slack.messages().find((m) => m.text.startsWith('Validation failed'))?.blocks ?? '';
    expect(validation).toMatch(/14 days before the window that had rows in raw_ebird\.observations when the diagnosis counted them have none now \(2026-04-04 … 2026-04-17\): rows outside the window are gone/);
    expect(slack.allText()).not.toContain('Validation passed');
  });

  it('fails the validation when the reload wiped some of the days before the window, naming them', async () => {
    checkout.behave({
      [reloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: ["DELETE FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-05' AND DATE '2026-04-07' AND $1 IS NOT NULL AND $2 IS NOT NULL", reloadRawSql('raw_ebird.observations', 5_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
      [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
    });
    await recover();
    const validation = slack.messages().find((m) => m.text.startsWith('Validation failed'))?.blocks ?? '';
    expect(validation).toContain('3 days before the window that had rows in raw_ebird.observations when the diagnosis counted them have none now (2026-04-05, 2026-04-06, 2026-04-07): rows outside the window are gone');
  });

  it('fails the validation when the reload loaded the window twice: counts in range, keys repeated', async () => {
    const loadAgain = 'INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)';
    checkout.behave({
      [reloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 5_000), loadAgain], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
      [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
    });
    await recover();
    const validation = slack.messages().find((m) => m.text.startsWith('Validation failed'))?.blocks ?? '';
    expect(validation).toMatch(/2026-04-19 duplicates \(10000 rows, (about )?5000 repeat a key of the day\)/);
    expect(slack.allText()).not.toContain('Validation passed');
  });

  it('says in the postmortem that a recovery of part of the bad window left the rest, though its validation passed', async () => {
    const restateTwoDays = restateCommand.replace('--end 2026-04-20', '--end 2026-04-19');
    checkout.behave({ [restateTwoDays]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] } });
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    await harness.command(`recover backfill path=a source=ebird from=2026-04-18 to=2026-04-19 incident=${incident}`, operator);
    await harness.settle();
    // Its approver is told before approving, not only the postmortem after.
    const plan = slack.messages().find((m) => m.text.startsWith('Plan Path A'))?.blocks ?? '';
    expect(plan).toMatch(/this plan is for from=2026-04-18 to=2026-04-19, which leaves out bad day 2026-04-20: this plan does not recover it \(propose another plan for it once this one has run\)/);
    // The restate replaces the marts' rows, which SQLMesh cannot undo: destructive, as the DELETE is, so a teammate approves.
    expect(plan).toContain(':warning: *DESTRUCTIVE* *7. Restate the affected SQLMesh models for the window only*');
    expect(plan).toContain('2 destructive · It has destructive steps: someone other than the requester must approve it.');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation passed');
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, incidentId: incident, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root });
    expect(markdown).toMatch(/recovered by Path A: [^\n]*; validation passed at \d\d:\d\d:\d\d, for the window it was given only; the diagnosis also found bad day 2026-04-20 outside it/);
  }, 120_000);

  it('does not call an incident recovered by a recovery of another source than it diagnosed, in its postmortem, its first message or the status', async () => {
    const noaaRestate =
      'uv run sqlmesh plan prod --start 2026-04-10 --end 2026-04-10 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_noaa.daily_weather', 'noaa.fct_daily_weather'), params: ['arg:--start', 'arg:--end'] } });
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    // noaa's mart-only day, recovered in ebird's incident: warned of, approved all the same.
    await harness.command(`recover backfill path=b source=noaa from=2026-04-10 to=2026-04-10 incident=${incident}`, operator);
    await harness.settle();
    expect(message('Plan Path B')).toContain('The diagnosis looked at source=ebird; this plan is for source=noaa, which it did not look at.');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation passed');
    const postmortem = await writePostmortem({ incidentId: incident, stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root });
    expect(postmortem.markdown).toMatch(/\| Outcome \| not recovered: the diagnosis was of source=ebird; Path B: [^|]* ran for source=noaa instead, and its validation passed at \d\d:\d\d:\d\d \|/);
    expect(postmortem.markdown).not.toMatch(/Time to recover:\*\* \d/);
    // The incident's first message and the status say so too, never "validation succeeded".
    const notRecovered = /not recovered: the diagnosis was of source=ebird; Path B: [^\n]* ran for source=noaa instead, and its validation passed/;
    const root = slack.messages().find((m) => !m.threadTs && m.blocks.includes(incident))?.blocks ?? '';
    expect(root).toMatch(new RegExp(`Status: ${notRecovered.source}`));
    expect(root).not.toContain('validation succeeded');
    const status = await harness.command('status', operator);
    expect(status.text).toMatch(new RegExp(`\`${incident}\`[^\n]*; now: ${notRecovered.source} \\(${incident}/3\\)`));
    // And the terminal's status, read from the same journal.
    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' });
    const typed = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(typed.stdout).toMatch(new RegExp(`${incident} [^\n]*; now: ${notRecovered.source} \\(${incident}/3\\)`));
    expect(typed.stdout).not.toContain('validation succeeded');
  });

  it('restates a window bad in the mart only without touching a raw row (path B), its mart rows kept first, validates, and its rollback puts them back', async () => {
    const noaaRestate =
      'uv run sqlmesh plan prod --start 2026-04-09 --end 2026-04-11 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_noaa.daily_weather', 'noaa.fct_daily_weather'), params: ['arg:--start', 'arg:--end'] } });
    const rawBefore = await keepRows('raw_noaa.daily_weather');
    const martWindow = `SELECT * FROM noaa.fct_daily_weather WHERE day_date BETWEEN DATE '2026-04-09' AND DATE '2026-04-11' ORDER BY id`;
    const martWindowBefore = await query(martWindow);
    const combinedWindowBefore = await query(`SELECT * FROM analytics.fct_species_environment_daily WHERE day_date BETWEEN DATE '2026-04-09' AND DATE '2026-04-11' ORDER BY ALL`);
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const prefilled = prefilledValues(modal);
    expect(prefilled).toEqual({ source: 'noaa', from: '2026-04-10', to: '2026-04-10' });
    // The form says, before anyone asks for it, what is kept, and that its rollback puts it back.
    expect(JSON.stringify(modal)).toContain(
      "SQLMesh cannot undo a restate, so the window's rows of each mart it restates (the source's and the combined one) are kept in Parquet files first, and its rollback puts them back.",
    );
    // A day either side of the bad one: the kept file then holds rows (the bad day's mart has none).
    await harness.submitModal(operator, modal, { ...prefilled, from: '2026-04-09', to: '2026-04-11' });
    await harness.settle();
    const plan = message('Plan Path B');
    expect(plan).not.toContain('DELETE');
    expect(plan, 'the window is inside the one the diagnosis looked at').not.toContain('did not look at');
    expect(plan).toContain(`Preview: Mart rows the restate will replace: ${martWindowBefore.length}*`);
    // The restate is destructive: the one who asked may not approve it alone. Its rollback puts the kept rows back.
    expect(plan).not.toContain('This path has no rollback');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/must be approved by someone other than the person who requested it/);
    expect(checkout.calls()).toEqual([]);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([noaaRestate]);
    expect(await rowsChangedSince('raw_noaa.daily_weather', rawBefore)).toEqual([]);
    const martDay = await query<[string]>(`SELECT count(*) FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-10'`);
    const rawDay = await query<[string]>(`SELECT count(*) FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-10'`);
    expect(martDay[0]?.[0]).toBe(rawDay[0]?.[0]);
    expect(slack.allText()).toContain('Validation passed');

    // The mart's rows of the window as they were before the restate replaced them, kept where path A keeps raw rows.
    const incidentBackups = path.join(checkout.stateDir, 'backups', fs.readdirSync(path.join(checkout.stateDir, 'backups'))[0]!);
    const kept = fs.readdirSync(incidentBackups).sort();
    // Both models the restate names: the source's mart, and the combined one it replaces too.
    expect(kept).toEqual([
      expect.stringMatching(/^analytics\.fct_species_environment_daily\.2026-04-09_2026-04-11\.\d{8}T\d{6}Z\.parquet$/),
      expect.stringMatching(/^noaa\.fct_daily_weather\.2026-04-09_2026-04-11\.\d{8}T\d{6}Z\.parquet$/),
    ]);
    expect(martWindowBefore.length).toBeGreaterThan(0);
    expect(await query(`SELECT * FROM read_parquet('${path.join(incidentBackups, kept[1]!)}') ORDER BY id`)).toEqual(martWindowBefore);
    expect(await query(`SELECT * FROM read_parquet('${path.join(incidentBackups, kept[0]!)}') ORDER BY ALL`)).toEqual(combinedWindowBefore);
    expect(combinedWindowBefore.length).toBeGreaterThan(0);

    // The postmortem names what was kept, and where, beside its "Rollbacks: none": removing those files is a decision.
    const recoveryRun = String(journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId);
    const markdown = postmortemOf(incidentOf());
    const [combinedFile, martFile] = kept.map((name) => path.join(incidentBackups, name));
    expect(markdown).toContain('| Rollbacks | none |');
    expect(markdown).toContain(`| Kept on disk | \`${martFile}\`, \`${combinedFile}\` (see *Kept on disk*) |`);
    const keptOnDisk = section(markdown, 'Kept on disk');
    expect(keptOnDisk).toContain(
      `- \`${martFile}\`: ${martWindowBefore.length} rows of noaa.fct_daily_weather kept by Path B: Restate the window only (no raw rows touched) (\`${recoveryRun}\`), step 2 "Keep the mart's rows of the window, which the restate replaces (SQLMesh keeps no copy)"`,
    );
    expect(keptOnDisk).toContain(`- \`${combinedFile}\`: ${combinedWindowBefore.length} rows of analytics.fct_species_environment_daily kept by Path B`);

    // Its rollback puts the marts' kept rows back (SQLMesh cannot undo a restate): counted before anyone approves it,
    // a teammate approves it, and the window of each mart is again what it was before the restate; no raw row touched.
    expect(slack.buttons('request_rollback').map((b) => JSON.parse(b.value))).toContainEqual({ run: recoveryRun });
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollback = message('Plan Rollback of path B');
    expect(rollback).toContain(`Preview: Mart rows put back (the rows path B kept): ${martWindowBefore.length}*`);
    expect(rollback).toContain(`Preview: Combined mart rows put back (the rows path B kept): ${combinedWindowBefore.length}*`);
    expect(rollback).toContain("Put the mart's rows of the window back as path B kept them");
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await query(martWindow)).toEqual(martWindowBefore);
    expect(await query(`SELECT * FROM analytics.fct_species_environment_daily WHERE day_date BETWEEN DATE '2026-04-09' AND DATE '2026-04-11' ORDER BY ALL`)).toEqual(combinedWindowBefore);
    expect(await rowsChangedSince('raw_noaa.daily_weather', rawBefore)).toEqual([]);
    expect(checkout.calls().map((c) => c.command), 'the rollback restates nothing').toEqual([noaaRestate]);
  });

  it('says in the plan that the rows changed since the diagnosis when a load landed in between, and not when they did not', async () => {
    await diagnoseAndPropose();
    expect(message('Plan Path A')).not.toContain('The rows changed since the diagnosis');
    const incident = String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
    await harness.click(slack.buttons('reject_plan').at(-1)!, operator);
    await harness.settle();
    await landLateRows();
    await harness.command(`recover backfill path=a source=ebird from=2026-04-18 to=2026-04-20 incident=${incident}`, operator);
    await harness.settle();
    const plans = slack.messages().filter((m) => m.text.startsWith('Plan Path A') || m.blocks.includes('Plan Path A'));
    expect(plans.at(-1)?.blocks).toMatch(/The rows changed since the diagnosis: it counted 40500 rows of raw_ebird\.observations on 2026-04-18 … 2026-04-20, and this plan's \\"Raw rows the DELETE will remove\\" counts 40507 now \(a load landed meanwhile\?\)\. What the diagnosis judged bad may be whole now: diagnose again before approving\./);
  });

  it('stops before any delete when the rows kept differ from the preview', async () => {
    await harness.command('recover backfill path=a source=ebird from=2026-04-18 to=2026-04-20', operator);
    await harness.settle();
    // A load lands in the window between the plan and its approval.
    await landLateRows();
    const before = await rawPerDay();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toMatch(/kept \d+ rows where the preview counted \d+: the rows changed since the plan was made, so it stopped before anything is deleted .*Nothing in the database changed: diagnose again/);
    expect(await rawPerDay()).toEqual(before);
    expect(checkout.calls()).toEqual([]);
    // A count that moved changed no data: the run's end says so, and status lists no database left part-way.
    const failure = slack.messages().find((m) => m.text.startsWith('Recovery failed') && m.blocks.includes("every step is in the run's message above"))?.blocks ?? '';
    expect(failure).toContain('Nothing was changed: it stopped before any step that changes data did anything.');
    expect(failure).not.toContain('Changed before it stopped');
    const status = await harness.command('status', operator);
    expect(status.text).toContain('backfill');
    expect(status.text).not.toContain('Left part-way');
  });

  it('keeps as text the columns Parquet stores another way: said in the plan, and the rows kept exactly before the delete', async () => {
    // The tester's columns: counts past 2^53 (HUGEINT, which Parquet stores as DOUBLE) and local times with their offset.
    await writeRaw(
      `ALTER TABLE raw_ebird.observations ADD COLUMN big_count HUGEINT; ALTER TABLE raw_ebird.observations ADD COLUMN local_time TIMETZ;
       UPDATE raw_ebird.observations SET big_count = 12345678901234567000 + id % 2, local_time = TIMETZ '10:00:00+05:30' WHERE observation_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-20'`,
    );
    const kept = await query<[string, string, string]>(
      `SELECT CAST(id AS VARCHAR), CAST(big_count AS VARCHAR), CAST(local_time AS VARCHAR) FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-20' ORDER BY id`,
    );
    await diagnoseAndPropose();
    expect(message('Plan Path A')).toContain(
      'Parquet would not keep every value of raw_ebird.observations exactly: big_count (HUGEINT: stored as DOUBLE, exact only up to 2^53), local_time (TIME WITH TIME ZONE: stored in UTC, its offset lost).',
    );
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).not.toContain('does not hold the rows');
    // Kept exactly, then deleted and reloaded: the file holds every value as the table had it.
    expect(checkout.calls().length).toBeGreaterThan(0);
    const incidentBackups = path.join(checkout.stateDir, 'backups', fs.readdirSync(path.join(checkout.stateDir, 'backups'))[0]!);
    const files = fs.readdirSync(incidentBackups).filter((name) => name.startsWith('raw_ebird.'));
    expect(files).toEqual([expect.stringMatching(/^raw_ebird\.observations\.2026-04-18_2026-04-20\.\d{8}T\d{6}Z\.parquet$/)]);
    const file = path.join(incidentBackups, files[0]!).replace(/'/g, "''");
    expect(await query(`SELECT CAST(id AS VARCHAR), CAST(CAST(big_count AS HUGEINT) AS VARCHAR), CAST(CAST(local_time AS TIMETZ) AS VARCHAR) FROM read_parquet('${file}') ORDER BY id`)).toEqual(kept);
  });

  it('warns in the plan that today is still loading when the window takes it in, and not when it ends yesterday', async () => {
    await harness.command('recover backfill path=a source=ebird from=2026-04-24 to=2026-04-25', operator);
    await harness.settle();
    expect(message('Plan Path A')).toContain(
      'The window takes in today (2026-04-25, UTC), whose rows may still be loading: what this plan keeps, deletes, reloads or restates of today is what has landed so far, and a reload may find fewer rows than are there now. A window ending yesterday (to=2026-04-24) leaves today to its loads.',
    );
    await harness.click(slack.buttons('reject_plan').at(-1)!, operator);
    await harness.settle();
    await harness.command('recover backfill path=a source=ebird from=2026-04-23 to=2026-04-24', operator);
    await harness.settle();
    const plans = slack.messages().filter((m) => m.text.startsWith('Plan Path A') || m.blocks.includes('Plan Path A'));
    expect(plans.at(-1)?.blocks).toContain('2026-04-23');
    expect(plans.at(-1)?.blocks).not.toContain('The window takes in today');
  });

  it("shows a window longer than 31 days under the form's to= field, with the last day it may be", async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    const submitted = await harness.submitModal(operator, form, { ...prefilledValues(form), from: '2026-03-20', to: '2026-04-20' });
    expect(submitted.json?.response_action).toBe('errors');
    expect(Object.keys(submitted.json?.errors ?? {})).toEqual(['to']);
    expect(submitted.json?.errors.to).toMatch(/^the window 2026-03-20 … 2026-04-20 is 32 days long; at most 31 days at a time \(to=2026-04-19 at the latest for from=2026-03-20\)$/);
  });

  it("shows every field's error at once: a malformed from beside a cleared to", async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    const submitted = await harness.submitModal(operator, form, { ...prefilledValues(form), from: '30/09/2026', to: '' });
    expect(submitted.json?.response_action).toBe('errors');
    expect(Object.keys(submitted.json?.errors ?? {}).sort()).toEqual(['from', 'to']);
    expect(submitted.json?.errors.to).toMatch(/^to is empty: give one/);
    expect(submitted.json?.errors.from).toContain('30/09/2026');
  });

  it('rolls back a recovery whose reload failed by putting the raw rows back only: the restate never ran, so the marts are as they were', async () => {
    const before = await rawPerDay();
    // The reload lands 700 rows a day of the window, then fails.
    checkout.behave({ [reloadCommand]: { exit: 98, stderr: 'dlt: source ebird failed\n', sql: [reloadRawSql('raw_ebird.observations', 700)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] } });
    await recover();
    expect(checkout.calls().map((c) => c.command)).toEqual([reloadCommand]);
    // The failure says what it left: the window's rows kept, then deleted; not only where it stopped.
    const failure = slack.messages().find((m) => m.text.startsWith('Recovery failed') && m.blocks.includes('Changed before it stopped'))?.blocks ?? '';
    // Rows kept in files changed no data: the DELETE is the first change.
    expect(failure).toMatch(/Changed before it stopped\* \(still so now\):\\n• Drop the affected raw window so dlt reloads it: changed \d+ rows, as previewed; committed/);
    // Where the rows it deleted are now, under the DELETE: the plan said it, further up, but the failure is read first.
    const incidentBackups = path.join(checkout.stateDir, 'backups', incidentOf());
    const keptRaw = path.join(incidentBackups, fs.readdirSync(incidentBackups).find((name) => name.startsWith('raw_ebird.observations.'))!);
    expect(failure).toContain(`as previewed; committed; the rows it changed were kept first in ${keptRaw}\\n`);
    expect(failure).not.toContain('Named snapshot');
    // The reload it stopped at may have loaded part of the window: said too, not left to read as an empty window.
    expect(failure).toMatch(/• Rerun the dlt source for the window: exit 98; it stopped part-way, and may have changed part of what it changes: look at the data before acting on it/);
    const viewsBefore = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.callsTo('views.open'), 'no form: nothing to ask').toHaveLength(viewsBefore);
    const plan = message('Plan Rollback');
    expect(plan).toContain('Put the window\'s raw rows back as they were kept');
    expect(plan).not.toContain('Restate the marts for the window again');
    // Nor does it count mart rows it will not replace: those previews go with the steps they are for.
    expect(plan).toContain('Preview: Raw rows put back (the rows the recovery kept)');
    expect(plan).not.toMatch(/Mart rows of the window now|Combined mart rows of the window now/);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data.run.previews.map((p: any) => p.id)).toEqual(['window_rows', 'rows_put_back', 'rows_day_before_now', 'rows_day_after_now']);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([reloadCommand]);
    expect(await rawPerDay()).toEqual(before);
    expect(slack.allText()).toContain('Rollback passed');
    // The postmortem's Recovery section says how many rows the reload had landed before it failed, as its rollback counted.
    const incident = incidentOf();
    expect(section(postmortemOf(incident), 'Recovery')).toMatch(
      new RegExp(`- Landed before it stopped: \\*\\*2100\\*\\* rows, by Rerun the dlt source for the window \\(or a load meanwhile\\), counted in what Drop the affected raw window so dlt reloads it had emptied when its rollback was proposed at \\d\\d:\\d\\d:\\d\\d \\(\`${incident}/3\`: Raw rows in the window now`),
    );
  });

  it('refuses a rollback that would repeat a key a later load moved out of the window: warned of at its plan\'s top, nothing changed, and what to do next', async () => {
    const before = await rawPerDay();
    const kept = await windowIds();
    await recover();
    const recovery = String(journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId);
    // Upstream corrected a day: a load dates the row of the smallest kept id 2026-04-10, outside the window.
    const moved = kept[0]!;
    await writeRaw(`INSERT INTO raw_ebird.observations VALUES (${moved}, DATE '2026-04-10', 'species_1', 1)`);
    const reloaded = await rawPerDay();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Said first, before anyone approves it: the step will refuse, and what to do about it.
    const clash = `1 row of raw_ebird.observations outside the window holds the key (id) of a kept row, and this rollback does not delete it: id ${moved} (observation_date 2026-04-10)`;
    expect(message('Plan Rollback').replace(/\\"/g, '"')).toContain(`:warning: *"Put the window's raw rows back as they were kept (the rows there now are kept aside first)" will refuse, changing nothing, as the database is now: ${clash}. Put back, the kept rows would repeat that key: delete that row`);
    const callsBefore = checkout.calls().length;
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();

    const failure = slack.messages().find((m) => m.text.startsWith('Rollback failed') && m.blocks.includes("every step is in the run's message above"))?.blocks ?? '';
    expect(failure).toContain(`${clash}. Put back, the kept rows would repeat that key, so nothing was changed.`);
    expect(failure).toContain('Nothing was changed: it stopped before any step that changes data did anything.');
    expect(await rawPerDay()).toEqual(reloaded);
    expect((await query(`SELECT count(*) FROM raw_ebird.observations WHERE id = ${moved}`))[0]?.[0]).toBe('1');
    expect(checkout.calls(), 'nor were the marts restated').toHaveLength(callsBefore);
    // The thread says what the rollback left and how to ask for it again.
    const next = slack.posted('Next: ');
    expect(next).toContain(
      `Next: The rollback of ${recovery} did not finish: it stopped at "Put the window's raw rows back as they were kept (the rows there now are kept aside first)", so the incident is not back as its diagnosis found it. It changed nothing: the database is as the recovery left it. Not run: Restate the marts for the window again`,
    );
    expect(next).toContain(`then the *Roll back…* button under the recovery asks for the rollback again, its plan made on the database as it is then (at a terminal: \`npm run --silent cli -- rollback ${recovery}\`).`);

    // As it says: that row deleted, the button asks again, and the window goes back as it was kept.
    await writeRaw(`DELETE FROM raw_ebird.observations WHERE id = ${moved} AND observation_date = DATE '2026-04-10'`);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(await rawPerDay()).toEqual(before);
  });

  it("says a plan voided by path B's restate was voided by a change to the marts, not to the whole database: its message, the incident's status and a click on it", async () => {
    const noaaRestate =
      'uv run sqlmesh plan prod --start 2026-04-09 --end 2026-04-11 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_noaa.daily_weather', 'noaa.fct_daily_weather'), params: ['arg:--start', 'arg:--end'] } });
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const incident = incidentOf();
    await harness.command(`recover backfill path=b source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}`, operator);
    await harness.settle();
    const restate = slack.buttons('approve_plan').at(-1)!;
    // Another window of the same source, asked for in an incident of its own, waits beside it.
    await harness.command('recover backfill path=b source=noaa from=2026-04-13 to=2026-04-13', 'U0OTHER');
    await harness.settle();
    const voided = slack.buttons('approve_plan').at(-1)!;
    expect(voided.value).not.toBe(restate.value);
    await harness.click(restate, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([noaaRestate]);
    const restateRun = JSON.parse(restate.value).run as string;
    const voidedRun = JSON.parse(voided.value).run as string;
    // The restate wrote the marts of its window and no raw row: said so, not that the whole file changed.
    const voidedNow = () => slack.messages().find((m) => m.ts === voided.ts)?.blocks ?? '';
    await slack.waitFor('the waiting plan to say it can no longer be approved', () => voidedNow().includes('No longer approvable'), 60_000);
    expect(voidedNow()).toContain(`No longer approvable: databox.duckdb's marts changed since this plan was made (plan ${restateRun}, `);
    const root = () => slack.messages().find((m) => !m.threadTs && m.blocks.includes(`\`${voidedRun.split('/')[0]}\``))?.blocks ?? '';
    await slack.waitFor("the incident's first message to say so", () => root().includes('no longer approvable'), 60_000);
    expect(root()).toContain(`plan ${voidedRun} no longer approvable (plan ${restateRun} changed its marts since)`);
    await harness.click(voided, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toContain(`databox.duckdb's marts changed since this plan was made: plan ${restateRun} (Path B: Restate the window only (no raw rows touched)) ran at`);
  });

  it('says what is left when path B restated the window and its validation still finds it bad: its rollback, and the way on', async () => {
    const noaaRestate =
      'uv run sqlmesh plan prod --start 2026-04-09 --end 2026-04-11 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';
    // The restate exits 0 and the models still drop the day.
    checkout.behave({ [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n' } });
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const incident = incidentOf();
    await harness.command(`recover backfill path=b source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([noaaRestate]);
    expect(slack.posted('Validation failed')).toContain('1 of 3 days looks wrong in noaa.fct_daily_weather (2026-04-09 … 2026-04-11, baseline median 4841.5/day): 2026-04-10 zero (0)');
    const recoveryRun = String(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery').at(-1)?.data.runId);
    expect(slack.buttons('request_rollback').map((b) => JSON.parse(b.value))).toEqual([{ run: recoveryRun }]);
    const next = slack.posted('Next: ');
    expect(next).toContain('Next: The restate ran, and the validation still finds the window bad');
    expect(next).toContain(`Its rollback (offered below) puts the marts' rows of the window back as this plan kept them in ${checkout.stateDir}/backups/${incident}/ before the restate`);
    // The same advice goes to a terminal, which has no button: the offer below it there is the rollback command.
    expect(next).not.toMatch(/\bbutton\b/);
    expect(next).toContain(`\`/databox diagnose backfill source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}\`), whose verdict offers path B again`);
  });

  it('rolls back: puts the window\'s raw rows back exactly as they were, then restates the marts for the window from them', async () => {
    const idsInWindow = await windowIds();
    const before = await rawPerDay();
    const martBefore = await martPerDay();
    await recover();
    const reloaded = await rawPerDay();
    expect(reloaded, 'the reload changed the window').not.toEqual(before);
    expect(await martPerDay(), 'the restate changed the marts').not.toEqual(martBefore);
    const callsBefore = checkout.calls().length;
    const viewsBefore = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // It takes no parameter (SQLMesh has no earlier plan to restore): no form, and nothing run to fill one in.
    expect(slack.callsTo('views.open')).toHaveLength(viewsBefore);
    expect(checkout.calls()).toHaveLength(callsBefore);
    const plan = message('Plan Rollback');
    // What the rollback deletes (after keeping it) is counted before anyone approves it.
    const windowNow = ['2026-04-18', '2026-04-19', '2026-04-20'].reduce((sum, day) => sum + Number(reloaded[day] ?? 0), 0);
    expect(plan).toContain(`Raw rows in the window now, kept aside and then replaced by the rows the recovery kept: ${windowNow}`);
    expect(plan).toContain('INSERT INTO \\"raw_ebird\\".\\"observations\\" BY NAME');
    expect(plan).toContain('Restate the marts for the window again, from the raw rows just put back (so they are again what those rows give; their rows from before the recovery stay in the Parquet files it kept)');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();

    // The rows first, then the restate from them: the same command as the recovery's, in the same directory.
    const ran = checkout.calls().slice(callsBefore);
    expect(ran.map((c) => c.command)).toEqual([restateCommand]);
    expect(ran[0]?.args).toEqual(restateCommand.split(' ').slice(1));
    expect(ran[0]?.cwd).toBe(checkout.path('transforms', 'main'));
    const present = new Set((await query<[string]>(`SELECT id FROM raw_ebird.observations`)).map((r) => String(r[0])));
    expect(idsInWindow.every((id) => present.has(id))).toBe(true);
    // Not the reload's rows beside the kept ones: every day of the window as it was before the recovery, and the marts
    // again what those rows give (the bad days bad again, as they were).
    expect(await rawPerDay()).toEqual(before);
    expect(await martPerDay()).toEqual(martBefore);
    expect(slack.allText()).toMatch(/put the window of raw_ebird\.observations back as it was kept: its \d+ rows of the moment are kept in \S+before-rollback-\d{8}T\d{6}Z\.parquet, and the \d+ kept rows replace them/);
    const aside = (await query<[string]>(`SELECT count(*) FROM read_parquet('${checkout.stateDir}/backups/*/raw_ebird.observations.2026-04-18_2026-04-20.before-rollback-*.parquet')`))[0]?.[0];
    const inWindow = (perDay: Record<string, unknown>) => ['2026-04-18', '2026-04-19', '2026-04-20'].reduce((sum, day) => sum + Number(perDay[day] ?? 0), 0);
    expect(Number(aside), 'the reload\'s rows were kept before they were replaced').toBe(inWindow(reloaded));
    expect(slack.allText()).toContain('Rollback passed');
  });

  it("names in the postmortem's Kept on disk the window's rows a failed rollback kept aside before its put-back failed", async () => {
    await recover();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // A column dropped since: the window's rows are kept aside, then the kept rows (which have it) do not go back in.
    await writeRaw('ALTER TABLE raw_ebird.observations DROP COLUMN how_many');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('did not finish');
    const [written] = fs.readdirSync(path.join(checkout.stateDir, 'backups', incidentOf())).filter((name) => name.includes('before-rollback'));
    expect(written, 'the rollback kept the window before it failed').toBeDefined();
    const kept = section(postmortemOf(incidentOf()), 'Kept on disk');
    expect(kept).toContain(`${written}\`: rows of raw_ebird.observations kept aside by Rollback of path A`);
    expect(kept).toMatch(/which then ended failed/);
  }, 120_000);

  it('says in the rollback\'s plan how many rows of the window the recovery wrote and how many a load wrote since, and after it where they are kept', async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await acceptPathForm(harness, slack, 'a', operator);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const recoveryRun = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId as string;
    const validation = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')?.data.runId as string;
    // The nightly load lands 300 rows on a day of the window after the recovery.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run(`INSERT INTO raw_ebird.observations SELECT 90000000 + range, DATE '2026-04-19', 'late_species', 1 FROM range(300)`);
    connection.closeSync();
    instance.closeSync();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = message('Plan Rollback of path A');
    // Before: only "Raw rows in the window now, kept aside and then replaced by the rows the recovery kept: 15300".
    const said = new RegExp(
      `The window of raw_ebird\\.observations holds 15300 rows now: 15000 when validation ${validation} counted them after ${recoveryRun} \\(what it wrote\\), and 300 written since: they leave raw_ebird\\.observations with this rollback, kept in (\\S+\\.before-rollback-\\S+\\.parquet)\\.`,
    );
    expect(plan).toMatch(said);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const keptIn = path.basename(said.exec(plan)![1]!);
    const next = slack.callsTo('chat.postMessage').map((p) => String(p.text)).find((text) => text.startsWith('Next: Rolled back'));
    expect(next).toMatch(new RegExp(`What it replaced is kept, not undone: the 15300 rows the window of raw_ebird\\.observations held \\(what the recovery wrote, and any written since\\), in \\S+${keptIn.replace(/[.]/g, '\\.')}`));
  });
});
