// A mart dropped with its schema on prod MotherDuck (the runbook's "accidental DROP"): the diagnosis counts it as not
// there now, dropped since the moment, and offers path A; the swap is proposed and puts the mart back. A next plan
// that cannot be proposed is said in the thread, with the command that proposes it, not only to whoever approved.
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { prefilledValues, type SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const dropped = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const hour = 3_600_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 48 * hour));
  await md.write('databox', 'DROP TABLE analytics.fct_species_environment_daily; DROP SCHEMA analytics;', new Date(Date.now() - 2 * hour));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-mart-dropped-token-value-0031', DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** Takes path A from the verdict's button, and has a teammate approve its clone. */
async function cloneThroughPathA(): Promise<void> {
  await harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  const modal = slack.lastForm();
  await harness.submitModal(operator, modal, prefilledValues(modal));
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

it('counts the dropped mart as not there now, offers path A, and its swap puts the mart back', async () => {
  await harness.command(`diagnose motherduck at="${utc(Date.now() - 24 * hour)}"`, operator);
  await harness.settle();
  const verdict = verdictTextOf(slack);
  expect(verdict).not.toContain('Not conclusive');
  expect(verdict).toContain('A restorable moment');
  expect(verdict).toMatch(/analytics\.fct_species_environment_daily not there now \(dropped since [\d-]+ [\d:]+ UTC\), 100 at /);
  expect(slack.buttons('choose_path_a')).toHaveLength(1);

  await cloneThroughPathA();
  // The swap is proposed after the clone, its plan counting the mart as not there: a second approval puts it back.
  expect(slack.ephemerals().join('\n')).not.toContain('nothing was proposed');
  expect(slack.buttons('approve_plan')).toHaveLength(2);
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  expect(Number(await md.value('databox', dropped))).toBe(100);
  // The broken state kept (the mart not there) is the state the diagnosis counted: listed, not said to hold rows nobody saw.
  const validation = slack
    .messages()
    .filter((m) => m.text.startsWith('Validation'))
    .map((m) => m.blocks)
    .join('\n');
  expect(validation).toMatch(/left on MotherDuck: databox_broken_/);
  expect(validation).not.toContain('not countable');
  expect(validation).not.toContain('counts as neither');
}, 120_000);

it('a swap that cannot be proposed after the clone is said in the thread, with the command that proposes it', async () => {
  // The count of the database the swap's plan makes fails (a connection lost, say): nothing is proposed.
  await harness.command(`diagnose motherduck at="${utc(Date.now() - 24 * hour)}"`, operator);
  await harness.settle();
  md.failWhen(/^SELECT count\(\*\) FROM "databox"\.ebird/, 'IO Error: connection to MotherDuck lost');
  await cloneThroughPathA();
  expect(slack.buttons('approve_plan')).toHaveLength(1);
  const thread = slack
    .messages()
    .filter((m) => m.threadTs !== undefined)
    .map((m) => `${m.text}\n${m.blocks}`)
    .join('\n');
  expect(thread).toMatch(/The next plan, Swap the restored clone in \(second approval\), was not proposed: cannot count databox to make the plan: IO Error: connection to MotherDuck lost/);
  expect(thread).toMatch(/\/databox recover motherduck path=s incident=dbx-/);
}, 120_000);
