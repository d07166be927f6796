// Scenario 3's plans through the real Bolt app over signed HTTP, against the MotherDuck stand-in (one bot for the file):
// every plan needs a teammate (path A's clone too), `at` is checked against the retention when a recovery is proposed
// and again right before it runs, and path C, proposed from the button of validation's follow-up, drops the incident's
// leftover clones, which the postmortem names.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { IncidentState } from '../../src/incidents/state.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
/** Not in DATABOX_REQUESTERS: may diagnose and approve, not propose a recovery. */
const bystander = 'U0BYSTANDER';
const token = 'md-plans-secret-token-value-0077';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const ago = (ms: number) => utc(Date.now() - ms);

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;
/** When the harmless write of the set-up was made: the oldest automatic snapshot MotherDuck keeps with 7 days' retention. */
let threeDaysAgo: string;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  // 15 days ago: the marts with 100 rows and a named snapshot; 3 days ago a harmless write (an automatic snapshot
  // within the 7-day retention); 2 hours ago the bad write that kept 30 rows.
  const create = createTablesSql(marts);
  await md.createDatabase('databox', create, new Date(Date.now() - 15 * day));
  md.takeSnapshot(md.live('databox'), 'before_migration', new Date(Date.now() - 15 * day));
  threeDaysAgo = utc(Date.now() - 3 * day);
  await md.write('databox', 'CREATE TABLE analytics.notes AS SELECT 1 AS id', new Date(`${threeDaysAgo.replace(' ', 'T')}Z`));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(() => closeStandIns(harness, slack, checkout));

const changes = () => md.sql().filter((sql) => !/^\s*SELECT/i.test(sql));
const lastResponse = () => String(slack.responses.at(-1)?.body.text ?? '');
const newestPlan = () => slack.buttons('approve_plan').at(-1)!;
const postmortemButton = () => slack.buttons('write_postmortem').find((b) => b.value === incident)!;

async function recover(args: string, user = operator): Promise<void> {
  await harness.command(`recover motherduck ${args}`, user);
  await harness.settle();
}

let incident: string;

