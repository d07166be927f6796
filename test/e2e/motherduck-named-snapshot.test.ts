// Scenario 3 past the retention, through the real Bolt app over signed HTTP against the MotherDuck stand-in: a moment
// older than the retention points to the named snapshots; `diagnose motherduck snapshot=<name>` compares the marts now
// and in it; path N clones it (a teammate approves), then the swap (path S, approved again) makes the database equal
// to the snapshot, with the rollback offered.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { prefilledValues, type SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-named-secret-token-value-0099';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const notesTables = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'notes'";
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** The team's own snapshot, named as a person would: a quote and spaces, which only the literal renderer may put into SQL. */
const snapshotName = "team's pre_mart_rewrite 20260421";

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;
/** Before the bad write and before the named snapshot was replaced: past the 7-day retention now. */
let tenDaysAgo: string;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  // 15 days ago the marts with 100 rows; 10 days ago the team's named snapshot of them; 9 days ago 20 rows more (120);
  // 3 days ago a table the snapshot does not have; 2 hours ago the bad write that kept 50 rows.
  const create = createTablesSql(marts, 100, 15);
  await md.createDatabase('databox', create, new Date(Date.now() - 15 * day));
  tenDaysAgo = utc(Date.now() - 10 * day);
  md.takeSnapshot(md.live('databox'), snapshotName, new Date(Date.now() - 10 * day));
  await md.write('databox', marts.map((t) => `INSERT INTO ${t} SELECT range + 100, current_date - 9 FROM range(20);`).join(' '), new Date(Date.now() - 9 * day));
  await md.write('databox', 'CREATE TABLE analytics.notes AS SELECT 1 AS id', new Date(Date.now() - 3 * day));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(() => closeStandIns(harness, slack, checkout));

