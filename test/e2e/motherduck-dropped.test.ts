// The stack's MotherDuck database dropped by accident (a symptom the runbook names): the diagnosis says so, with
// UNDROP DATABASE while the drop is within the retention, rather than "not conclusive".
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

/** The cases whose title says a load re-created the database after the drop. */
const recreated = () => /re-created/.test(expect.getState().currentTestName ?? '');

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 5 * day));
  md.drop(md.live('databox'));
  if (recreated()) await md.createDatabase('databox', createTablesSql(marts, 5), new Date(Date.now() - 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-dropped-database-token-000003', DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: operator }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterEach(() => closeStandIns(harness, slack, checkout));

it('names the drop and UNDROP DATABASE, not "not conclusive"', async () => {
  await harness.command(`diagnose motherduck at="${utc(Date.now() - day)}"`, operator);
  await harness.settle();
  const verdict = verdictTextOf(slack);
  expect(verdict).not.toContain('Not conclusive');
  // The blocks are JSON: their quotes come escaped.
  expect(verdict).toMatch(/MotherDuck has no database \\?"databox\\?"/);
  expect(verdict).toMatch(/UNDROP DATABASE \\?"databox\\?" brings it back with its snapshot history, as long as the drop is within its retention/);
  // Nothing is sent that would change anything: the bot has no plan that undrops.
  expect(md.sql().filter((sql) => !/^\s*SELECT/i.test(sql))).toEqual([]);
}, 120_000);

it('re-created by a load after the drop: the history is the new database\'s alone (by database_id), and the dropped one\'s snapshots are said to be another database\'s', async () => {
  await harness.command(`diagnose motherduck at="${utc(Date.now() - day)}"`, operator);
  await harness.settle();
  const verdict = verdictTextOf(slack);
  // The dropped databox's snapshots are not this one's: SNAPSHOT_TIME on databox cannot pick them.
  expect(verdict).not.toMatch(/can be restored: SNAPSHOT_TIME picks the snapshot of/);
  expect(verdict).toMatch(/1 snapshot under the name databox belongs to a databox dropped earlier \(another database_id, newest [\d-]+ [\d:.]+ UTC\), not to this one/);
  expect(verdict).toMatch(/UNDROP DATABASE \\?"databox\\?" brings that one back only once the name is free/);
  // A verdict of its own, which does not then say that nothing can bring the data back.
  expect(verdict).toContain('dropped and re-created');
  expect(verdict).toMatch(/is before the databox there now was made \([\d-]+ [\d:.]+ UTC\)/);
  expect(verdict).not.toContain('Nothing in MotherDuck can bring the data back');
  expect(verdict).not.toContain('No state from before the damage');
  // The way to free the name with documented statements only: clone the new one aside, drop it, then UNDROP.
  expect(verdict).toMatch(/CREATE DATABASE \\?"databox_reloaded\\?" FROM \\?"databox\\?"/);
  expect(verdict).toMatch(/DROP DATABASE \\?"databox\\?"[^]*UNDROP DATABASE \\?"databox\\?"[^]*ATTACH 'md:databox'/);
  expect(md.sql().filter((sql) => !/^\s*SELECT/i.test(sql))).toEqual([]);
}, 120_000);