describe('who may approve scenario 3', () => {
  it("path A's clone is a teammate's to approve: the requester's click is refused, a teammate's runs it", async () => {
    const plans = slack.buttons('approve_plan').length;
    await recover(`path=a at="${ago(1 * day)}"`);
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path A')).at(-1);
    expect(String(plan?.blocks)).toContain('Its runbook asks for a teammate: someone other than the requester must approve it.');
    incident = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident;
    const slug = incident.replace(/-/g, '_');

    await harness.click(newestPlan(), operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain(
      "a plan its runbook gives to a teammate's approval must be approved by someone other than the person who requested it",
    );
    expect(md.liveDatabases(), 'nothing was cloned').toEqual(['databox']);

    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(md.liveDatabases()).toEqual(['databox', `databox_restored_${slug}`]);
    expect(await md.value(`databox_restored_${slug}`, count)).toBe('100');
    expect(await md.value('databox', count)).toBe('30');
  });

  it("the swap and the cleanup are a teammate's too; the clones left are listed with a button that proposes path C, and in the postmortem", async () => {
    const slug = incident.replace(/-/g, '_');
    // The swap (second plan): the requester of path A cannot approve it either.
    await harness.click(newestPlan(), operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/someone other than the person who requested it/);
    const callsBefore = checkout.calls().length;
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(await md.value('databox', count)).toBe('100');
    // The validation after the swap ran the databox checks against MotherDuck, in order: the bot itself has no
    // DATABOX_BACKEND in its environment here (only its config does), so the runbook's env is what sets it.
    expect(process.env.DATABOX_BACKEND).toBeUndefined();
    const validated = checkout.calls().slice(callsBefore).filter((c) => c.tool === 'task');
    expect(validated.map((c) => [c.command, c.env.DATABOX_BACKEND])).toEqual([
      ['task verify', 'motherduck'],
      ['task verify:dev', 'motherduck'],
    ]);
    const followUp = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Next: Clones of this incident'));
    // No diagnosis counted the database (path A was typed without one): the broken clone differs from it, and that is all that can be said.
    const differs =
      `databox_broken_${slug} counts differently from databox now, and no diagnosis counted it to tell why (` +
      marts.map((t) => `${t} 30 there, 100 in databox`).join('; ') +
      '): it may hold rows nothing else has';
    // The named snapshot taken before the swap is left too: MotherDuck keeps it until its name is removed.
    const snapshots = `named snapshots the bot took of databox for this incident, kept until their names are removed: 'databox_bot_${slug}_swap_\\d{8}T\\d{6}Z' \\(id [0-9a-f-]+, taken [\\d-]+ [\\d:.]+ UTC\\)`;
    const said = `Clones of this incident left on MotherDuck: databox_broken_${slug}, databox_restored_${slug} \\(an approved cleanup drops them\\)\\. ${escapeRegExp(differs)}; and ${snapshots}\\. When nobody needs them any more, drop the clones and remove the snapshots' names with path C \\(a teammate approves it\\)\\.`;
    expect(followUp?.text).toMatch(new RegExp(`^Next: ${said}$`));
    // In the incident's thread: a button saying what it does, and beside it the command that does the same.
    const [cleanup, ...others] = slack.buttons('propose_follow_up');
    expect(others).toEqual([]);
    const root = slack.buttons('write_postmortem').find((b) => b.value === incident)!;
    expect(cleanup?.threadTs).toBe(root.ts);
    const elements = (followUp?.blocksParsed as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(elements.map((e) => e.text.text)).toEqual(['Plan cleanup of 2 leftover clones and 1 named snapshot']);
    expect(String(followUp?.blocks)).toContain(`Or type \`/databox recover motherduck path=c incident=${incident}\``);

    await harness.click(postmortemButton(), operator);
    await harness.settle();
    const postmortemFile = `${checkout.stateDir}/postmortems/${incident}.md`;
    expect(fs.readFileSync(postmortemFile, 'utf8')).toMatch(
      new RegExp(
        `Next, advised in the incident's Slack thread \\(channel C0INCIDENT\\) after Validation \\(\`${incident}/3\`\\): ${said} ` +
          `Offered as a button: Plan cleanup of 2 leftover clones and 1 named snapshot \\(\`recover motherduck path=c incident=${incident}\`\\)\\.`,
      ),
    );
    expect(fs.readFileSync(postmortemFile, 'utf8')).toMatch(
      new RegExp(`## Leftover clones\\n\\nStill on MotherDuck at the last check \\(validation \`${incident}/\\d+\`, \\d\\d:\\d\\d:\\d\\d UTC\\): \`databox_broken_${slug}\`, \`databox_restored_${slug}\`\\. An approved cleanup \\(path C\\) drops them\\.`),
    );

    // The offer is in the journal, so the button still works after a restart (the state is rebuilt from it).
    const rebuilt = new IncidentState();
    for (const record of journalRecordsOf(checkout)) rebuilt.apply(record as JournalRecord);
    expect(rebuilt.runs.get(`${incident}/3`)?.planOffers).toEqual([{ scenario: 'motherduck', incident, path: 'c', index: 0, label: 'Plan cleanup of 2 leftover clones and 1 named snapshot', params: {} }]);
    expect(JSON.parse(cleanup!.value)).toEqual({ run: `${incident}/3`, offer: 0 });

    // A value of the right shape naming an offer the bot never made is refused, journaled, and proposes nothing.
    const plans = slack.buttons('approve_plan').length;
    await harness.click({ ...cleanup!, value: JSON.stringify({ run: `${incident}/3`, offer: 1 }) }, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain('this button offers a plan the bot never offered; nothing was proposed');
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'request.refused').at(-1)?.data).toMatchObject({ action: 'propose_follow_up', value: `{"run":"${incident}/3","offer":1}` });
    // The real button clicked from another workspace is refused before any listener runs.
    await harness.click(cleanup!, operator, { team: { id: 'T0ELSEWHERE', domain: 'elsewhere' }, userTeamId: 'T0ELSEWHERE' });
    await harness.settle();
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'request.refused').at(-1)?.data.reason).toContain('another Slack workspace (T0ELSEWHERE)');
    expect(slack.buttons('approve_plan')).toHaveLength(plans);
    // Someone who may not start recoveries cannot start this one with the button either.
    await harness.click(cleanup!, bystander);
    await harness.settle();
    expect(slack.ephemerals(bystander).at(-1)).toContain(`refused: only these people and groups may start recoveries and rollbacks: <@${operator}>, <@${teammate}>`);
    expect(slack.buttons('approve_plan')).toHaveLength(plans);

    // The click proposes path C in the thread, journaled as the command it stands for; a second click proposes nothing new.
    md.sent.length = 0;
    await harness.click(cleanup!, operator);
    await harness.settle();
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'command.received').at(-1)).toMatchObject({
      actor: operator,
      incident,
      data: { text: `follow-up button: recover motherduck path=c incident=${incident}` },
    });
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Path C')).at(-1);
    expect(plan?.thread_ts).toBe(root.ts);
    // No named snapshot of the stack's database, which the cleanup never touches: only MotherDuck's retention keeps the clones.
    expect(String(plan?.blocks)).toContain('2 steps, 2 destructive · It has destructive steps: someone other than the requester must approve it.');
    expect(String(plan?.blocks)).toContain("nothing keeps them but MotherDuck's retention: UNDROP DATABASE brings one back within it");
    expect(String(plan?.blocks)).not.toContain('CREATE SNAPSHOT');
    // The named snapshot the bot took before the swap is a leftover too: listed by name, its statement shown, before anyone approves.
    const [swapSnapshot] = md.namedSnapshots().filter((name) => name.startsWith(`databox_bot_${slug}_swap_`));
    expect(swapSnapshot).toBeDefined();
    expect(String(plan?.blocks)).toContain(`ALTER SNAPSHOT \\"databox\\".\\"${swapSnapshot}\\" SET snapshot_name = '' -- id `);
    expect(String(plan?.blocks)).toContain(`This cleanup removes the names of the named snapshot the bot took of databox for this incident, '${swapSnapshot}'`);
    // The broken clone is not the database's state: the plan says so before anyone approves dropping it.
    expect(String(plan?.blocks)).toContain(`:warning: *databox_broken_${slug} counts differently from databox now, and no diagnosis counted it to tell why (`);
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    await harness.click(cleanup!, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(new RegExp(`This plan is already proposed in this thread \\(\`${incident}/\\d+\`, Path C: Drop this incident's leftover clones, let go its named snapshots\\) and waits for approval`));
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);

    await harness.click(newestPlan(), operator);
    await harness.settle();
    expect(md.liveDatabases(), 'the requester cannot drop them alone').toContain(`databox_broken_${slug}`);
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(md.liveDatabases()).toEqual(['databox']);
    expect(md.namedSnapshots().filter((name) => name.includes('drop_leftovers'))).toEqual([]);
    expect(md.namedSnapshots(), "the swap's named snapshot is named no more: the retention keeps it as any other").not.toContain(swapSnapshot);
    // The cleanup plan's statements, in order (the clones listed and counted when the plan was made, to say which
    // differ, again right before it runs, to find anything left to drop, and when it runs); no validation follows a cleanup.
    const listed = `SELECT name FROM md_information_schema.databases WHERE translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') IN ('databox_restored_${slug}', 'databox_broken_${slug}', 'databox_botscratch_${slug}') ORDER BY name`;
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT count(*)') && !sql.includes('md_information_schema.database_snapshots')).slice(0, 5)).toEqual([
      listed,
      listed,
      listed,
      `DROP DATABASE "databox_broken_${slug}"`,
      `DROP DATABASE "databox_restored_${slug}"`,
    ]);
    expect(changes()).toEqual([`DROP DATABASE "databox_broken_${slug}"`, `DROP DATABASE "databox_restored_${slug}"`, `ALTER SNAPSHOT "databox"."${swapSnapshot}" SET snapshot_name = ''`]);
    expect(slack.allText()).toContain(`dropped databox_broken_${slug}, databox_restored_${slug} (UNDROP DATABASE brings one back within the retention)`);
    // The incident stands where the validation left it; the cleanup is said after that, on its first message and in status.
    await harness.settle();
    expect(slack.messages().find((m) => !m.threadTs && m.blocks.includes(incident))?.blocks).toContain('Status: validation succeeded; then cleanup succeeded');
    expect((await harness.command('status', operator)).text).toMatch(new RegExp(`now: validation succeeded \\(${incident}/\\d+\\); then cleanup succeeded \\(${incident}/\\d+\\)`));
    expect(slack.buttons('propose_follow_up'), 'nothing new is offered after the cleanup').toHaveLength(1);
    const validations = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation');
    expect(validations.at(-1)?.seq, 'no validation after the cleanup').toBeLessThan(journalRecordsOf(checkout).filter((r) => r.type === 'run.approved').at(-1)?.seq);
    // The old button clicked once more proposes nothing: its plan has run.
    await harness.click(cleanup!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(new RegExp(`This was done after it was offered: plan \`${incident}/\\d+\` \\(Path C: Drop this incident's leftover clones, let go its named snapshots\\) ran\\. Nothing new was proposed; \`/databox recover motherduck path=c incident=${incident}\` looks again, and proposes it if there is anything left for it\\.`));
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    // Typed again with nothing left, it proposes no plan that would do nothing: it says what it found.
    await recover(`path=c incident=${incident}`);
    expect(lastResponse()).toBe(
      `:warning: nothing to clean up: no clone of this incident is left on MotherDuck (databox_restored_${slug}, databox_broken_${slug}, databox_botscratch_${slug}); ` +
        `no named snapshot the bot took of databox for this incident is left (looked just now); nothing was proposed`,
    );
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);

    await harness.click(postmortemButton(), operator);
    await harness.settle();
    const postmortem = fs.readFileSync(postmortemFile, 'utf8');
    expect(postmortem).toMatch(
      new RegExp(`## Leftover clones\\n\\nDropped by Path C: Drop this incident's leftover clones, let go its named snapshots \\(\`${incident}/\\d+\`\\) at \\d\\d:\\d\\d:\\d\\d UTC: \`databox_broken_${slug}\`, \`databox_restored_${slug}\``),
    );
    // The cleanup is a row of its own, not among the recoveries.
    expect(postmortem).toMatch(/\| Recovery \| Path A: Clone the moment and check it \(then swap, after a second approval\): succeeded; Path S: Swap the restored clone in \(second approval\): succeeded \|\n/);
    expect(postmortem).toContain("| Cleanup | Path C: Drop this incident's leftover clones, let go its named snapshots: succeeded |");
    // The swap recovered the incident; the cleanup days later does not move its time to recover.
    expect(postmortem).toMatch(/\| Outcome \| recovered by Path S: Swap the restored clone in \(second approval\); validation passed at /);
    expect(postmortem).toMatch(/Time to recover:\*\* [^\n]* to the validation that passed after Path S: Swap the restored clone in/);
  });
});

