// Scenario 2 on MotherDuck through the real Bolt app, once its recovery is validated: the named snapshots the engine took
// for it are offered for release (path C, a teammate approves), and path A's rollback, which puts the kept rows back and
// restores none of them, is still proposed after it, saying the one it named as a last resort (taken before the DELETE;
// the one before the restate is none) was released (by which run, when) rather than offering it by a name it no longer has. A validation that failed
// lists them and offers no release, and path B's advice for a failed validation is still posted; path B's rollback puts
// the marts' kept rows back and names the snapshot taken before its restate as the last resort.
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { createBackfillDatabase, ebirdReloadCommand, ebirdRestateCommand, reloadRawSql, restateMartSql } from '../helpers/backfill-data.js';
import { assetCheckAnswers } from '../helpers/dagster-checks.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
// Today, for the bot and "MotherDuck", is 2026-04-25: the data's 60 days end yesterday.
const offset = Date.parse('2026-04-25T08:00:00Z') - Date.now();
const clock = () => new Date(Date.now() + offset);
const noaaRestate =
  'uv run sqlmesh plan prod --start 2026-04-09 --end 2026-04-11 --restate-model noaa.fct_daily_weather --restate-model analytics.fct_species_environment_daily --auto-apply';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'), { clock });
  await md.createDatabaseFrom('databox', (file) =>
    createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 500, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] }, noaa: { martOnlyZero: ['2026-04-10'] } }),
  );
  // The reload and the restate write to MotherDuck, as dlt and SQLMesh do with DATABOX_BACKEND=motherduck: the window is
  // whole again, and the validation passes. noaa's restate exits 0 and the models still drop the day: its validation fails.
  const database = md.live('databox').file;
  const window = ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'];
  checkout.behave({
    [ebirdReloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 500)], params: window, database },
    [ebirdRestateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'], database },
    [noaaRestate]: { stdout: 'sqlmesh: restated 2 models\n' },
  });
  serveDagster(assetCheckAnswers({ runStatuses: ['SUCCESS'] }).answers);
  const dagster = { DAGSTER_URL: dagsterUrl, DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: 'md-release-token-0001', DATABOX_BACKEND: 'motherduck', ...dagster }, clock, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(async () => {
  await closeStandIns(harness, slack, checkout);
  nock.cleanAll();
});

const changes = () => md.sql().filter((sql) => !/^\s*(SELECT|DESCRIBE)\b/i.test(sql) && !/^(BEGIN|COMMIT|ROLLBACK)/.test(sql));
const newestPlan = () => slack.buttons('approve_plan').at(-1)!;

async function submitPrefilled(user: string): Promise<void> {
  const modal = slack.lastForm();
  const prefilled = Object.fromEntries(modal.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element.initial_value ?? '']));
  expect((await harness.submitModal(user, modal, prefilled)).status).toBe(200);
  await harness.settle();
}

