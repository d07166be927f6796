// Scenario 3 through the real Bolt app over signed HTTP, against the MotherDuck stand-in: a statement that only makes a
// new database from the stack's one (a clone) changes nothing in it. A path A stopped after its clone is
// not left part-way, nor a change since the diagnosis; another incident's clone does not make waiting plans stale; the
// swap typed while the one its clone proposed waits is that one, not a second; and going back past another incident's
// swap names it.
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
const token = 'md-beside-secret-token-value-0031';
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
  // Two days ago the marts had 100 rows each; two hours ago a bad write kept 30; a named snapshot from before it.
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 48 * hour));
  md.takeSnapshot(md.live('databox'), 'before_bad_write', new Date(Date.now() - 47 * hour));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * hour));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterEach(() => closeStandIns(harness, slack, checkout));

const at = () => utc(Date.now() - 24 * hour);
const lastResponse = () => String(slack.responses.at(-1)?.body.text ?? '');
const incidents = () => journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').map((r) => r.incident as string);
const plans = (title: string) => slack.messages().filter((m) => m.text.startsWith(`Plan ${title}`));

async function say(text: string): Promise<void> {
  await harness.command(text, operator);
  await harness.settle();
}

async function approveNewest(): Promise<void> {
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

/** Diagnoses a moment, then clones it (path A, approved): the swap it proposes waits. Returns the incident. */
async function cloned(moment = at()): Promise<string> {
  await say(`diagnose motherduck at="${moment}"`);
  const incident = incidents().at(-1)!;
  await say(`recover motherduck path=a at="${moment}" incident=${incident}`);
  await approveNewest();
  return incident;
}

describe('a clone made beside the database changes nothing in it', () => {
  it("path A stopped at its clone's counts, having made only the clone, is not left part-way, and path B is still proposed on the diagnosis", async () => {
    // The swap takes its named snapshot before its broken clone (resolve.ts): path A's clone is the one made beside alone.
    const moment = at();
    await say(`diagnose motherduck at="${moment}"`);
    const incident = incidents().at(-1)!;
    await say(`recover motherduck path=a at="${moment}" incident=${incident}`);
    md.failWhen(/^SELECT count\(\*\) FROM "databox_restored_/, 'IO Error: the clone could not be read');
    await approveNewest();
    expect(await md.value('databox', count)).toBe('30');
    expect(md.liveDatabases()).toContain(`databox_restored_${incident.replace(/-/g, '_')}`);
    expect(slack.allText()).toContain('First stage of the recovery failed');
    expect(slack.allText()).not.toContain('Changed before it stopped');

    const status = await harness.command('status', operator);
    expect(String(status.text)).not.toContain('Left part-way');

    await say(`recover motherduck path=b at="${moment}" incident=${incident}`);
    expect(lastResponse()).not.toContain('has changed since');
    expect(plans('Path B')).toHaveLength(1);
  });

  it("another incident's clone leaves the first incident's waiting swap approvable, and its plan does not say otherwise", async () => {
    const first = await cloned();
    const [swap] = plans('Path S');
    expect(swap).toBeDefined();

    await say('diagnose motherduck snapshot="before_bad_write"');
    const second = incidents().at(-1)!;
    expect(second).not.toBe(first);
    await say(`recover motherduck path=n snapshot="before_bad_write" incident=${second}`);
    const clone = plans('Path N').at(-1);
    expect(clone?.blocks).not.toContain('can no longer be approved');
    await approveNewest();
    expect(md.liveDatabases()).toContain(`databox_restored_${second.replace(/-/g, '_')}`);

    const status = String((await harness.command('status', operator)).text);
    expect(status).not.toContain('No longer approvable');
    // The first incident's swap still goes through.
    const firstSwap = slack.buttons('approve_plan').filter((b) => JSON.parse(String(b.value)).run.startsWith(`${first}/`)).at(-1)!;
    await harness.click(firstSwap, teammate);
    await harness.settle();
    // The approval is taken; the approver is told it voids the second incident's swap, made on the databox it swaps.
    expect(slack.ephemerals(teammate)).toEqual([expect.stringMatching(new RegExp(`^:warning: Approved\\. Once this plan runs, plan ${second}/\\d+ \\(Path S: .*\\), waiting for approval, can no longer be approved`))]);
    expect(await md.value('databox', count)).toBe('100');
  });

  it("going back to a moment before another incident's swap names that swap in the plan, beside the writes it counts", async () => {
    const first = await cloned();
    await approveNewest();
    expect(await md.value('databox', count)).toBe('100');
    const [swap] = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 's').map((r) => r.data.run.id as string);

    const before = utc(Date.now() - 24 * hour);
    await say(`diagnose motherduck at="${before}"`);
    const second = incidents().at(-1)!;
    expect(second).not.toBe(first);
    await say(`recover motherduck path=b at="${before}" incident=${second}`);
    const plan = plans('Path B').at(-1);
    expect(plan?.blocks).toMatch(/undoes 2 writes \(automatic snapshots\) made to databox since/);
    expect(plan?.blocks).toContain(
      `Going back to ${before} UTC also undoes another incident's recovery, approved and run on databox since: plan ${swap} (Path S: Swap the restored clone in (second approval)) of incident ${first}, which ran at `,
    );
    expect(plan?.blocks).toContain("What it changed goes with the writes counted, and that incident is no longer recovered: read it before approving.");

    // Run, it undid the first incident's swap: the status no longer reads that incident as recovered.
    await approveNewest();
    expect(slack.messages().filter((m) => m.text.startsWith('Recovery succeeded')).map((m) => m.text)).toEqual([
      'Recovery succeeded: Path S: Swap the restored clone in (second approval)',
      'Recovery succeeded: Path B: Overwrite in place (after a named snapshot)',
    ]);
    const [pathB] = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'b').map((r) => r.data.run.id as string);
    const status = String((await harness.command('status', operator)).text);
    const firstLine = status.split('\n').find((line) => line.includes(`\`${first}\``));
    expect(firstLine).toContain(`now: not recovered: plan ${pathB} (Path B: Overwrite in place (after a named snapshot)) of incident ${second} went back to ${before} UTC, before ${swap} ran, undoing it; diagnose again`);
    // Nor does the top of the first incident's thread, where it read as recovered: what undid it, when, and what to do.
    const firstRoot = slack.messages().find((m) => !m.threadTs && m.text.startsWith(`Incident ${first}:`));
    expect(firstRoot?.blocks).toMatch(
      new RegExp(`Status: not recovered: recovery ${swap} succeeded at \\d\\d:\\d\\d UTC, then was undone at \\d\\d:\\d\\d UTC by plan ${pathB} of incident ${second}, which went back to ${before} UTC; diagnose again ·`),
    );

    // Path B rolled back, what the first incident's swap made is back: its thread's top says where it stands again.
    await harness.click(slack.buttons('request_rollback').find((b) => JSON.parse(b.value).run === pathB)!, operator);
    await harness.settle();
    await approveNewest();
    expect(journalRecordsOf(checkout).some((r) => r.type === 'run.finished' && r.data.status === 'succeeded' && r.data.runId === JSON.parse(slack.buttons('approve_plan').at(-1)!.value).run)).toBe(true);
    const firstRootNow = slack.messages().find((m) => !m.threadTs && m.text.startsWith(`Incident ${first}:`));
    expect(firstRootNow?.blocks).toContain('Status: validation succeeded ·');
  });

  it('the swap typed while the one its clone proposed waits is that one: a link to it, no second plan', async () => {
    const incident = await cloned();
    expect(plans('Path S')).toHaveLength(1);
    const [waiting] = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 's').map((r) => r.data.run.id as string);

    await say(`recover motherduck path=s incident=${incident}`);
    expect(plans('Path S')).toHaveLength(1);
    expect(lastResponse()).toBe(`:link: The same plan already waits for approval: \`${waiting}\` in the incident's thread. Nothing new was proposed.`);
  });
});
