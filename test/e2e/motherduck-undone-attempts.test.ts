// Scenario 3 through the real Bolt app over signed HTTP, against the MotherDuck stand-in: a path B plan going back past
// another incident's swaps names those whose changes may still stand, each said as it ended (a swap that failed may
// have changed the database; one stopped before it changed anything, or already rolled back, left nothing and is not
// named), with the validation that followed that very swap.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-undone-secret-token-value-0047';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
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
  // Two days ago the marts had 100 rows each; two hours ago a bad write kept 30.
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 48 * hour));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * hour));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterEach(() => closeStandIns(harness, slack, checkout));

const incidents = () => journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').map((r) => r.incident as string);
const plans = (title: string) => slack.messages().filter((m) => m.text.startsWith(`Plan ${title}`));
const proposedIds = (pathId: string) => journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === pathId).map((r) => r.data.run.id as string);
const runIdOf = (button: { value: string }) => JSON.parse(button.value).run as string;

async function say(text: string): Promise<void> {
  await harness.command(text, operator);
  await harness.settle();
}

async function approveNewest(): Promise<void> {
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

/** The warning of the newest path B plan about other incidents' recoveries, from "Going back" to its end. */
function undoneWarning(): string {
  const blocks = String(plans('Path B').at(-1)?.blocks ?? '');
  const start = blocks.lastIndexOf('Going back to', blocks.indexOf(' also undoes '));
  return !blocks.includes(' also undoes ') ? '' : blocks.slice(start, blocks.indexOf('before approving.', start) + 'before approving.'.length);
}

describe("a plan going back past another incident's swaps", () => {
  it('names a swap that failed as maybe having changed the database, credits each its own validation, and leaves out one rolled back', async () => {
    const moment = utc(Date.now() - 24 * hour);
    await say(`diagnose motherduck at="${moment}"`);
    const first = incidents().at(-1)!;
    await say(`recover motherduck path=a at="${moment}" incident=${first}`);
    await approveNewest();
    // The first swap stops before it changes anything: MotherDuck refuses the named snapshot taken before its COPY.
    md.failWhen(/^CREATE SNAPSHOT/, 'Catalog Error: snapshot quota reached');
    await approveNewest();
    // The second: MotherDuck refuses its COPY. The third: applied, its answer lost (its outcome unknown).
    await say(`recover motherduck path=s incident=${first}`);
    md.failWhen(/^COPY FROM DATABASE/, 'HTTP Error: 503 Service Unavailable');
    await approveNewest();
    expect(await md.value('databox', count)).toBe('30');
    await say(`recover motherduck path=s incident=${first}`);
    md.failAfter(/^COPY FROM DATABASE/, 'IO Error: the connection to MotherDuck was lost');
    await approveNewest();
    expect(await md.value('databox', count)).toBe('100');
    const [refusedSwap, failedSwap, unknownSwap] = proposedIds('s') as [string, string, string];
    expect(new Set([refusedSwap, failedSwap, unknownSwap]).size).toBe(3);
    await say(`validate motherduck incident=${first}`);
    const validation = journalRecordsOf(checkout).filter((r) => r.type === 'run.finished' && r.incident === first).at(-1);
    expect(validation?.data.status).toBe('succeeded');

    // Another incident goes back to a moment before both swaps: each is named as it ended.
    const before = utc(Date.now() - 30 * hour);
    await say(`diagnose motherduck at="${before}"`);
    const second = incidents().at(-1)!;
    expect(second).not.toBe(first);
    await say(`recover motherduck path=b at="${before}" incident=${second}`);
    const both = undoneWarning();
    expect(both).toContain(`Going back to ${before} UTC also undoes another incident's recoveries, approved and run on databox since: `);
    expect(both).toMatch(new RegExp(`plan ${failedSwap} \\(Path S: [^)]*\\)\\) of incident ${first}, which failed at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC and may have changed databox before it stopped; `));
    // The swap that changed nothing is not among them.
    expect(both).not.toContain(`${refusedSwap} `);
    // The validation that passed followed the last swap, not the one before.
    expect(both).not.toMatch(new RegExp(`${failedSwap} [^;]*validation`));
    expect(both).toMatch(new RegExp(`plan ${unknownSwap} \\(Path S: [^)]*\\)\\) of incident ${first}, which ended, its outcome unknown, at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, its validation passed\\.`));
    expect(both).toContain('What they may have changed goes with the writes counted, and that incident is no longer recovered: read them before approving.');

    // The second swap rolled back, nothing of it stands: only the first is named, and the incident is not said to be recovered.
    await harness.click(slack.buttons('request_rollback').find((b) => runIdOf(b) === unknownSwap)!, operator);
    await harness.settle();
    await approveNewest();
    expect(await md.value('databox', count)).toBe('30');
    // The database changed since the second incident's diagnosis: diagnosed again, as the bot asks.
    await say(`diagnose motherduck at="${before}" incident=${second}`);
    await say(`recover motherduck path=b at="${before}" incident=${second}`);
    expect(plans('Path B')).toHaveLength(2);
    const one = undoneWarning();
    expect(one).toMatch(
      new RegExp(
        `^Going back to ${before} UTC also undoes another incident's recovery, approved and run on databox since: plan ${failedSwap} \\(Path S: [^)]*\\)\\) of incident ${first}, which failed at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC and may have changed databox before it stopped\\. ` +
          `What it may have changed goes with the writes counted: read it before approving\\.$`,
      ),
    );
    expect(one).not.toContain(`${unknownSwap} `);
    expect(one).not.toContain(`${refusedSwap} `);
    expect(one).not.toContain('no longer recovered');
  }, 120_000);
});