describe('paths that work on what an incident left', () => {
  it('refuses path C and path S typed without incident=, opening no incident and proposing nothing', async () => {
    const plans = slack.buttons('approve_plan').length;
    const incidents = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').length;
    await recover('path=c');
    expect(lastResponse()).toContain("path c (Drop this incident's leftover clones, let go its named snapshots) works on what an earlier step of an incident left: give incident=&lt;id&gt;");
    await recover("path=s");
    expect(lastResponse()).toContain('path s (Swap the restored clone in (second approval)) works on what an earlier step of an incident left: give incident=&lt;id&gt;');
    expect(slack.buttons('approve_plan')).toHaveLength(plans);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened')).toHaveLength(incidents);
  });
});

describe('`at` at recovery time', () => {
  it('refuses a moment older than the retention in force, naming it, the oldest reachable moment and the older named snapshots', async () => {
    md.sent.length = 0;
    const plans = slack.buttons('approve_plan').length;
    const at = ago(10 * day);
    await recover(`path=b at="${at}"`);
    expect(lastResponse()).toMatch(
      new RegExp(
        `refused, nothing was run: the check "The moment is in the past and within the retention in force \\(read again now\\), and nothing was written to the database after this plan was made" did not pass: ${at} UTC \\(read as UTC, as every moment given to the bot is\\) is older than the retention ` +
          `\\(7 days\\): the oldest moment still restorable is ${threeDaysAgo} UTC, so no path can reach it\\. Named snapshots from before it: 'before_migration' \\(`,
      ),
    );
    await recover(`path=a at="${at}"`);
    expect(lastResponse()).toContain(`${at} UTC (read as UTC, as every moment given to the bot is) is older than the retention (7 days): the oldest moment still restorable is ${threeDaysAgo} UTC`);
    expect(slack.buttons('approve_plan'), 'no plan was proposed').toHaveLength(plans);
    expect(changes()).toEqual([]);
  });

  it('refuses a moment in the future', async () => {
    const at = utc(Date.now() + day);
    await recover(`path=b at="${at}"`);
    expect(lastResponse()).toContain(`at="${at}" is in the future`);
  });

  it('reads the retention again right before the plan runs: shortened meanwhile, the plan stops before any change', async () => {
    md.sent.length = 0;
    await recover(`path=b at="${ago(2 * day)}"`);
    const plan = newestPlan();
    // Set to 0 meanwhile: the snapshot active two days ago, replaced two hours ago, is no longer kept.
    md.setRetentionDays('databox', 0);
    try {
      await harness.click(plan, teammate);
      await harness.settle();
    } finally {
      md.setRetentionDays('databox', 7);
    }
    expect(changes(), 'neither the snapshot nor the restore ran').toEqual([]);
    expect(await md.value('databox', count)).toBe('100');
    expect(slack.allText()).toMatch(/cannot be restored: databox's snapshot retention is 0 days, so MotherDuck keeps no point-in-time history/);
  });
});

describe('a cleanup left nothing to do while it waited', () => {
  it('clones dropped by hand before the approval: the approval finds nothing left, runs nothing, says so as a new proposal would, and withdraws the buttons', async () => {
    await recover(`path=a at="${ago(1 * day)}"`);
    const second = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident as string;
    const slug = second.replace(/-/g, '_');
    await harness.click(newestPlan(), teammate);
    await harness.settle();
    expect(md.liveDatabases()).toContain(`databox_restored_${slug}`);
    await recover(`path=c incident=${second}`);
    const cleanup = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'c').at(-1)?.data.run.id as string;
    expect(cleanup.startsWith(`${second}/`)).toBe(true);
    const approve = newestPlan();
    expect(JSON.parse(approve.value).run).toBe(cleanup);

    // Someone drops the clone by hand while the plan waits.
    md.drop(md.live(`databox_restored_${slug}`));
    md.sent.length = 0;
    await harness.click(approve, teammate);
    await harness.settle();
    const nothing =
      `nothing to clean up: no clone of this incident is left on MotherDuck (databox_restored_${slug}, databox_broken_${slug}, databox_botscratch_${slug}); ` +
      'no named snapshot the bot took of databox for this incident is left (looked just now)';
    expect(slack.ephemerals(teammate).at(-1)).toContain(`plan ${cleanup} was not started, nothing was changed: ${nothing}`);
    expect(changes(), 'nothing was dropped or renamed').toEqual([]);
    // On the record as not started, with why; and the words a new proposal is refused with.
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.finished' && r.data.runId === cleanup)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'interrupted', reason: expect.stringContaining(nothing) }) }),
    ]);
    expect(journalRecordsOf(checkout).some((r) => r.type === 'run.started' && r.data.runId === cleanup)).toBe(false);
    await recover(`path=c incident=${second}`);
    expect(lastResponse()).toBe(`:warning: ${nothing}; nothing was proposed`);
    // Its message no longer offers Approve or Reject: it says it was not started.
    const planMessage = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(planMessage.blocks).toContain(`Not started: plan ${cleanup} was not started, nothing was changed: ${nothing}`);
    expect(planMessage.blocks).not.toMatch(/approve_plan|reject_plan/);
  });
});
