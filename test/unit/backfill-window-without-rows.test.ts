// A typed path A for a window with no rows in the raw table or the marts (before the source's first row): the plan says so, and what to do first.
import { afterEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** A typed path A over 1,000 rows a day from 2026-02-24 to 2026-04-24 (today 2026-04-25): the plan's warning. */
async function typedPathA(from: string, to: string): Promise<string> {
  withStandinPath();
  const checkout = new Checkout();
  checkouts.push(checkout);
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
  const { run } = await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: { source: 'ebird', from, to } }, 'U0OPERATOR', 'test');
  return run?.againstDiagnosis ?? '';
}

describe('a typed path A for a window with no rows anywhere', () => {
  it('says the window has no rows in the raw table or the marts, and to diagnose it first', async () => {
    const warning = await typedPathA('2020-01-01', '2020-01-05');
    // Before: only "No diagnosis: …", over a plan deleting 0 rows and reloading 2020.
    expect(warning).toMatch(
      /The window 2020-01-01 … 2020-01-05 has no rows in raw_ebird\.observations, ebird\.fct_daily_bird_observations or analytics\.fct_species_environment_daily: this plan keeps and deletes nothing, and reloads days the source may never have had .*`\/databox diagnose backfill source=ebird from=2020-01-01 to=2020-01-05 incident=dbx-\d{8}-[0-9a-f]{4}`/,
    );
    // A window with rows says nothing of the kind.
    expect(await typedPathA('2026-04-18', '2026-04-19')).not.toContain('has no rows in');
  });

  it("says nothing of the kind on the plan of the window the incident's diagnosis found emptied (an outage of both tables)", async () => {
    withStandinPath();
    const checkout = new Checkout();
    checkouts.push(checkout);
    await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000, ebird: { zero: ['2026-04-18', '2026-04-19'] } });
    const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params: { source: 'ebird' } }, 'U0OPERATOR', 'test');
    expect(service.incident(incident.id).diagnosis).toMatchObject({ verdict: 'raw-window', paths: ['a'], suggested: { source: 'ebird', from: '2026-04-18', to: '2026-04-19' } });
    const plan = async (from: string, to: string) =>
      (await service.start({ verb: 'recover', scenario: 'backfill', path: 'a', params: { source: 'ebird', from, to }, incident: incident.id }, 'U0OPERATOR', 'test')).run?.againstDiagnosis ?? '';
    // Before: "… reloads days the source may never have had … Diagnose the window first", of the window just diagnosed.
    expect(await plan('2026-04-18', '2026-04-19')).not.toContain('has no rows in');
    // A window with no rows the diagnosis did not find still says it.
    expect(await plan('2020-01-01', '2020-01-05')).toContain('The window 2020-01-01 … 2020-01-05 has no rows in raw_ebird.observations');
  });
});