const verdictOf = (title: string) => slack.callsTo('chat.postMessage').filter((p) => String(p.text).includes(title)).at(-1);
/** Slack's text as a person reads it: the quotes in JSON blocks unescaped, and &, < and > as typed. */
const readable = (text: unknown) => String(text).replace(/\\"/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('a moment past the retention, recovered from a named snapshot', () => {
  it('points a too-old moment to the named snapshots, with the command to diagnose one', async () => {
    await harness.command(`diagnose motherduck at="${tenDaysAgo}"`, operator);
    await harness.settle();
    const verdict = readable(verdictOf('No snapshot reaches the moment')?.blocks);
    expect(verdict).toContain(`${tenDaysAgo} UTC (read as UTC, as every moment given to the bot is) is older than the retention (7 days)`);
    expect(verdict).toContain('diagnose again with it to compare the marts now and in it, and to be offered path N: `/databox diagnose motherduck snapshot="<its name>"`');
    expect(verdict).not.toContain('by hand');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });

  it('refuses a diagnosis given both a moment and a named snapshot, running nothing', async () => {
    const sent = md.sent.length;
    await harness.command(`diagnose motherduck at="${tenDaysAgo}" snapshot="${snapshotName}"`, operator);
    await harness.settle();
    expect(readable(slack.responses.at(-1)?.body.text)).toContain('give one of at= or snapshot=, not both: at and snapshot ask for different things');
    expect(md.sent).toHaveLength(sent);
  });

  it('diagnoses the named snapshot, clones it on a teammate\'s approval, swaps it in on a second, and offers the rollback', async () => {
    await harness.command(`diagnose motherduck snapshot="${snapshotName}"`, operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident as string;
    const slug = incident.replace(/-/g, '_');
    const verdict = readable(verdictOf('A named snapshot to go back to')?.blocks);
    expect(verdict).toContain(`'${snapshotName}' is a named snapshot of databox, taken ${tenDaysAgo} UTC`);
    expect(verdict).toContain(`analytics.fct_species_environment_daily 50 now, 100 in snapshot '${snapshotName}'`);
    // Only the steps written for snapshot=: the marts' counts as of a moment (at=) are no step of it, nor its evidence.
    const diagnosis = slack.messages().filter((m) => m.text.startsWith('Diagnosis finished')).at(-1);
    const steps = [...readable(diagnosis?.blocks).matchAll(/\*(\d+)\. ([^*]+)\*/g)].map((m) => `${m[1]}. ${m[2]}`);
    expect(steps).toEqual([
      '1. The 20 newest snapshots and the retention in force',
      "2. The named snapshot asked for, among the database's named snapshots",
      "3. The marts' row counts now, and in the named snapshot from a scratch clone that is always dropped",
    ]);
    expect(verdict).not.toMatch(/as of `at`|moment asked for/);
    // The diagnosis' scratch clone is gone.
    expect(md.liveDatabases()).toEqual(['databox']);

    const [pathN, ...others] = slack.buttons(/^choose_path_/);
    expect(others).toEqual([]);
    expect(pathN?.actionId).toBe('choose_path_n');
    await harness.click(pathN!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const prefilled = prefilledValues(modal);
    expect(prefilled).toEqual({ snapshot: snapshotName });
    expect((await harness.submitModal(operator, modal, prefilled)).status).toBe(200);
    await harness.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path N')).at(-1);
    expect(readable(plan?.blocks)).toContain(`CREATE DATABASE "databox_restored_${slug}" FROM "databox" (SNAPSHOT_NAME 'team''s pre_mart_rewrite 20260421')`);

    // The requester cannot approve the clone; a teammate can.
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(md.liveDatabases(), 'nothing was cloned').toEqual(['databox']);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(md.sql()).toContain(`CREATE DATABASE "databox_restored_${slug}" FROM "databox" (SNAPSHOT_NAME 'team''s pre_mart_rewrite 20260421')`);
    // The clone is the snapshot (100 rows, no notes table), not any later state (120 rows, or 50 with the notes).
    expect(await md.value(`databox_restored_${slug}`, count)).toBe('100');
    expect(await md.value(`databox_restored_${slug}`, notesTables)).toBe('0');
    expect(await md.value('databox', count), 'the clone changes nothing the stack reads').toBe('50');
    expect(slack.allText()).toContain(`databox_restored_${slug}: ebird.fct_daily_bird_observations 100`);

    // Then path S, proposed by itself as a second plan, approved by a teammate.
    const swapPlan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path S')).at(-1);
    expect(swapPlan, 'the swap is proposed as a second plan').toBeDefined();
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(await md.value('databox', count), 'the requester cannot approve the swap').toBe('50');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count)).toBe('100');
    expect(await md.value('databox', notesTables)).toBe('0');
    for (const mart of marts) expect(await md.value('databox', `SELECT count(*) FROM ${mart}`)).toBe('100');
    // The broken state is kept, and the swap came right after the engine's named snapshot, which the rollback restores.
    expect(md.liveDatabases().sort()).toEqual(['databox', `databox_broken_${slug}`, `databox_restored_${slug}`]);
    expect(await md.value(`databox_broken_${slug}`, count)).toBe('50');
    const swapSnapshot = md.namedSnapshots().find((name) => name.startsWith(`databox_bot_${slug}_swap_`)) as string;
    const changes = md.sql().filter((sql) => !/^\s*SELECT/i.test(sql));
    expect(changes.slice(-3)).toEqual([`CREATE SNAPSHOT '${swapSnapshot}' OF "databox"`, `CREATE DATABASE IF NOT EXISTS "databox_broken_${slug}" FROM "databox"`, `COPY FROM DATABASE "databox_restored_${slug}" (OVERWRITE) TO "databox"`]);
    const swapRun = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 's').at(-1)?.data.runId;
    expect(swapRun).toBe(`${incident}/3`);
    expect(slack.buttons('request_rollback').map((b) => JSON.parse(b.value))).toContainEqual({ run: swapRun });
    // Validation lists the clones left; it failed (below), so the rollback is offered and path C is not (it would
    // remove the name of the snapshot the rollback restores).
    expect(slack.allText()).toContain(`databox_broken_${slug}, databox_restored_${slug}`);
    expect(slack.buttons('propose_follow_up')).toHaveLength(0);
    // The snapshot's marts end 15 days ago: the restore's gap is told, with the reload that closes it, and the
    // validation does not pass on marts past their SLA.
    const dayOf = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);
    expect(slack.allText()).toContain(`4 of 4 marts past their SLA: ebird.fct_daily_bird_observations: newest ${dayOf(15 * day)}`);
    const gap = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Next: A restore leaves the marts past their SLA'));
    expect(String(gap?.text)).toContain(`/databox recover schedule path=a from=${dayOf(15 * day)} to=${dayOf(day)}`);
    expect(String(gap?.text)).toContain(`then \`/databox validate motherduck incident=${incident}\``);
    const validation = journalRecordsOf(checkout).filter((r) => r.type === 'run.finished').at(-1);
    expect(validation?.data.status).toBe('failed');
    // Its checks after the freshness step still ran: where it failed is not where it stopped.
    expect(slack.allText()).toContain("first failed at *Each restored mart's newest date against its SLA*");

    // The swap rolled back, a cleanup proposed after it warns that the restored clone may be what a new swap needs.
    await harness.click(slack.buttons('request_rollback').find((b) => JSON.parse(b.value).run === swapRun)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count), 'the rollback put the database back').toBe('50');
    await harness.command(`recover motherduck path=c incident=${incident}`, operator);
    await harness.settle();
    const cleanupPlan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path C')).at(-1);
    expect(String(cleanupPlan?.blocks)).toMatch(/A rollback of this incident ran \(plan dbx-\d{8}-[0-9a-f]{4}\/\d+, Rollback of path S[^)]*\): the database is back as it was before, so a restored clone this plan drops may be the one a new swap needs/);
    expect(md.liveDatabases().sort(), 'nothing dropped before anyone approves').toEqual(['databox', `databox_broken_${slug}`, `databox_restored_${slug}`]);
  });
});
