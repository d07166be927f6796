// Scenario 3 through the real Bolt app over signed HTTP, against the MotherDuck stand-in: the diagnosis' snapshot table
// and counts, path A's clone then its swap as a second plan a teammate approves, the named snapshot, and no token anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { motherDuckTarget } from '../../src/database/motherduck-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-e2e-secret-token-value-0042';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

async function motherDuck(): Promise<MotherDuckStandIn> {
  const md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  const hour = 3_600_000;
  const create = marts.map((t) => `CREATE SCHEMA IF NOT EXISTS ${t.split('.')[0]}; CREATE TABLE ${t} AS SELECT range AS id FROM range(100);`).join(' ');
  await md.createDatabase('databox', create, new Date(Date.now() - 48 * hour));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * hour));
  return md;
}

/** A UTC moment between the good snapshot and the bad write. */
const goodMoment = () => new Date(Date.now() - 24 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

describe('scenario 3 in Slack', () => {
  it('diagnoses, clones, asks again with the counts in view, swaps after a named snapshot, and never shows the token', async () => {
    const md = await motherDuck();
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
    });
    const at = goodMoment();
    await harness.command(`diagnose motherduck at="${at}"`, operator);
    await harness.settle();
    const text = slack.allText();
    expect(text).toContain('created_ts (UTC)');
    expect(text).toContain('A restorable moment');
    expect(text).toContain(`analytics.fct_species_environment_daily 30 now, 100 at ${at}`);

    const [pathA] = slack.buttons('choose_path_a');
    expect(pathA, 'the verdict offers path A').toBeDefined();
    await harness.click(pathA!, operator);
    await harness.settle();
    // The path's parameters come in a modal, prefilled with the moment the diagnosis judged.
    const modal = JSON.parse(String(slack.callsTo('views.open').at(-1)?.view));
    const prefilled = Object.fromEntries(modal.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element.initial_value]));
    expect(prefilled).toEqual({ at });
    expect((await harness.submitModal(operator, modal, prefilled)).status).toBe(200);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count), 'the clone changes nothing the stack reads').toBe('30');
    expect(slack.allText()).toMatch(/databox_restored_dbx_\d{8}_[0-9a-f]{4}: ebird\.fct_daily_bird_observations 100/);

    const swapPlan = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path S'));
    expect(swapPlan, 'the swap is proposed as a second plan').toBeDefined();
    expect(String(swapPlan?.blocks)).toContain('CREATE SNAPSHOT');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(await md.value('databox', count), 'the requester cannot approve the destructive swap').toBe('30');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count)).toBe('100');
    const snapshot = md.namedSnapshots()[0] as string;
    const changes = md.sql().filter((sql) => !sql.startsWith('SELECT'));
    expect(changes.slice(-2)).toEqual([`CREATE SNAPSHOT '${snapshot}' OF "databox"`, expect.stringMatching(/^COPY FROM DATABASE "databox_restored_dbx_\d{8}_[0-9a-f]{4}" \(OVERWRITE\) TO "databox"$/)]);
    expect(slack.allText()).toContain(snapshot);

    const everything = [slack.allText(), JSON.stringify(slack.calls), fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'), JSON.stringify(harness.logs)].join('\n');
    expect(everything).not.toContain(token);
  });

  it('says in the thread that MOTHERDUCK_TOKEN is missing, without waiting for a browser login', async () => {
    const noToken = motherDuckTarget({ database: 'databox', connectTimeoutMs: 5_000 }, (t) => t);
    harness = await startBot(checkout, slack, {}, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: noToken, backend: localTarget(checkout.databasePath) },
    });
    await harness.command('diagnose motherduck', operator);
    await harness.settle();
    const text = slack.allText();
    expect(text).toContain('MotherDuck cannot be reached');
    expect(text).toContain('MOTHERDUCK_TOKEN is not set');
    expect(slack.buttons('choose_path_a')).toEqual([]);
  });
});
