// A MotherDuck account on the Lite plan, which cannot take named snapshots, through the real Bolt app over signed HTTP
// against the MotherDuck stand-in: a plan with a destructive step (undone by the named snapshot the engine takes before
// it) is refused when proposed, and, when the account moved to Lite while it waited, not started when approved, both
// saying why before anything changes; a plan with no destructive step (path A's clone) is proposed as ever.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-lite-secret-token-value-0042';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const hour = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString().slice(0, 19).replace('T', ' ');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  // Lite (paid): automatic snapshots kept a day, no named snapshots. 20 hours ago the marts with 100 rows; 2 hours ago
  // the bad write that kept 30.
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'), { retentionDays: 1, orgType: 'lite' });
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 20 * hour));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * hour));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(() => closeStandIns(harness, slack, checkout));

const changes = () => md.sql().filter((sql) => !/^\s*SELECT/i.test(sql));
const lastResponse = () => String(slack.responses.at(-1)?.body.text ?? '');
const newestPlan = () => slack.buttons('approve_plan').at(-1)!;
/** The refusal's words, whoever says them: the account's plan, what the snapshot was for, and what is left. */
const liteSaid = (step: string) =>
  `the MotherDuck account is on the Lite plan (md_user_info() says org_type 'lite'), which cannot take named snapshots: they are a Business-plan feature. ` +
  `The bot takes a named snapshot of databox right before each destructive step of this plan ("${step}"), as what undoes it, and refuses to change databox without one`;
const inPlace = 'Restore the database in place to the known-good moment';

async function recover(args: string): Promise<void> {
  await harness.command(`recover motherduck ${args}`, operator);
  await harness.settle();
}

describe('a Lite account, which cannot take named snapshots', () => {
  it('refuses an in-place restore when proposed, saying why before anything changes', async () => {
    md.sent.length = 0;
    const plans = slack.buttons('approve_plan').length;
    await recover(`path=b at="${ago(10 * hour)}"`);
    expect(lastResponse()).toContain(`refused, nothing was proposed: ${liteSaid(inPlace)}`);
    expect(lastResponse()).toContain('On Lite only automatic snapshots are kept (1 day on the paid plan, none on the free one), restorable by time, by hand');
    expect(slack.buttons('approve_plan'), 'no plan was proposed').toHaveLength(plans);
    expect(md.sql()).toContain("SELECT org_type FROM md_user_info()");
    expect(changes()).toEqual([]);
    expect(md.namedSnapshots()).toEqual([]);
    expect(await md.value('databox', count)).toBe('30');
  });

  it('proposes a plan with no destructive step as ever: path A only clones', async () => {
    const plans = slack.buttons('approve_plan').length;
    await recover(`path=a at="${ago(10 * hour)}"`);
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    await harness.click(slack.buttons('reject_plan').at(-1)!, operator);
    await harness.settle();
  });

  it('reads the plan again right before running: moved to Lite while the plan waited, it is not started, nothing changed', async () => {
    md.setOrgType('business');
    await recover(`path=b at="${ago(10 * hour)}"`);
    const approve = newestPlan();
    const run = JSON.parse(approve.value).run as string;
    md.setOrgType('lite');
    md.sent.length = 0;
    await harness.click(approve, teammate);
    await harness.settle();
    expect(changes(), 'neither the snapshot nor the restore ran').toEqual([]);
    expect(await md.value('databox', count)).toBe('30');
    expect(slack.ephemerals(teammate).at(-1)).toContain(`plan ${run} was not started, nothing was changed: ${liteSaid(inPlace)}`);
    expect(journalRecordsOf(checkout).some((r) => r.type === 'run.started' && r.data.runId === run)).toBe(false);
    const planMessage = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(planMessage.blocks).toContain(`Not started: plan ${run} was not started, nothing was changed: the MotherDuck account is on the Lite plan`);
  });
});
