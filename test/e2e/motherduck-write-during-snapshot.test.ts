// A load that commits while the engine's named snapshot waits for it (MotherDuck's CREATE SNAPSHOT waits for running
// writes): the snapshot holds it, and the plan stops right after, before the swap or the in-place restore undoes it.
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** The dlt load: 5 more rows in each mart. */
const load = marts.map((t) => `INSERT INTO ${t} SELECT 1000 + range, current_date FROM range(5);`).join(' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 5 * day));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-write-during-snapshot-token-01', DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterEach(() => closeStandIns(harness, slack, checkout));

const changes = () => md.sql().filter((sql) => !/^\s*SELECT/i.test(sql));
const threadText = () => slack.messages().map((m) => `${m.text}\n${m.blocks}`).join('\n');

async function diagnosed(at: string): Promise<string> {
  await harness.command(`diagnose motherduck at="${at}"`, operator);
  await harness.settle();
  return journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident;
}

/** Approves the newest plan while a load commits during the engine's CREATE SNAPSHOT. */
async function approveWithLoadDuringSnapshot(): Promise<void> {
  const held = md.holdWhen(/^CREATE SNAPSHOT/);
  const click = harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await held.reached;
  await md.write('databox', load);
  held.release();
  await click;
  await harness.settle();
}

it('the swap stops after its named snapshot when a load committed during it: the load stays in databox, no broken clone or COPY is made', async () => {
  const at = utc(Date.now() - day);
  const incident = await diagnosed(at);
  await harness.command(`recover motherduck path=a at="${at}" incident=${incident}`, operator);
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  await approveWithLoadDuringSnapshot();

  expect(Number(await md.value('databox', count))).toBe(35);
  const sent = changes();
  const snapshotAt = sent.findIndex((sql) => /^CREATE SNAPSHOT/.test(sql));
  expect(snapshotAt).toBeGreaterThan(0);
  // Taken first: a clone made after the check holds what the check saw.
  expect(sent.slice(snapshotAt + 1)).toEqual([]);
  expect(sent.some((sql) => /^COPY FROM DATABASE/.test(sql))).toBe(false);
  expect(threadText()).toMatch(/databox changed after this plan was made: 1 write \(automatic snapshot\) since/);
  expect(threadText()).not.toMatch(/Recovery succeeded/);
}, 120_000);

it('path B stops after its named snapshot when a load committed during it: the load is not undone', async () => {
  const at = utc(Date.now() - day);
  const incident = await diagnosed(at);
  await harness.command(`recover motherduck path=b at="${at}" incident=${incident}`, operator);
  await harness.settle();
  await approveWithLoadDuringSnapshot();

  expect(Number(await md.value('databox', count))).toBe(35);
  expect(changes().some((sql) => /^ALTER DATABASE "databox" SET SNAPSHOT/.test(sql))).toBe(false);
  expect(threadText()).toMatch(/databox changed after this plan was made: 1 write \(automatic snapshot\) since/);
}, 120_000);
