// Scenario 2's verdicts over counts a tester's own files gave: the bundled backfill.yml on the engine, no Slack.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData, reloadRawSql } from '../helpers/backfill-data.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** A checkout whose database holds 1,000 rows a day per source up to 2026-04-24, changed by `sql`; today is 2026-04-25. */
async function diagnosed(params: Record<string, string>, sql: string, checkout = new Checkout()) {
  checkouts.push(checkout);
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params }, 'U0OPERATOR', 'test');
  return { service, incident: service.incident(incident.id) };
}

const diagnose = async (params: Record<string, string>, sql: string) => (await diagnosed(params, sql)).incident.diagnosis;

describe('scenario 2 verdicts', () => {
  it('offers path A for a raw window emptied under a full mart: the raw rows were removed, not days the source never had', async () => {
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, 'DELETE FROM raw_noaa.daily_weather');
    // Before: "No data for this source in the window — not a bad window", and no recovery.
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', severity: 'critical', paths: ['a'], suggested: { source: 'noaa', from: '2026-04-10', to: '2026-04-20' } });
    expect(diagnosis?.advice).toMatch(/; yet noaa\.fct_daily_weather, built from it, has \d+ rows on 11 days of the window \(2026-04-10 … 2026-04-20\): the rows raw_noaa\.daily_weather had on them were removed; raw_noaa\.daily_weather also has no rows on 2026-03-27 … 2026-04-09, 2026-04-21 … 2026-04-24, before and after the window/);
    expect(diagnosis?.advice).toContain('it keeps and deletes the raw rows still in the window (none where it has none: its preview then says 0), reloads the source for the window');
  });

  it('offers path A for raw days emptied inside a window that has rows, the mart still having them: removed, not a mart not rebuilt yet', async () => {
    const diagnosis = await diagnose({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, "DELETE FROM raw_noaa.daily_weather WHERE observation_date BETWEEN DATE '2026-04-14' AND DATE '2026-04-15'");
    // Before: "Bad days in the raw table, not (yet) in the mart" (a warning): "The mart may not have been rebuilt yet".
    expect(diagnosis).toMatchObject({ verdict: 'raw-rows-removed', severity: 'critical', paths: ['a'], suggested: { source: 'noaa', from: '2026-04-14', to: '2026-04-15' } });
    expect(diagnosis?.title).toBe('The raw table has no rows on days the mart has — the raw rows were removed');
    expect(diagnosis?.advice).toMatch(/^no rows in raw_noaa\.daily_weather on 2 of the 11 days of 2026-04-10 … 2026-04-20 \(2026-04-14 … 2026-04-15\), while other days of the window have rows; yet noaa\.fct_daily_weather, built from it, has \d+ rows on those days: the rows raw_noaa\.daily_weather had on them were removed\. /);
    expect(diagnosis?.advice).toContain('Reload the window 2026-04-14 … 2026-04-15 (path A)');
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
      'were removed; 1 other day has no rows in noaa.fct_daily_weather either (2026-04-18): empty in both tables, an outage or a failed load, not rows removed; reloaded with the others. The source had the days with no raw rows that the mart has rows on (the mart was built from their rows), so those are not days it never had',
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

  it('path A over that window keeps and deletes nothing, and reloads it', async () => {
    withStandinPath();
    const checkout = new Checkout();
    const reload = 'uv run dagster asset materialize --select noaa_dlt_assets -f packages/databox/databox/orchestration/definitions.py';
    checkout.behave({ [reload]: { sql: [reloadRawSql('raw_noaa.daily_weather', 1_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] } });
    const { service, incident } = await diagnosed({ source: 'noaa', from: '2026-04-10', to: '2026-04-20' }, 'DELETE FROM raw_noaa.daily_weather', checkout);
    const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: {}, incident: incident.id }, 'U0OPERATOR', 'test');
    expect(run?.previews?.map((p) => `${p.id} ${p.value}`)).toEqual(['raw_rows 0', expect.stringMatching(/^mart_rows [1-9]\d*$/), expect.stringMatching(/^combined_rows [1-9]\d*$/)]);
    expect(service.approve(run!.id, run!.hash, 'U0TEAMMATE').ok).toBe(true);
    const ran = await service.executeApproved(run!.id);
    expect(ran.results.map((r) => `${r.stepId} ${r.status}`)).toEqual(['opens ok', 'keep_mart ok', 'keep_combined ok', 'keep_raw ok', 'delete_raw ok', 'reload ok', 'restate ok']);
    expect(checkout.calls().map((c) => c.command)).toContain(reload);
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
