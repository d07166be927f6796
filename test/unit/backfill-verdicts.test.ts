// Scenario 2's verdicts over counts a tester's own files gave: the bundled backfill.yml on the engine, no Slack.
import { afterEach, describe, expect, it } from 'vitest';
import { ebirdReloadAndRestate, ebirdReloadCommand, reloadRawSql, restateMartSql } from '../helpers/backfill-data.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { diagnoseBackfill } from '../helpers/backfill-diagnosed.js';
import { Checkout } from '../helpers/databox-checkout.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** A checkout whose database holds 1,000 rows a day per source up to 2026-04-24, changed by `sql`; today is 2026-04-25. */
async function diagnosed(params: Record<string, string>, sql: string, checkout = new Checkout()) {
  checkouts.push(checkout);
  return diagnoseBackfill(checkout, params, sql);
}

const diagnose = async (params: Record<string, string>, sql: string) => (await diagnosed(params, sql)).incident.diagnosis;

/** SQL deleting noaa's raw rows from March on: the window and all around it emptied, the table itself not (see raw-emptied). */
const emptiedFromMarch = "DELETE FROM raw_noaa.daily_weather WHERE observation_date >= DATE '2026-03-01'";

describe('scenario 2 verdicts', () => {
  it('offers path A for a raw window emptied under a full mart: the raw rows were removed, not days the source never had', async () => {
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, emptiedFromMarch);
    // Before: "No data for this source in the window — not a bad window", and no recovery.
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', severity: 'critical', paths: ['a'], suggested: { source: 'noaa', from: '2026-04-10', to: '2026-04-20' } });
    expect(diagnosis?.advice).toMatch(/; yet noaa\.fct_daily_weather, built from it, has \d+ rows on 11 days of the window \(2026-04-10 … 2026-04-20\): the rows raw_noaa\.daily_weather had on them were removed; raw_noaa\.daily_weather also has no rows on 2026-03-27 … 2026-04-09, 2026-04-21 … 2026-04-24, before and after the window/);
    expect(diagnosis?.advice).toContain('it keeps and deletes the raw rows still in the window (none where it has none: its preview then says 0), reloads the source for the window');
  });

  it('offers path A for raw days emptied inside a window that has rows, the mart still having them: removed, not a mart not rebuilt yet', async () => {
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-14' AND DATE '2026-04-15'");
    // Before: "Bad days in the raw table, not (yet) in the mart" (a warning): "The mart may not have been rebuilt yet".
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', severity: 'critical', paths: ['a'], suggested: { source: 'noaa', from: '2026-04-14', to: '2026-04-15' } });
    expect(diagnosis?.title).toBe('The raw table lacks rows the mart has — the raw rows were removed');
    expect(diagnosis?.advice).toMatch(/^no rows in raw_noaa\.daily_weather on 2 of the 11 days of 2026-04-10 … 2026-04-20 \(2026-04-14 … 2026-04-15\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on those days: the rows raw_noaa\.daily_weather had on them were removed\. /);
    expect(diagnosis?.advice).toContain('Reload the window 2026-04-14 … 2026-04-15 (path A)');
  });

  it('offers path A for raw days with part of their rows left under a mart that has them all: partly removed, not a mart not rebuilt yet', async () => {
    const partly = "DELETE FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-18' AND id % 10 <> 0; DELETE FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-20' AND id % 2 = 0";
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, partly);
    // Before: "Bad days in the raw table, not (yet) in the mart" (a warning): "The mart may not have been rebuilt yet",
    // of a mart holding the rows the raw table lost.
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', severity: 'critical', paths: ['a'], suggested: { source: 'ebird', from: '2026-04-18', to: '2026-04-20' } });
    expect(diagnosis?.advice).toMatch(
      /^raw_ebird\.observations has only part of its usual rows on 2026-04-18 \(\d+ rows, low\), 2026-04-20 \(\d+ rows, short\), while ebird\.fct_daily_bird_observations, built from it, has its usual rows there \(2026-04-18: \d+ rows, 2026-04-20: \d+ rows\): the rows raw_ebird\.observations lacks there were removed\. /,
    );
    expect(diagnosis?.advice).not.toContain('may not have been rebuilt');
    // A mart short on the same day is a load that failed part-way, built as it was: no rows removed.
    const both = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, `${partly}; DELETE FROM ebird.fct_daily_bird_observations WHERE day_date = DATE '2026-04-18' AND id % 10 <> 0`);
    expect(both).toMatchObject({ verdict: 'raw-rows-removed', suggested: { from: '2026-04-18', to: '2026-04-20' } });
    expect(both?.advice).toMatch(/has only part of its usual rows on 2026-04-20 \(\d+ rows, short\), while/);
    expect(both?.advice).not.toMatch(/only part of its usual rows on 2026-04-18/);
  });

  it('says an outage in that window (no rows in the mart either) apart from the removed days, which alone the source is said to have had', async () => {
    const diagnosis = await diagnose(
      { source: 'noaa', from: '2026-04-13', to: '2026-04-20' },
      "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-15' AND DATE '2026-04-16'; DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-18'; DELETE FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-18'",
    );
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', suggested: { source: 'noaa', from: '2026-04-15', to: '2026-04-18' } });
    // Before: "1 other day looks wrong in raw_noaa.daily_weather (…): 2026-04-18 zero (0). The source had these days
    // (the mart was built from their rows)", of a day the mart has no rows on either.
    expect(diagnosis?.advice).toContain(
      'were removed; 1 other day has no rows in noaa.fct_daily_weather either (2026-04-18): empty in both tables, an outage or a failed load, not rows removed; reloaded with the others. The source had the raw rows the mart holds on those days (the mart was built from them), so those are not days it never had',
    );
    expect(diagnosis?.advice).not.toContain('looks wrong');
  });

  it('says raw rows removed just before the window too, with the command that takes them in, and proposes only days of the window typed', async () => {
    const removed = "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-11' AND DATE '2026-04-14'";
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-13', to: '2026-04-19' }, removed);
    // Before: only 2026-04-13 … 2026-04-14 named; a recovery of them left 04-11 and 04-12 with no raw rows.
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', suggested: { source: 'noaa', from: '2026-04-13', to: '2026-04-14' } });
    expect(diagnosis?.advice).toContain(
      '; raw_noaa.daily_weather also has no rows on 2026-04-11 … 2026-04-12, just before the window, which noaa.fct_daily_weather has: the rows were removed there too; diagnose a window that takes them in: `/databox diagnose backfill source=noaa from=2026-04-11 to=2026-04-19`.',
    );
    // A window typed after them all is no bad window, but says them all the same (before: "No bad window" alone).
    const after = await diagnose({ source: 'noaa', from: '2026-04-15', to: '2026-04-19' }, removed);
    expect(after).toMatchObject({ verdict: 'healthy', paths: [] });
    expect(after?.advice).toMatch(
      /\. Outside the window: raw_noaa\.daily_weather also has no rows on 2026-04-11 … 2026-04-14, just before the window, which noaa\.fct_daily_weather has: the rows were removed there too; diagnose a window that takes them in: `\/databox diagnose backfill source=noaa from=2026-04-11 to=2026-04-19`\.$/,
    );
    // Just after a window typed before them: the window taken in reaches to them.
    const before = await diagnose({ source: 'noaa', from: '2026-04-05', to: '2026-04-10' }, removed);
    expect(before?.advice).toContain('also has no rows on 2026-04-11 … 2026-04-14, just after the window, which noaa.fct_daily_weather has: the rows were removed there too; diagnose a window that takes them in: `/databox diagnose backfill source=noaa from=2026-04-05 to=2026-04-14`');
  });

  it('says raw days partly removed just outside the window as evidence, with the command that takes them in, and proposes nothing more', async () => {
    const partly = "DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-11' AND id % 2 = 0; DELETE FROM raw_noaa.daily_weather WHERE observation_date = DATE '2026-04-12' AND id % 10 <> 0";
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-05', to: '2026-04-10' }, partly);
    // Before: "No bad window" alone; a recovery after it would have left those days part empty.
    expect(diagnosis).toMatchObject({ verdict: 'healthy', paths: [] });
    expect(diagnosis?.advice).toMatch(
      /Outside the window: raw_noaa\.daily_weather has only part of its usual rows on 2026-04-11 \(\d+ rows, short\), 2026-04-12 \(\d+ rows, low\), just after the window, while noaa\.fct_daily_weather, built from it, has its usual rows there \(2026-04-11: \d+ rows, 2026-04-12: \d+ rows\): the rows were removed there too, and a recovery of the window leaves them so; diagnose a window that takes them in: `\/databox diagnose backfill source=noaa from=2026-04-05 to=2026-04-12`\.$/,
    );
    // The mart short there too is a load that failed part-way, built as it was: no rows removed, nothing said of it here.
    const both = await diagnose({ source: 'noaa', from: '2026-04-05', to: '2026-04-10' }, `${partly}; DELETE FROM noaa.fct_daily_weather WHERE day_date = DATE '2026-04-11' AND id % 2 = 0`);
    expect(both?.advice).toMatch(/only part of its usual rows on 2026-04-12 \(\d+ rows, low\), after the window, while/);
  });

  it('path A over that window keeps and deletes nothing, and reloads it', async () => {
    withStandinPath();
    const checkout = new Checkout();
    const reload = 'uv run dagster asset materialize --select noaa_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
    checkout.behave({ [reload]: { sql: [reloadRawSql('raw_noaa.daily_weather', 1_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] } });
    const { service, incident } = await diagnosed({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, emptiedFromMarch, checkout);
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(run?.previews?.map((p) => `${p.id} ${p.value}`)).toEqual(['raw_rows 0', expect.stringMatching(/^mart_rows [1-9]\d*$/), expect.stringMatching(/^combined_rows [1-9]\d*$/), 'raw_day_before 0', 'raw_day_after 0']);
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    const ran = await service.executeApproved(run!.id);
    expect(ran.results.map((r) => `${r.stepId} ${r.status}`)).toEqual(['opens ok', 'keep_mart ok', 'keep_combined ok', 'keep_raw ok', 'delete_raw ok', 'reload ok', 'restate ok']);
    expect(checkout.calls().map((c) => c.command)).toContain(reload);
  });

  it('says on path A\'s plan, before it is approved, that without DAGSTER_URL its validation will fail at the asset checks', async () => {
    withStandinPath();
    const { service, incident } = await diagnosed({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, emptiedFromMarch);
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(run?.againstDiagnosis).toContain(
      'DAGSTER_URL is not set, and the validation after this plan runs "Re-run the Soda contracts (Dagster asset checks, through the webserver)" through the Dagster webserver: it will end failed there once this plan has changed the data. Set DAGSTER_URL (and restart) before approving',
    );
  });

  it('blames the raw load (path A) for a spike of repeated keys, loaded and built that way', async () => {
    const fiveTimes = (table: string, day: string) =>
      `DELETE FROM ${table} WHERE ${day} = DATE '2026-04-15'; INSERT INTO ${table} (${day}, id, species, how_many) SELECT DATE '2026-04-15', 10000000 + k.range, 's', 1 FROM range(2000) AS k, range(5) AS copies;`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-13', to: '2026-04-17' }, fiveTimes('raw_usgs.daily_values', 'observation_date') + fiveTimes('usgs.fct_daily_streamflow', 'day_date'));
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', paths: ['a'], suggested: { source: 'usgs', from: '2026-04-15', to: '2026-04-15' } });
  });

  it('finds a low day after a week-long outage before the window, judged by the days before it that have rows', async () => {
    const outage = (table: string, day: string) =>
      `DELETE FROM ${table} WHERE ${day} BETWEEN DATE '2026-04-04' AND DATE '2026-04-11';
       DELETE FROM ${table} WHERE ${day} = DATE '2026-04-17' AND id NOT IN (SELECT id FROM ${table} WHERE ${day} = DATE '2026-04-17' ORDER BY id LIMIT 50);`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-15', to: '2026-04-21' }, outage('raw_usgs.daily_values', 'observation_date') + outage('usgs.fct_daily_streamflow', 'day_date'));
    // Before: "Not conclusive — no baseline", every day "normal", as if the 14 days before had no rows at all.
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', paths: ['a'], suggested: { source: 'usgs', from: '2026-04-17', to: '2026-04-17' } });
  });

  it('calls too few days with rows before the window no baseline, saying they are too few, not that none has rows', async () => {
    const outage = (table: string, day: string) => `DELETE FROM ${table} WHERE ${day} BETWEEN DATE '2026-04-01' AND DATE '2026-04-12';`;
    const diagnosis = await diagnose({ source: 'usgs', from: '2026-04-15', to: '2026-04-21' }, outage('raw_usgs.daily_values', 'observation_date') + outage('usgs.fct_daily_streamflow', 'day_date'));
    expect(diagnosis).toMatchObject({ verdict: 'no-baseline', paths: [] });
    expect(diagnosis?.advice).toContain('no baseline (only 2 of the 14 days before the window have rows: too few to judge by)');
    // Before: "The 14 days before the window have no rows (the source's first days, say)", of days two of which had.
    expect(diagnosis?.advice).toContain('Too few of the 14 days before the window have rows to judge its days by (fewer than 3');
  });
});

/** SQL keeping a tenth of `table`'s rows on `from` … `to` (its ids run on, so every tenth one stays). */
const tenthOf = (table: string, column: string, from: string, to: string) => `DELETE FROM ${table} WHERE ${column} BETWEEN DATE '${from}' AND DATE '${to}' AND id % 10 <> 0;`;
/** SQL loading `day` of `table` again: every row of it twice, keys and all. */
const loadedTwice = (table: string, column: string, day: string) => `INSERT INTO ${table} SELECT * FROM ${table} WHERE ${column} = DATE '${day}';`;

describe('scenario 2 verdicts on the days before the window', () => {
  it('says a bad stretch that began before the 30 days scanned, with the window that takes it in', async () => {
    const low = tenthOf('raw_ebird.observations', 'observation_date', '2026-03-23', '2026-03-27') + tenthOf('ebird.fct_daily_bird_observations', 'day_date', '2026-03-23', '2026-03-27');
    const diagnosis = await diagnose({ source: 'ebird' }, low);
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', suggested: { source: 'ebird', from: '2026-03-26', to: '2026-03-27' } });
    // Before: only 2026-03-26 … 2026-03-27 named, the three low days before them in the baseline said nowhere.
    expect(diagnosis?.advice).toMatch(/ 2026-03-23 … 2026-03-25, before the window, look wrong in raw_ebird\.observations \(and ebird\.fct_daily_bird_observations on the same days\) too, judged as its days are \(low: \d+, \d+, \d+ rows against a median of [\d.]+\/day\): running into the window's first day, the bad stretch began before the window, on 2026-03-23; /);
    expect(diagnosis?.advice).toContain('diagnose a window that takes them in: `/databox diagnose backfill source=ebird from=2026-03-23 to=2026-03-27`.');
  });

  it('judges the window by the days before the baseline when the baseline is itself at a level far below them: a lasting drop is no healthy window', async () => {
    // From 2026-03-16 on, a tenth of usgs' rows: 10 of the 14 days before the 30 scanned are at that level, their median too.
    const drop = tenthOf('raw_usgs.daily_values', 'observation_date', '2026-03-16', '2026-04-24') + tenthOf('usgs.fct_daily_streamflow', 'day_date', '2026-03-16', '2026-04-24');
    const diagnosis = await diagnose({ source: 'usgs' }, drop);
    // Before: "No bad window" (severity ok), every day "normal" against a baseline median of the dropped level.
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', severity: 'critical', paths: ['a'], suggested: { source: 'usgs', from: '2026-03-26', to: '2026-04-24' } });
    expect(diagnosis?.advice).toMatch(
      / 2026-03-16 … 2026-03-25, before the window, look wrong in raw_usgs\.daily_values \(and usgs\.fct_daily_streamflow on the same days\) too, judged as its days are \(low: \d+ to \d+ rows a day against a median of [\d.]+\/day\): running into the window's first day, the bad stretch began before the window, on 2026-03-16; /,
    );
    expect(diagnosis?.advice).toContain(
      'a window that takes them in (2026-03-16 … 2026-04-24) is over 31 days: diagnose them on their own, `/databox diagnose backfill source=usgs from=2026-03-16 to=2026-03-25`.',
    );
  });

  it('says the level change in the counts: the baseline\'s median, and the older one the days are judged by', async () => {
    const drop = tenthOf('raw_usgs.daily_values', 'observation_date', '2026-03-16', '2026-04-24') + tenthOf('usgs.fct_daily_streamflow', 'day_date', '2026-03-16', '2026-04-24');
    const { service, incident } = await diagnosed({ source: 'usgs' }, drop);
    const run = service.run(incident.diagnosis!.runId);
    const raw = run.results.find((r) => r.stepId === 'raw_counts');
    expect(raw?.summary).toMatch(
      /^30 of 30 days look wrong in raw_usgs\.daily_values \(2026-03-26 … 2026-04-24, baseline median [\d.]+\/day, itself low against the 14 days before it \(2026-02-26 … 2026-03-11, median [\d.]+\/day\): the level changed before the window, so its days are judged by [\d.]+\/day\): 2026-03-26 low/,
    );
  });
});

describe('scenario 2 verdicts on an empty mart', () => {
  const rebuild = '`cd transforms/main && uv run sqlmesh plan prod --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply`';

  it('calls a mart with no rows at all empty, to rebuild in full: not a 30-day window to restate', async () => {
    const diagnosis = await diagnose({ source: 'usgs' }, 'DELETE FROM usgs.fct_daily_streamflow');
    // Before: "Bad window in the mart only", path B over 2026-03-26 … 2026-04-24, the mart's other days left empty.
    expect(diagnosis).toMatchObject({ verdict: 'mart-empty', severity: 'critical', paths: [], suggested: {} });
    expect(diagnosis?.title).toBe('The mart is empty — rebuild it in full');
    expect(diagnosis?.advice).toMatch(/^usgs\.fct_daily_streamflow has no rows at all \(no day has any, in the window or out of it\), while the raw table has rows \(all 30 days normal in raw_usgs\.daily_values/);
    expect(diagnosis?.advice).toContain(rebuild);
    expect(diagnosis?.advice).not.toContain('Restate the window');
  });

  it('does not widen a raw window to the empty mart\'s days: raw days loaded twice are said, the mart rebuilt first', async () => {
    const sql = `DELETE FROM noaa.fct_daily_weather; ${loadedTwice('raw_noaa.daily_weather', 'observation_date', '2026-04-10')} ${loadedTwice('raw_noaa.daily_weather', 'observation_date', '2026-04-14')}`;
    const diagnosis = await diagnose({ source: 'noaa' }, sql);
    // Before: "Bad window in the raw load", path A over all 30 days: 28 good raw days deleted and reloaded.
    expect(diagnosis).toMatchObject({ verdict: 'mart-empty', paths: [], suggested: {} });
    expect(diagnosis?.advice).toMatch(/2 of 30 days look wrong in raw_noaa\.daily_weather \([^)]*\): 2026-04-10 duplicates \(\d+ rows, \d+ repeat a key of the day\), 2026-04-14 duplicates/);
    expect(diagnosis?.advice).toContain('the diagnosis after the rebuild offers path A for them alone');
  });

  it('fails the validation of a window restated into an empty mart: the rest of it is still empty, not "no baseline" to accept', async () => {
    withStandinPath();
    const checkout = new Checkout();
    const restate = 'uv run sqlmesh plan prod --start 2026-04-20 --end 2026-04-24 --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply';
    checkout.behave({ [restate]: { sql: restateMartSql('raw_usgs.daily_values', 'usgs.fct_daily_streamflow'), params: ['arg:--start', 'arg:--end'] } });
    const { service, incident } = await diagnosed({ source: 'usgs' }, 'DELETE FROM usgs.fct_daily_streamflow', checkout);
    // Path B typed anyway, against the verdict.
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'b', params: { source: 'usgs', from: '2026-04-20', to: '2026-04-24' }, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    const ran = await service.executeApproved(run!.id);
    expect(ran.status).toBe('succeeded');
    const validation = service.incident(incident.id).runs.find((r) => r.kind === 'validation');
    const mart = validation?.results.find((r) => r.stepId === 'mart_counts');
    // Before: "no-baseline" (the mart's rows now start on the window's first day), accepted.
    expect(mart?.status).toBe('still-empty');
    expect(mart?.summary).toBe(
      'usgs.fct_daily_streamflow had no rows at all when the diagnosis counted, and still has none before the window (2026-04-20 … 2026-04-24; its rows now run from 2026-04-20 to 2026-04-24): only the window was built, the rest of the table is still empty; rebuild it in full, then diagnose again',
    );
    expect(validation?.status).not.toBe('succeeded');
  });
});

describe('scenario 2 verdicts on days loaded twice', () => {
  it('does not call the mart normal on a day loaded twice into it: about twice its rows', async () => {
    const sql =
      loadedTwice('raw_noaa.daily_weather', 'observation_date', '2026-04-15') +
      loadedTwice('noaa.fct_daily_weather', 'day_date', '2026-04-15') +
      tenthOf('raw_noaa.daily_weather', 'observation_date', '2026-04-17', '2026-04-17') +
      tenthOf('noaa.fct_daily_weather', 'day_date', '2026-04-17', '2026-04-17');
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, sql);
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', suggested: { from: '2026-04-15', to: '2026-04-17' } });
    // Before: "bad in raw_noaa.daily_weather only, noaa.fct_daily_weather looks normal there: 2026-04-15".
    expect(diagnosis?.advice).not.toContain('looks normal there');
    expect(diagnosis?.advice).toMatch(
      /bad in raw_noaa\.daily_weather, and noaa\.fct_daily_weather has about twice its usual rows there or more \(a median of [\d.]+\/day\), which its count alone does not call bad: 2026-04-15 \(\d+ rows\)/,
    );
  });

  it('does not call a day the mart holds twice "normal" in its counts, under a duplicate-load verdict', async () => {
    const sql = loadedTwice('raw_ebird.observations', 'observation_date', '2026-04-20') + loadedTwice('ebird.fct_daily_bird_observations', 'day_date', '2026-04-20');
    const { service, incident } = await diagnosed({ source: 'ebird', from: '2026-04-18', to: '2026-04-23' }, sql);
    expect(incident.diagnosis).toMatchObject({ verdict: 'duplicate-load', suggested: { from: '2026-04-20', to: '2026-04-20' } });
    const mart = service.run(incident.diagnosis!.runId).results.find((r) => r.stepId === 'mart_counts');
    // Before: "all 6 days normal in ebird.fct_daily_bird_observations (…, baseline median 1000/day)", of a day at 2× it.
    expect(mart?.status).toBe('doubled');
    expect(mart?.summary).toMatch(
      /^5 of 6 days normal in ebird\.fct_daily_bird_observations \(2026-04-18 … 2026-04-23, baseline median [\d.]+\/day\); 2026-04-20 \(\d+ rows, [12]\.\d\d× the median\) has about twice the usual rows or more: under the spike threshold \(5×\), so not called a spike, but not normal either \(a day loaded twice has as many\)/,
    );
  });

  it('says the normal days between two days loaded twice, which their window replaces too', async () => {
    const sql = loadedTwice('raw_noaa.daily_weather', 'observation_date', '2026-04-12') + loadedTwice('raw_noaa.daily_weather', 'observation_date', '2026-04-17');
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, sql);
    expect(diagnosis).toMatchObject({ verdict: 'duplicate-load', suggested: { from: '2026-04-12', to: '2026-04-17' } });
    // Before: the window proposed, and nothing of the four days between the two.
    expect(diagnosis?.advice).toContain(
      'The window 2026-04-12 … 2026-04-17 also holds 4 normal days between the bad ones: replaced whole, they are deleted and reloaded too (their rows kept first). To leave them as they are, recover each run of bad days on its own',
    );
  });
});