describe('scenario 2 on MotherDuck, once its recovery is validated', () => {
  it("offers to release the incident's named snapshots, a teammate approves, and path A's rollback is still proposed after it", async () => {
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await submitPrefilled(operator);
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation succeeded');
    // The engine's named snapshots before the plan's destructive steps, the DELETE and the restate: the reload only writes.
    const taken = md.namedSnapshots();
    expect(taken).toEqual([expect.stringMatching(/_delete_raw_\d{8}T\d{6}Z$/), expect.stringMatching(/_restate_\d{8}T\d{6}Z$/)]);
    const incident = /dbx-\d{8}-[0-9a-f]{4}/.exec(taken[0]!.replace(/_/g, '-'))?.[0] as string;

    // Before: nothing but path A's rollback spoke of them, and MotherDuck kept them (and billed them) for good.
    const followUp = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Next: The validation passed'));
    expect(followUp?.text).toMatch(
      new RegExp(`named snapshots the bot took of databox for this incident, kept until their names are removed: '${taken[0]}' \\(id [^)]*\\), '${taken[1]}' \\(id `),
    );
    expect(followUp?.text).toContain("name as theirs the one taken before path A's DELETE or path B's restate");
    expect(followUp?.text).toContain('once no such going back is wanted any more, remove their names with path C (a teammate approves it)');
    const elements = (followUp?.blocksParsed as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(elements.map((e) => e.text.text)).toEqual(['Plan cleanup of 2 named snapshots']);
    expect(String(followUp?.blocks)).toContain(`Or type \`/databox recover backfill path=c incident=${incident}\``);

    md.sent.length = 0;
    await harness.click(slack.buttons('propose_follow_up').at(-1)!, operator);
    await harness.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path C')).at(-1);
    for (const name of taken) expect(String(plan?.blocks)).toContain(`ALTER SNAPSHOT \\"databox\\".\\"${name}\\" SET snapshot_name = '' -- id `);
    expect(String(plan?.blocks)).toMatch(
      new RegExp(`This cleanup removes the names of the named snapshots the bot took of databox for this incident, '${taken[0]}' \\(id [^)]*\\), '${taken[1]}' \\(id `),
    );
    expect(String(plan?.blocks)).toContain('a rollback of this incident that restores one of them by name is refused from then on');
    // Path A's rollback, still offered, puts the kept rows back and restores neither snapshot by its name: no warning that the cleanup refuses it.
    expect(String(plan?.blocks)).not.toContain('the rollback is refused after it');
    const cleanupRun = JSON.parse(newestPlan().value).run as string;
    await harness.click(newestPlan(), operator);
    await harness.settle();
    expect(md.namedSnapshots(), 'the requester cannot release them alone').toEqual(taken);
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(md.namedSnapshots()).toEqual([]);
    // Names removed, and nothing else: no snapshot of its own before it, no change to the database.
    expect(changes()).toEqual(taken.map((name) => `ALTER SNAPSHOT "databox"."${name}" SET snapshot_name = ''`));

    // The rollback puts the kept rows back and restores no named snapshot: the cleanup leaves it as it was.
    md.sent.length = 0;
    const plans = slack.buttons('approve_plan').length;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    const rollback = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
    expect(String(rollback?.blocks)).toContain('Put the window');
    expect(changes()).toEqual([]);
    // Its last resort is no longer offered by a name the cleanup removed: said released, by which run and when, and
    // what still reaches it (its id, while the retention keeps it).
    const said = String(rollback?.blocks);
    expect(said).toMatch(new RegExp(`it is no longer a named snapshot: the cleanup ${cleanupRun} released it at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC, removing its name '${taken[0]}'`));
    expect(said).toContain("SET SNAPSHOT TO (SNAPSHOT_ID '");
    expect(said).not.toContain(`SNAPSHOT_NAME '${taken[0]}'`);
    expect(said).not.toContain(`named snapshot '${taken[0]}'`);
    // The one taken before the restate, after the DELETE and reload, is said to be no last resort, and released too.
    expect(said).toContain(`The recovery's later snapshot, '${taken[1]}' before \\"Restate the affected SQLMesh models for the window only\\" (its name since released by the cleanup ${cleanupRun}), is no last resort for this rollback`);
    expect(said).not.toContain(`SNAPSHOT_NAME '${taken[1]}'`);
  });

  it("after a validation that failed lists the named snapshot and offers no release (a rollback may be next), and path B's advice is still posted; its rollback puts the kept rows back", async () => {
    await harness.command('diagnose backfill source=noaa from=2026-04-05 to=2026-04-15', operator);
    await harness.settle();
    const incident = JSON.parse(slack.buttons('choose_path_b').at(-1)!.value).incident as string;
    const offered = slack.buttons('propose_follow_up').length;
    await harness.command(`recover backfill path=b source=noaa from=2026-04-09 to=2026-04-11 incident=${incident}`, operator);
    await harness.settle();
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command).at(-1)).toBe(noaaRestate);
    const [restate] = md.namedSnapshots().filter((name) => name.startsWith(`databox_bot_${incident.replace(/-/g, '_')}_`));
    expect(restate).toMatch(/_restate_\d{8}T\d{6}Z$/);
    expect(slack.posted('Validation failed')).toContain('2026-04-10 zero (0)');
    expect(slack.allText()).toContain(`named snapshots the bot took of databox for this incident, kept until their names are removed: '${restate}'`);
    expect(slack.buttons('propose_follow_up')).toHaveLength(offered);
    // The release's follow-up holds on the listing, but is for a validation that passed: path B's own advice speaks here.
    const next = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Next: ')).at(-1);
    expect(next?.text).toContain('Next: The restate ran, and the validation still finds the window bad');

    // Path B's rollback puts the marts' kept rows back, each put-back after a named snapshot of its own, and names the
    // snapshot taken before the restate as the last resort, as path A's names the one before its DELETE.
    const martWindow = "SELECT count(*), sum(hash(COLUMNS(*))) FROM noaa.fct_daily_weather WHERE day_date BETWEEN DATE '2026-04-09' AND DATE '2026-04-11'";
    const martBefore = await md.value('databox', martWindow);
    md.sent.length = 0;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback of path B')).at(-1);
    const said = String(plan?.blocks);
    expect(said).toContain(`This rollback does not restore the named snapshot '${restate}' the bot took of databox before \\"Restate the affected SQLMesh models for the window only\\"`);
    expect(said).toContain(`ALTER DATABASE \\"databox\\" SET SNAPSHOT TO (SNAPSHOT_NAME '${restate}')`);
    expect(changes(), 'nothing changed by proposing it').toEqual([]);
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    const ran = changes();
    const putBack = ran.findIndex((sql) => /^DELETE FROM "noaa"\."fct_daily_weather"/.test(sql));
    expect(putBack, ran.join('\n')).toBeGreaterThan(0);
    expect(ran.slice(0, putBack).some((sql) => /^CREATE SNAPSHOT '[^']*_restore_mart_\d{8}T\d{6}Z' OF "databox"$/.test(sql))).toBe(true);
    expect(ran.some((sql) => /^DELETE FROM "analytics"\."fct_species_environment_daily"/.test(sql))).toBe(true);
    expect(md.namedSnapshots(), 'the restate snapshot is left as it was').toContain(restate);
    expect(await md.value('databox', martWindow)).toEqual(martBefore);
  });
});