describe('scenario 2 validation of a recovered window with a day at about twice its usual rows', () => {
  const restate =
    'uv run sqlmesh plan prod --start 2026-04-18 --end 2026-04-20 --restate-model usgs.fct_daily_streamflow --restate-model analytics.fct_species_environment_daily --auto-apply';

  /**
   * The mart emptied on 2026-04-18 … 2026-04-20 (a transform bug), restated by path B: the stand-in's restate rebuilds
   * it from the raw rows, then runs `after` ($1 the window's first day, $2 its last). The validation that follows.
   */
  async function validatedAfterRestate(after: string[]) {
    withStandinPath();
    const checkout = new Checkout();
    checkout.behave({ [restate]: { sql: [...restateMartSql('raw_usgs.daily_values', 'usgs.fct_daily_streamflow'), ...after], params: ['arg:--start', 'arg:--end'] } });
    const emptied = "DELETE FROM usgs.fct_daily_streamflow WHERE day_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-20'";
    const { service, incident } = await diagnosed({ source: 'usgs', from: '2026-04-18', to: '2026-04-20' }, emptied, checkout);
    expect(incident.diagnosis).toMatchObject({ verdict: 'transform-window', paths: ['b'] });
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'b', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    expect((await service.executeApproved(run!.id)).status).toBe('succeeded');
    const validation = service.incident(incident.id).runs.find((r) => r.kind === 'validation');
    return (stepId: string) => validation?.results.find((r) => r.stepId === stepId);
  }

  it('does not pass a mart day restated twice: about twice the median is the shape of a day loaded twice', async () => {
    // 2026-04-19 written twice by the restate: every row of it again.
    const twice = 'INSERT INTO usgs.fct_daily_streamflow SELECT * FROM usgs.fct_daily_streamflow WHERE day_date = CAST(CAST($1 AS DATE) + INTERVAL 1 DAY AS DATE) AND $2 IS NOT NULL';
    const step = await validatedAfterRestate([twice]);
    // Before: "ok", and the validation's counts passed with "… but not normal either" in their summary.
    expect(step('mart_counts')?.status).toBe('doubled');
    expect(step('mart_counts')?.summary).toMatch(
      /^2 of 3 days normal in usgs\.fct_daily_streamflow \(2026-04-18 … 2026-04-20, baseline median [\d.]+\/day\); 2026-04-19 \(\d+ rows, (1\.9\d|2\.\d\d)× the median\) has about twice the usual rows or more: under the spike threshold \(5×\), so not called a spike, but not normal either \(a day loaded twice has as many\); a recovered window does not pass with such a day/,
    );
    expect(step('raw_counts')?.status).toBe('ok');
  });

  it('passes the normal day-to-day variation of a recovered window: a day 30% over the median, another 30% under', async () => {
    const over = 'INSERT INTO usgs.fct_daily_streamflow SELECT * FROM usgs.fct_daily_streamflow WHERE day_date = CAST($1 AS DATE) AND id % 10 < 3 AND $2 IS NOT NULL';
    const under = 'DELETE FROM usgs.fct_daily_streamflow WHERE day_date = CAST($2 AS DATE) AND id % 10 < 3 AND $1 IS NOT NULL';
    const step = await validatedAfterRestate([over, under]);
    expect(step('mart_counts')?.status).toBe('ok');
    expect(step('mart_counts')?.summary).toMatch(/^all 3 days normal in usgs\.fct_daily_streamflow/);
  });
});

describe("scenario 2's cleanup of named snapshots with DATABOX_BACKEND=local", () => {
  it('refuses path C, saying the bot takes named snapshots of MotherDuck only; the validation lists none, without asking MotherDuck', async () => {
    const { service, incident } = await diagnosed({ source: 'ebird', from: '2026-04-18', to: '2026-04-20' }, 'SELECT 1');
    const refused = service.start({ verb: 'recover', scenario: 'backfill', path: 'c', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    await expect(refused).rejects.toThrow(/^nothing to clean up: DATABOX_BACKEND is local \(\S+databox\.duckdb\), not MotherDuck: the bot takes named snapshots of MotherDuck only, so it took none for this incident \(looked just now\); nothing was proposed$/);
    const { run } = await service.start({ verb: 'validate', scenario: 'backfill', params: { source: 'ebird', from: '2026-04-18', to: '2026-04-20' }, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(run?.results.find((r) => r.stepId === 'named_snapshots')).toMatchObject({ status: 'skipped', summary: expect.stringContaining('not MotherDuck') });
  });
});

/** SQL deleting the rows of `from` … `to` in `table` whose id ends in a digit under `digit`: a share of each day's rows gone. */
const partOf = (table: string, column: string, from: string, to: string, digit: number) => `DELETE FROM ${table} WHERE ${column} BETWEEN DATE '${from}' AND DATE '${to}' AND id % 10 < ${digit};`;

describe('scenario 2 verdicts on days short of part of their rows', () => {
  it('names days missing 40–60% of their rows as short and offers path A for them, not "No bad window"', async () => {
    const sql = (table: string, column: string) => partOf(table, column, '2026-04-18', '2026-04-19', 6) + partOf(table, column, '2026-04-20', '2026-04-20', 5);
    const diagnosis = await diagnose({ source: 'ebird' }, sql('raw_ebird.observations', 'observation_date') + sql('ebird.fct_daily_bird_observations', 'day_date'));
    // Before: "No bad window" (severity ok), every day "normal".
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', severity: 'critical', paths: ['a'], suggested: { source: 'ebird', from: '2026-04-18', to: '2026-04-20' } });
    expect(diagnosis?.advice).toContain('raw_ebird.observations shows the same bad days as ebird.fct_daily_bird_observations (2026-04-18 … 2026-04-20)');
  });

  it('says what a short day is short of in the counts, and offers path B for one short in the mart only', async () => {
    const { service, incident } = await diagnosed({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, partOf('ebird.fct_daily_bird_observations', 'day_date', '2026-04-20', '2026-04-20', 5));
    expect(incident.diagnosis).toMatchObject({ verdict: 'transform-window', paths: ['b'], suggested: { from: '2026-04-20', to: '2026-04-20' } });
    const mart = service.run(incident.diagnosis!.runId).results.find((r) => r.stepId === 'mart_counts');
    expect(mart?.summary).toMatch(/^1 of 8 days looks wrong in ebird\.fct_daily_bird_observations \([^)]*\): 2026-04-20 short \(\d+ rows, (4\d|50)% of the median of [\d.]+\/day: part of the day's rows missing\)/);
  });

  it('judges a weekend day by its own weekday where the source always loads less then: usual halves are no short days', async () => {
    const weekendsHalved = (table: string, column: string) => `DELETE FROM ${table} WHERE dayofweek(${column}) IN (0, 6) AND id % 2 = 0;`;
    const halved = weekendsHalved('raw_ebird.observations', 'observation_date') + weekendsHalved('ebird.fct_daily_bird_observations', 'day_date');
    expect(await diagnose({ source: 'ebird' }, halved)).toMatchObject({ verdict: 'healthy' });
    // Saturday 2026-04-18 halved again: a quarter of a weekday's rows, half of a Saturday's.
    const diagnosis = await diagnose({ source: 'ebird' }, halved + partOf('raw_ebird.observations', 'observation_date', '2026-04-18', '2026-04-18', 5) + partOf('ebird.fct_daily_bird_observations', 'day_date', '2026-04-18', '2026-04-18', 5));
    expect(diagnosis).toMatchObject({ verdict: 'raw-window', suggested: { from: '2026-04-18', to: '2026-04-18' } });
  });
});

describe('scenario 2 verdicts on days at about twice their rows with no key repeated', () => {
  it('offers path B for mart days at twice their rows over normal raw rows (a transform fanning rows out), not "No bad window"', async () => {
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, loadedTwice('ebird.fct_daily_bird_observations', 'day_date', '2026-04-19') + loadedTwice('ebird.fct_daily_bird_observations', 'day_date', '2026-04-20'));
    // Before: "No bad window" (severity ok), while the validation fails on such a day (doubled).
    expect(diagnosis).toMatchObject({ verdict: 'mart-doubled', severity: 'critical', paths: ['b'], suggested: { source: 'ebird', from: '2026-04-19', to: '2026-04-20' } });
    expect(diagnosis?.advice).toMatch(/^6 of 8 days normal in ebird\.fct_daily_bird_observations \([^)]*\); 2026-04-19 \(\d+ rows, [12]\.\d\d× the median\), 2026-04-20 \(\d+ rows, [12]\.\d\d× the median\) have about twice the usual rows or more/);
    expect(diagnosis?.advice).toContain('Restate the window 2026-04-19 … 2026-04-20 (path B)');
  });

  it('calls raw days loaded again with new ids not conclusive, naming them and their dlt loads', async () => {
    const newIds = `ALTER TABLE raw_ebird.observations ADD COLUMN _dlt_load_id VARCHAR DEFAULT '1776000000.1';
      INSERT INTO raw_ebird.observations SELECT id + 10000000, observation_date, species, how_many, '1776600000.2' FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-19';
      INSERT INTO ebird.fct_daily_bird_observations SELECT * FROM ebird.fct_daily_bird_observations WHERE day_date = DATE '2026-04-19';`;
    const { incident } = await diagnosed({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, newIds);
    const diagnosis = incident.diagnosis;
    // Before: "No bad window" (severity ok).
    expect(diagnosis).toMatchObject({ verdict: 'raw-doubled', severity: 'warning', paths: [] });
    expect(diagnosis?.title).toBe('Not conclusive — raw days at about twice their usual rows, no key repeated');
    expect(diagnosis?.advice).toMatch(/2026-04-19 \(\d+ rows, [12]\.\d\d× the median\) has about twice the usual rows or more.*, though no key repeats there/);
    expect(diagnosis?.advice).toMatch(/the loads of those days in raw_ebird\.observations \(_dlt_load_id\): 2026-04-19: 2 loads, 1776000000\.1 \(\d+ rows\), 1776600000\.2 \(\d+ rows\)/);
    // Before: without incident=, the command pasted opened a new incident ("No diagnosis…"), and this one's postmortem
    // said no recovery was proposed.
    expect(diagnosis?.advice).toContain(`\`/databox recover backfill path=a source=ebird from=2026-04-19 to=2026-04-19 incident=${incident.id}\``);
  });

  it('says a raw day loaded twice with NULL keys has no _dlt_load_id to tell its loads by, where the table has none', async () => {
    const nullKeys = `UPDATE raw_ebird.observations SET id = NULL WHERE observation_date = DATE '2026-04-19';
      INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-19';`;
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, nullKeys);
    expect(diagnosis).toMatchObject({ verdict: 'raw-doubled', paths: [] });
    expect(diagnosis?.advice).toContain('raw_ebird.observations has no _dlt_load_id column to tell the loads of 2026-04-19 apart');
  });
});

describe('scenario 2 verdicts on a raw table without its primary key column', () => {
  it('names the source\'s primary_key as the column missing, with the table\'s columns, not a table or date column problem', async () => {
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, 'ALTER TABLE raw_ebird.observations RENAME id TO obs_id');
    expect(diagnosis).toMatchObject({ verdict: 'unreadable-table', paths: [] });
    // Before: "Binder Error: Referenced column "id" not found …", read as a table or date column to correct.
    expect(diagnosis?.advice).toContain(
      "Raw: raw_ebird.observations has no column id, which the source's primary_key (id) names (its columns: obs_id, observation_date, species, how_many). Check the source's table, date column and primary_key names in runbooks/backfill.yml",
    );
    expect(diagnosis?.advice).not.toContain('Binder Error');
  });
});

describe('scenario 2 verdicts on two counts that cannot be taken or trusted at once', () => {
  it("gives the mart's unreadable dates and the raw table's missing key column each its own advice", async () => {
    const both = `ALTER TABLE raw_ebird.observations RENAME id TO obs_id;
      ALTER TABLE ebird.fct_daily_bird_observations ALTER day_date TYPE VARCHAR;
      UPDATE ebird.fct_daily_bird_observations SET day_date = 'n/a' WHERE id % 100 = 0;`;
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, both);
    expect(diagnosis).toMatchObject({ verdict: 'unreadable-dates-and-table', severity: 'warning', paths: [] });
    expect(diagnosis?.advice).toMatch(/^Mart: day_date in ebird\.fct_daily_bird_observations: \d+ values are not dates \(e\.g\. "n\/a"\);.* Raw: raw_ebird\.observations has no column id, which the source's primary_key \(id\) names/);
    // Before: "Fix or remove those rows" alone, nothing about primary_key, and "path A picks the rows to keep and delete
    // by this date", of the mart's column, which path A deletes nothing by.
    expect(diagnosis?.advice).toContain(
      'Two things to put right, then diagnose again: fix or remove the rows whose date does not read as a date; and, for the count that could not be taken, check the source\'s table, date column and primary_key names in runbooks/backfill.yml against the database.',
    );
    expect(diagnosis?.advice).toContain("path A keeps, deletes and restates the window's rows by their dates (the raw table's raw_date_column, the marts' mart_date_column)");
    expect(diagnosis?.advice).not.toContain('by this date');
  });
});

/** SQL loading again the rows of `day` in `table` whose id ends in under `percent` (of 100): part of the day loaded twice. */
const partLoadedTwice = (table: string, column: string, day: string, percent: number) => `INSERT INTO ${table} SELECT * FROM ${table} WHERE ${column} = DATE '${day}' AND id % 100 < ${percent};`;

describe('scenario 2 on days with a few repeated keys', () => {
  const partly = (table: string, column: string) => partLoadedTwice(table, column, '2026-04-18', 12) + partLoadedTwice(table, column, '2026-04-20', 3);
  const both = partly('raw_ebird.observations', 'observation_date') + partly('ebird.fct_daily_bird_observations', 'day_date');

  it('takes every day with a repeated key into the window, however few: a repeated key is never right', async () => {
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, both);
    // Before: 2026-04-18 alone, 2026-04-20 said "under 10% of the day's rows: not a day loaded twice" and left out.
    expect(diagnosis).toMatchObject({ verdict: 'duplicate-load', paths: ['a'], suggested: { source: 'ebird', from: '2026-04-18', to: '2026-04-20' } });
    expect(diagnosis?.advice).toMatch(/2026-04-20 duplicates \(\d+ rows, \d+ repeat a key of the day: 3%, part of the day loaded again\)/);
    expect(diagnosis?.advice).toContain('and ebird.fct_daily_bird_observations counts the repeated rows too (its count is raised on 2026-04-18, 2026-04-20)');
  });

  it('fails the validation of a reload that leaves a single repeated key in the window', async () => {
    withStandinPath();
    const checkout = new Checkout();
    const oneRepeat = "INSERT INTO raw_ebird.observations SELECT * FROM raw_ebird.observations WHERE observation_date = CAST($1 AS DATE) AND $2 IS NOT NULL ORDER BY id LIMIT 1";
    const behaviour = ebirdReloadAndRestate(1_000);
    behaviour[ebirdReloadCommand]!.sql.push(oneRepeat);
    checkout.behave(behaviour);
    const { service, incident } = await diagnosed({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, both, checkout);
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    await service.executeApproved(run!.id);
    const validation = service.incident(incident.id).runs.find((r) => r.kind === 'validation');
    const raw = validation?.results.find((r) => r.stepId === 'raw_counts');
    // Before: "ok", the one repeat said as under 10% of the day's rows, and the validation passed.
    expect(raw?.status).toBe('duplicates');
    expect(raw?.summary).toMatch(/2026-04-18 duplicates \(\d+ rows, 1 repeats a key of the day: under 1%, part of the day loaded again\)/);
    expect(validation?.status).not.toBe('succeeded');
  });

  it('says the mart will count a day loaded twice when next built, where its count is not raised yet', async () => {
    const diagnosis = await diagnose({ source: 'ebird', from: '2026-04-15', to: '2026-04-22' }, loadedTwice('raw_ebird.observations', 'observation_date', '2026-04-20'));
    expect(diagnosis).toMatchObject({ verdict: 'duplicate-load', suggested: { from: '2026-04-20', to: '2026-04-20' } });
    // Before: "and the mart counts it twice", of a mart whose day has its usual rows.
    expect(diagnosis?.advice).toContain(
      "; ebird.fct_daily_bird_observations's count is not raised on 2026-04-20 (not built from those rows yet): it will count them twice when next built. Replace the window",
    );
    expect(diagnosis?.advice).not.toContain('counts it twice');
    expect(diagnosis?.advice).not.toContain('counts the repeated rows too');
  });
});

describe('scenario 2 verdicts on a raw table emptied whole', () => {
  it('says the raw table is empty, naming the mart\'s first day, and gives the full reload: not rows removed from a 30-day window', async () => {
    const diagnosis = await diagnose({ source: 'ebird' }, 'DELETE FROM raw_ebird.observations');
    // Before: "the raw rows were removed", path A over the last 30 days, and follow-up windows for the days around them.
    expect(diagnosis).toMatchObject({ verdict: 'raw-emptied', severity: 'critical', paths: [], suggested: {} });
    expect(diagnosis?.title).toBe('The raw table is empty while the mart has rows — load the source again in full');
    expect(diagnosis?.advice).toMatch(
      /^raw_ebird\.observations has no rows at all \(no day has any, in the window or out of it\), while ebird\.fct_daily_bird_observations, built from it, has rows from 2026-02-24 to 2026-04-24: the raw table was emptied whole .*\. Load the source again in full, from the mart's first day, 2026-02-24, on \(Dagster asset ebird_dlt_assets: `DATABOX_BACKFILL_START=2026-02-24 DATABOX_BACKFILL_END=<yesterday> uv run dagster asset materialize --select ebird_dlt_assets/,
    );
    expect(diagnosis?.advice).not.toContain('diagnose a window that takes them in');
  });
});
