// Scenario 1 recovery through the real Bolt app: plans, approvals by a teammate, validation, rollback and the journal.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { formatBytes } from '../../src/disk/volume-usage.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { type Behaviour, Checkout, createDamagedDatabase, createDatabaseWithDamagedIndex, createDatabaseWithDamagedWal, createDatabaseWithForeignWal, createHealthyDatabase, standinBin, writeGarbage, writeMartsThrough } from '../helpers/databox-checkout.js';
import { botToken, startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';
import { postSigned, sign, slashCommandBody } from '../helpers/signed-request.js';
import { blockNetwork } from '../helpers/no-network.js';
import { scriptsDir } from '../support/fixtures.js';
import { fingerprint } from '../support/fingerprint.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

function journalRecords(): Record<string, any>[] {
  return journalRecordsOf(checkout);
}

function commandsRun(): string[] {
  return checkout.calls().map((c) => c.command);
}

async function diagnoseCorrupt(env: Record<string, string> = {}, clock?: () => Date): Promise<void> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, env, clock);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
}

/** Path A on a corrupt file, its full refresh doing `fullRefresh`, approved by a teammate: the validation after it failed. */
async function rebuildFailingValidation(fullRefresh: Behaviour): Promise<void> {
  checkout.behave({ 'task full-refresh': fullRefresh });
  await diagnoseCorrupt();
  await harness.click(await proposePathA(), teammate);
  await harness.settle();
  expect(slack.allText()).toContain('Validation failed');
}

/** The latest result journaled for a step of that id. */
function latestResult(stepId: string): Record<string, any> | undefined {
  return journalRecords().filter((r) => r.type === 'step.finished' && r.data.result.stepId === stepId).at(-1)?.data.result;
}

async function proposePathA(): Promise<ReturnType<SlackStandIn['buttons']>[number]> {
  const [pathA] = slack.buttons('choose_path_a');
  expect(pathA).toBeDefined();
  await harness.click(pathA!, operator);
  await harness.settle();
  const approve = slack.buttons('approve_plan').at(-1);
  expect(approve, 'the plan was posted with an Approve button').toBeDefined();
  return approve!;
}

describe('path A: rebuild from raw dlt state', () => {
  it('shows every step, runs only after a teammate approves, validates, and offers a rollback that puts everything back', async () => {
    await diagnoseCorrupt();
    const brokenBytes = fingerprint(checkout.databasePath);
    const approve = await proposePathA();

    const plan = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path A'));
    const planBlocks = String(plan?.blocks);
    expect(planBlocks).toContain('DESTRUCTIVE');
    expect(planBlocks).toContain('mv data/databox.duckdb data/databox.duckdb.broken');
    expect(planBlocks).toMatch(/mv transforms\/main\/.sqlmesh transforms\/main\/.sqlmesh.aside-\d{8}T\d{6}Z/);
    expect(planBlocks).toContain('task full-refresh');
    expect(planBlocks).toContain('free space of the volume holding data/databox.duckdb, and room there for a rebuild as large as data/databox.duckdb');
    expect(commandsRun(), 'nothing runs before approval').toEqual([]);
    expect(checkout.listData()).toEqual(['databox.duckdb']);

    await harness.click(approve, teammate);
    await harness.settle();

    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
    expect(fingerprint(checkout.path('data', 'databox.duckdb.broken'))).toBe(brokenBytes);
    const aside = fs.readdirSync(checkout.path('transforms', 'main')).filter((n) => n.includes('.aside-'));
    expect(aside.sort()).toEqual([expect.stringMatching(/^\.sqlmesh\.aside-/), expect.stringMatching(/^state_sync\.db\.aside-/)]);
    expect(commandsRun()).toEqual(['task full-refresh', 'task verify', 'task verify:dev', 'uv run sqlmesh audit']);
    expect(checkout.calls()[0]?.cwd).toBe(checkout.root);
    expect(checkout.calls()[3]?.cwd).toBe(checkout.path('transforms', 'main'));

    const update = slack.callsTo('chat.update').find((u) => String(u.blocks).includes('Approved by <@U0TEAMMATE>'));
    expect(update, 'the buttons are replaced by who approved').toBeDefined();
    expect(String(update?.blocks)).not.toContain('approve_plan');
    expect(slack.allText()).toContain('Validation passed');

    const rollback = slack.buttons('request_rollback').at(-1);
    expect(rollback).toBeDefined();
    await harness.click(rollback!, operator);
    await harness.settle();
    const approveRollback = slack.buttons('approve_plan').at(-1);
    expect(approveRollback?.value).not.toBe(approve.value);
    await harness.click(approveRollback!, teammate);
    await harness.settle();

    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.rebuild-rolled-back']);
    expect(fingerprint(checkout.databasePath)).toBe(brokenBytes);
    expect(fs.readFileSync(checkout.path('transforms', 'main', '.sqlmesh', 'cache.json'), 'utf8')).toBe('{"original":true}');
    expect(fs.readFileSync(checkout.path('transforms', 'main', 'state_sync.db'), 'utf8')).toBe('original state');
    expect(slack.allText()).toContain('Rollback passed');
    // The incident's first message does not read as a success: it is back where it was, rolled back by whom and when.
    expect(slack.messages().find((m) => !m.threadTs)?.blocks).toMatch(
      /Status: not recovered: recovery (dbx-\d{8}-[0-9a-f]{4})\/2 succeeded at \d\d:\d\d UTC, then rolled back by \1\/4 at \d\d:\d\d UTC; diagnose again ·/,
    );
    expect((await harness.command('status', operator)).text).toMatch(/; now: rolled back, so not recovered: diagnose again \(dbx-\d{8}-[0-9a-f]{4}\/4\)/);
    // What next: the database is as the diagnosis found it, and a plan needs a look at it since.
    expect(slack.allText()).toMatch(
      /Rolled back dbx-\d{8}-[0-9a-f]{4}\/2: the steps above put back what its rollback covers \(each says what\), so the incident is \*not recovered\*\. What it replaced is kept, not undone: [^\n]*\.rebuild-rolled-back[^\n]*\. Diagnose again before choosing another path \(`\/databox diagnose duckdb incident=dbx-\d{8}-[0-9a-f]{4}`\)/,
    );

    const types = journalRecords().map((r) => r.type);
    for (const type of ['command.received', 'incident.opened', 'diagnosis.verdict', 'run.proposed', 'run.approved', 'step.started', 'step.finished', 'run.finished']) {
      expect(types).toContain(type);
    }
    const approved = journalRecords().filter((r) => r.type === 'run.approved');
    expect(approved.map((r) => r.actor)).toEqual([teammate, teammate]);

    await harness.click(slack.buttons('write_postmortem')[0]!, operator);
    await harness.settle();
    const incidentId = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = fs.readFileSync(`${checkout.stateDir}/postmortems/${incidentId}.md`, 'utf8');
    expect(postmortem).toContain('File corrupt');
    expect(postmortem).toContain('task full-refresh');
    // The diagnosis' skipped steps say why there too.
    expect(postmortem).toContain('| Read every table in full (finds damaged blocks SELECT 1 misses) | skipped | runs only when step 1 (open) is ok or read-only; it was corrupt |');
    expect(postmortem).toContain(teammate);
    // The upload URL receives the file as a multipart form; the document must be in it whole.
    expect(slack.uploads.at(-1)?.bytes.toString()).toContain(postmortem);
    // Who asked for it is on the record, as a typed `/databox postmortem` would be.
    expect(journalRecords().filter((r) => r.type === 'command.received' && r.data.text === `postmortem button: postmortem ${incidentId}`).map((r) => r.actor)).toEqual([operator]);
    expect(slack.callsTo('files.completeUploadExternal').at(-1)?.thread_ts).toBe(slack.calls.find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)?.result?.ts);
  });

  it('rolls back a rebuild over a log left alone (no database file) without putting the log beside the rebuilt file', async () => {
    // A lost database's write-ahead log, alone: DuckDB would replay it into any file put beside it.
    const orphan = Buffer.from('a lost database\'s write-ahead log');
    fs.writeFileSync(`${checkout.databasePath}.wal`, orphan);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken.wal']);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    // As before the recovery: the log alone, the rebuilt file aside, never the two together.
    expect(checkout.listData()).toEqual(['databox.duckdb.rebuild-rolled-back', 'databox.duckdb.wal']);
    expect(fs.readFileSync(`${checkout.databasePath}.wal`)).toEqual(orphan);
  });

  it('moves the log a checkpoint cut short left beside the broken file with it, so the new file\'s first checkpoint cannot delete it, and its rollback puts it back', async () => {
    writeGarbage(checkout.databasePath);
    const checkpointLog = Buffer.from('commits made while a checkpoint ran');
    fs.writeFileSync(`${checkout.databasePath}.wal.checkpoint`, checkpointLog);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const approve = await proposePathA();
    const plan = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path A'));
    expect(String(plan?.blocks)).toContain('mv data/databox.duckdb.wal.checkpoint data/databox.duckdb.broken.wal.checkpoint  (beside the file move_db moves: if that one gets a timestamp suffix, so does this, before .wal.checkpoint; never overwrites)');
    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken', 'databox.duckdb.broken.wal.checkpoint']);
    expect(fs.readFileSync(`${checkout.databasePath}.broken.wal.checkpoint`)).toEqual(checkpointLog);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.rebuild-rolled-back', 'databox.duckdb.wal.checkpoint']);
    expect(fs.readFileSync(`${checkout.databasePath}.wal.checkpoint`)).toEqual(checkpointLog);
  });

  it('says with the rollback of a rebuild of a missing database that no file is put back: after it there is none', async () => {
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(slack.allText()).toContain('Missing — there is no database file');
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation passed');
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1);
    const recoveryId = journalRecords().find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.run.id;
    expect(String(plan?.blocks)).toContain(
      `Nothing was at ${checkout.databasePath} when ${recoveryId} ran (its step \\"Back up the broken file for forensics\\" had nothing to move), so this rollback puts nothing back there: it moves what is there now to ${checkout.databasePath}.rebuild-rolled-back, and after it nothing is at ${checkout.databasePath}.`,
    );
    // Its log goes with it, unsaid.
    expect(String(plan?.blocks)).not.toContain(`Nothing was at ${checkout.databasePath}.wal`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(checkout.listData()).toEqual(['databox.duckdb.rebuild-rolled-back']);
    // Diagnosed again, the database is missing: the rebuilt file the rollback moved aside is named, one mv away.
    const incidentId = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    await harness.command(`diagnose duckdb incident=${incidentId}`, operator);
    await harness.settle();
    const verdict = journalRecords().filter((r) => r.type === 'diagnosis.verdict').at(-1)?.data;
    expect(verdict?.verdict).toBe('missing');
    expect(verdict?.advice).toContain(
      ` The bot moved a file away from ${checkout.databasePath} that is still where it left it: ${checkout.databasePath}.rebuild-rolled-back (moved there by ${incidentId}/4, "Move the rebuilt (or half-built) file aside"): \`mv -n ${checkout.databasePath}.rebuild-rolled-back ${checkout.databasePath}\` puts it back.`,
    );
  });

  it.each([
    ['a corrupt file', 'broken'],
    ['a log left alone (no database file)', 'lone log'],
  ])('rolls back a rebuild that failed half-way over %s: the half-built file goes aside, and what was there comes back', async (_what, before) => {
    const original = Buffer.from(before === 'broken' ? 'DUCK garbage' : "a lost database's write-ahead log");
    fs.writeFileSync(before === 'broken' ? checkout.databasePath : `${checkout.databasePath}.wal`, original);
    checkout.behave({ 'task full-refresh': { stderr: 'dlt: raw_noaa failed\n', exit: 1, createDatabase: 'data/databox.duckdb' } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Recovery failed');
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1)?.blocks)).toContain('Move the rebuilt (or half-built) file aside');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    if (before === 'broken') {
      expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.rebuild-rolled-back']);
      expect(fs.readFileSync(checkout.databasePath)).toEqual(original);
    } else {
      expect(checkout.listData()).toEqual(['databox.duckdb.rebuild-rolled-back', 'databox.duckdb.wal']);
      expect(fs.readFileSync(`${checkout.databasePath}.wal`)).toEqual(original);
    }
  });

  it('rolls back a rebuild the stack wrote to while the rollback waited for approval: a load is no other file', async () => {
    await diagnoseCorrupt();
    const broken = fingerprint(checkout.databasePath);
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // A scheduled load writes the rebuilt database while the rollback waits.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE loaded_meanwhile AS SELECT range AS n FROM range(50000); CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(fingerprint(checkout.databasePath)).toBe(broken);
  });

  it('puts a path clicked again while its plan waits on the record, as proposing nothing, and its postmortem shows it', async () => {
    await diagnoseCorrupt();
    await proposePathA();
    await harness.click(slack.buttons('choose_path_a')[0]!, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/^:link: The same plan already waits for approval/);
    const refused = journalRecords().filter((r) => r.type === 'request.refused').at(-1);
    expect(refused).toMatchObject({ actor: teammate, data: { reason: expect.stringMatching(/^the same plan already waits for approval \(dbx-\d{8}-[0-9a-f]{4}\/2\); nothing new was proposed$/) } });
    const incidentId = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId }).markdown;
    expect(postmortem).toMatch(new RegExp(`\\*\\*${teammate}\\*\\* clicked \`Path A: Rebuild from raw dlt state[^\`]*\`: refused: the same plan already waits for approval`));
  });

  it('tells a second Write postmortem click while Slack holds the first upload that it is going, not that it is in the thread', async () => {
    await diagnoseCorrupt();
    slack.troubled = /^files\.getUploadURLExternal$/;
    slack.trouble = ['silence'];
    await harness.click(slack.buttons('write_postmortem')[0]!, operator);
    await slack.waitFor('the upload to be asked for', () => slack.callsTo('files.getUploadURLExternal').length === 1, 60_000);
    await harness.click(slack.buttons('write_postmortem')[0]!, teammate);
    await slack.waitFor('the second clicker to be told', () => slack.ephemerals(teammate).length > 0, 60_000);
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/^:memo: The postmortem is being uploaded \(since \d\d:\d\d UTC; Slack has not answered yet\), so it was not uploaded again: it will be in the thread once Slack takes it\.$/);
    expect(slack.uploads).toHaveLength(0);
    // Slack lets go of the upload, so the bot's stop does not wait its grace period for it.
    slack.dropHeld();
  });

  it('says a recovery its guard stopped (the file taken since the plan) changed nothing, not only that it failed', async () => {
    await createHealthyDatabase(checkout.databasePath);
    // Its marts end days ago, so a validation typed after the failed recovery has advice to give.
    await writeMartsThrough(checkout.databasePath, new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
    checkout.behave({ 'uv run sqlmesh audit': { exit: 1, stderr: 'Catalog Error: Table with name fct_daily_bird_observations does not exist!\n' } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const approve = await proposePathA();
    const writer = execa(process.execPath, [path.join(scriptsDir, 'hold-duckdb.mjs'), checkout.databasePath], { reject: false });
    try {
      await new Promise<void>((resolve) => writer.stdout?.once('data', () => resolve()));
      await harness.click(approve, teammate);
      await harness.settle();
      const failure = slack.messages().find((m) => m.text.startsWith('Recovery failed') && m.blocks.includes("every step is in the run's message above"))?.blocks ?? '';
      expect(failure).toContain(`held by`);
      expect(failure).toContain('Nothing was changed: it stopped before any step that changes data did anything.');
      expect(failure).not.toContain('Changed before it stopped');
      expect(checkout.listData()).toEqual(['databox.duckdb']);
    } finally {
      writer.kill('SIGKILL');
      await writer;
    }
    // A recovery that changed nothing recovered nothing: a validation typed now speaks of the file as it is.
    const incident = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    await harness.command(`validate duckdb incident=${incident}`, operator);
    await harness.settle();
    const next = slack.posted('Next: ');
    expect(next).toContain(`The marts past their SLA end where the data of the DuckDB file at ${checkout.databasePath} does`);
    expect(next).not.toMatch(/recovered|roll back/);
  });

  it('refuses a self-approval of a destructive plan, says why to the clicker only, and runs nothing', async () => {
    await diagnoseCorrupt();
    const approve = await proposePathA();
    await harness.click(approve, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/someone other than the person who requested it/);
    expect(commandsRun()).toEqual([]);
    expect(checkout.listData()).toEqual(['databox.duckdb']);
    expect(journalRecords().filter((r) => r.type === 'approval.refused').map((r) => r.actor)).toEqual([operator]);
  });

  it('allows self-approval when DATABOX_ALLOW_SELF_APPROVAL=true', async () => {
    await diagnoseCorrupt({ DATABOX_ALLOW_SELF_APPROVAL: 'true' });
    const approve = await proposePathA();
    // The plan says the rule in force, not the two-person rule the setting lifts.
    expect(slack.allText()).toContain('It has destructive steps, but DATABOX_ALLOW_SELF_APPROVAL is on: its requester may approve it too.');
    expect(slack.allText()).not.toContain('someone other than the requester must approve it');
    await harness.click(approve, operator);
    await harness.settle();
    expect(commandsRun()[0]).toBe('task full-refresh');
    // Its line says the setting allowed it: a postmortem tells it from a self-approval written by hand.
    expect(journalRecords().find((r) => r.type === 'run.approved')?.data).toMatchObject({ selfApprovalAllowed: true });
  });

  it('lets only DATABOX_APPROVERS approve when it is set', async () => {
    await diagnoseCorrupt({ DATABOX_APPROVERS: 'U0LEAD' });
    const approve = await proposePathA();
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/only these people may approve plans: <@U0LEAD>/);
    expect(commandsRun()).toEqual([]);
    await harness.click(approve, 'U0LEAD');
    await harness.settle();
    expect(commandsRun()[0]).toBe('task full-refresh');
    expect(journalRecords().find((r) => r.type === 'run.approved')?.data.selfApprovalAllowed).toBeUndefined();
  });

  it('proposes one plan when the path button is clicked twice at the same moment, and again when typed while it waits', async () => {
    let offsetMs = 0;
    await diagnoseCorrupt({}, () => new Date(Date.now() + offsetMs));
    const [pathA] = slack.buttons('choose_path_a');
    await Promise.all([harness.click(pathA!, operator), harness.click(pathA!, operator)]);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')).toHaveLength(1);
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    // In another second, by the bot's clock: the plan's steps carry the time they were made, and the same plan is still
    // the one waiting.
    offsetMs = 1_100;
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(slack.responses.at(-1)?.body.text).toMatch(/^:link: The same plan already waits for approval: `dbx-\d{8}-[0-9a-f]{4}\/2` in the incident's thread\. Nothing new was proposed\.$/);
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')).toHaveLength(1);
  });

  it('refuses a second plan approved while the first runs, saying it will have to be proposed again, not approved again', async () => {
    // Held until the second approval has been refused.
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 180_000, untilReleased: true, createDatabase: 'data/databox.duckdb' } });
    await diagnoseCorrupt();
    const approveA = await proposePathA();
    const backup = checkout.path('good.duckdb');
    await createHealthyDatabase(backup, 100);
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness.command(`recover duckdb path=b backup=${backup} incident=${incident}`, operator);
    await harness.settle();
    const approveB = slack.buttons('approve_plan').at(-1)!;
    // Each plan says what it does to the other waiting on the same database: path B names path A, waiting before it.
    const planB = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks);
    expect(planB).toContain(`:warning: Once this plan runs, plan ${incident}/2 (Path A: Rebuild from raw dlt state), waiting for approval, can no longer be approved: it changes the database that plan was made on.`);
    await harness.click(approveA, teammate);
    // Path A, proposed first, never named path B: whoever approves it is told, as path B's message says of A.
    const planBRun = JSON.parse(approveB.value).run as string;
    await slack.waitFor('the approver to be told of path B', () => slack.ephemerals(teammate).some((t) => t.includes(planBRun)), 60_000);
    expect(slack.ephemerals(teammate).join('\n')).toContain(`:warning: Approved. Once this plan runs, plan ${planBRun} (Path B: Restore from a file backup), waiting for approval, can no longer be approved: it changes the database that plan was made on.`);
    await slack.waitFor('full-refresh to start', () => commandsRun().includes('task full-refresh'), 60_000);
    const toldBefore = slack.ephemerals(teammate).length;
    await harness.click(approveB, teammate);
    await slack.waitFor('the refusal', () => slack.ephemerals(teammate).length > toldBefore, 60_000);
    const runA = JSON.parse(approveA.value).run;
    expect(journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === runA), 'path A still runs').toBe(false);
    checkout.release();
    await harness.settle();
    // Which plan holds it, of which incident, who asked for and approved it, and where to follow it until it has finished.
    expect(slack.ephemerals(teammate)[toldBefore]).toMatch(
      new RegExp(
        `^:no_entry_sign: plan ${runA} \\(Path A: Rebuild from raw dlt state\\) of this incident, requested by <@${operator}> and approved by <@${teammate}>, ` +
          `holds databox\\.duckdb \\((approved|running)\\) and will change it, so this plan cannot run after it either: ` +
          "when it has finished \\(its progress shows in the incident's Slack thread, or `/databox status`\\), diagnose again and propose a new plan$",
      ),
    );
    // Once it has finished, path B asked for again on the same diagnosis is refused: path A has since recovered the
    // incident, its validation passed. Diagnosed again, it is a new plan, not the one its database changed under.
    await slack.waitFor('path A to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === JSON.parse(approveA.value).run), 60_000);
    await harness.settle();
    const plansBefore = journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'b').length;
    await harness.command(`recover duckdb path=b backup=${backup} incident=${incident}`, operator);
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text ?? '')).toMatch(
      new RegExp(`This incident is recovered: plan ${incident}/2 \\(Path A: .*\\) ran, and its validation passed at \\d\\d:\\d\\d UTC\\. Nothing is needed unless the problem is back: then diagnose again \\(\`/databox diagnose duckdb incident=${incident}\`\\) and choose a path from the new verdict\\. Nothing was proposed\\.`),
    );
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'b')).toHaveLength(plansBefore);
    // The old verdict's button is refused the same way, and that refusal is on the record under the incident too.
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/This incident is recovered/);
    const refusal = journalRecords().filter((r) => r.type === 'request.refused').at(-1);
    expect(refusal).toMatchObject({ actor: operator, data: { clicked: expect.stringMatching(/^Path A: Rebuild from raw dlt state/), action: 'choose_path_a', incident } });
    expect(refusal?.data.reason).toMatch(/This incident is recovered/);
    // Path B's button, whose plan needs a form: refused before the form opens, not after it is filled in.
    const formsBefore = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    expect(slack.callsTo('views.open')).toHaveLength(formsBefore);
    expect(slack.ephemerals(operator).at(-1)).toMatch(/This incident is recovered: .*Nothing was proposed\./);
    expect(journalRecords().filter((r) => r.type === 'request.refused').at(-1)).toMatchObject({ data: { action: 'choose_path_b', incident } });
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident as string });
    // Path B, proposed before path A ran and never approved, changed nothing: path A's validated rebuild is the outcome.
    expect(postmortem.markdown).toMatch(/\| Outcome \| recovered by Path A: Rebuild from raw dlt state; validation passed at \d\d:\d\d:\d\d \|/);
    expect(postmortem.markdown).toMatch(/\*\*U0OPERATOR\*\* clicked `Path A: Rebuild from raw dlt state[^`]*`: refused: This incident is recovered/);
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    await harness.command(`recover duckdb path=b backup=${backup} incident=${incident}`, operator);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'b')).toHaveLength(plansBefore + 1);
    expect(String(slack.responses.at(-1)?.body.text ?? '')).not.toContain('The same plan already waits');
  });

  it('a rollback left waiting while a later rebuild ran says the same from its first refusal on: roll that rebuild back first', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const firstRollback = slack.buttons('request_rollback').at(-1)!;
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1] as string;
    // The rollback is asked for and left waiting; meanwhile a second rebuild of the same file is approved and runs.
    await harness.click(firstRollback, operator);
    await harness.settle();
    const rollbackApprove = slack.buttons('approve_plan').at(-1)!;
    const rollbackRun = JSON.parse(rollbackApprove.value).run as string;
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    const laterApprove = slack.buttons('approve_plan').at(-1)!;
    const later = JSON.parse(laterApprove.value).run as string;
    await harness.click(laterApprove, teammate);
    await harness.settle();
    await slack.waitFor('the later rebuild to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === later), 60_000);
    await harness.settle();
    const rollFirst = `Roll back ${later} first, then ask for this rollback again: rolling ${incident}/2 back before that would put back what was there before it, over ${later}'s changes.`;
    // The rollback's message, its Approve button taken away, the refused approval and asking again all say it.
    await slack.waitFor('the rollback plan marked no longer approvable', () => slack.callsTo('chat.update').some((u) => String(u.text).startsWith('Plan Rollback') && String(u.text).includes('No longer approvable')), 60_000);
    const planUpdate = slack.callsTo('chat.update').filter((u) => String(u.text).startsWith('Plan Rollback') && String(u.text).includes('No longer approvable')).at(-1);
    expect(String(planUpdate?.text)).toContain(rollFirst);
    expect(String(planUpdate?.text)).not.toContain('Diagnose again');
    await harness.click(rollbackApprove, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toContain(rollFirst);
    expect(journalRecords().some((r) => r.type === 'run.approved' && r.data.runId === rollbackRun)).toBe(false);
    await harness.click(firstRollback, operator);
    await harness.settle();
    const told = [...slack.ephemerals(operator), ...slack.responses.map((r) => String(r.body.text))].join('\n');
    expect(told).toContain(`roll back ${later} first. Nothing was proposed`);
    // The postmortem says so of it too, in its summary and its section: not "pending".
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident });
    const noLonger = `no longer approvable (plan \`${later}\` changed its database)`;
    expect(markdown).toMatch(/\| Rollbacks \| Rollback of path A: [^|]*: no longer approvable \(plan `[^`]+` changed its database\) \(`[^`]+`, proposed at [0-9:]+, never ran\)/);
    expect(markdown).toContain(`(\`${rollbackRun}\`): ${noLonger}`);
    expect(markdown).not.toMatch(/Rollback of path A[^|\n]*: pending/);
  });

  it('a rollback left waiting while a later rebuild ran, once expired, still says to roll that rebuild back first, not to diagnose again', async () => {
    let offsetMs = 0;
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, () => new Date(Date.now() + offsetMs), 200);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1] as string;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollbackApprove = slack.buttons('approve_plan').at(-1)!;
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    const laterApprove = slack.buttons('approve_plan').at(-1)!;
    const later = JSON.parse(laterApprove.value).run as string;
    await harness.click(laterApprove, teammate);
    await slack.waitFor('the later rebuild to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === later), 60_000);
    await harness.settle();
    // Past the approval's time (DATABOX_APPROVAL_TTL, 15m): the sweep expires the voided rollback.
    offsetMs = 16 * 60_000;
    const rollbackNow = () => slack.messages().find((m) => m.ts === rollbackApprove.ts)?.blocks ?? '';
    await slack.waitFor('the voided rollback to expire', () => rollbackNow().includes('it expired at'), 60_000);
    expect(rollbackNow()).toContain(`and nothing of it ran. Roll back ${later} first, then ask for this rollback again: rolling ${incident}/2 back before that would put back what was there before it, over ${later}'s changes.`);
    expect(rollbackNow()).not.toContain('Diagnose again');
    expect(journalRecords().find((r) => r.type === 'run.expired')?.data).toMatchObject({ outdatedBy: later, whatNow: expect.stringMatching(new RegExp(`^roll back ${later} first`)) });
    // Clicked now, it is told what voided it and the way on, not that it expired and should be proposed again.
    await harness.click(rollbackApprove, teammate);
    await harness.settle();
    const refused = journalRecords().filter((r) => r.type === 'approval.refused').at(-1);
    // The rollback named by its number beside the plan that ran: "nothing of it ran" read as that one.
    const self = `/${String(JSON.parse(rollbackApprove.value).run).split('/').pop()}`;
    const [before, after] = [`this plan (${self}) can no longer be approved: plan ${later} (Path A: Rebuild from raw dlt state) changed its database after ${self} was made, and ${self} expired at `, ` UTC too; nothing of ${self} ran. Roll back ${later} first, then ask for this rollback again: rolling ${incident}/2 back before that would put back what was there before it, over ${later}'s changes.`];
    expect(String(refused?.data.reason)).toMatch(new RegExp(`^${escapeRegExp(before)}\\d\\d:\\d\\d${escapeRegExp(after)}$`));
    expect(slack.allText()).not.toMatch(/propose it again with the Roll back/);
  });

  it("a rollback left waiting while another incident's rebuild ran: its incident's first message says to roll that one back first, as its plan does", async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const first = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1] as string;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // The file broken again, another incident is diagnosed and rebuilt while the rollback waits.
    writeGarbage(checkout.databasePath);
    await harness.command('diagnose duckdb', operator, 'C0OTHER');
    await harness.settle();
    const second = [...slack.allText().matchAll(/Incident (dbx-\d{8}-[0-9a-f]{4})/g)].map((m) => m[1]).find((id) => id !== first) as string;
    expect(second).toBeDefined();
    await harness.click(slack.buttons('choose_path_a').at(-1)!, operator);
    await harness.settle();
    const laterApprove = slack.buttons('approve_plan').at(-1)!;
    const later = JSON.parse(laterApprove.value).run as string;
    expect(later.startsWith(`${second}/`)).toBe(true);
    await harness.click(laterApprove, teammate);
    await slack.waitFor('the later rebuild to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === later), 60_000);
    await harness.settle();
    const firstRoot = () => slack.messages().find((m) => !m.threadTs && m.blocks.includes(`\`${first}\``))?.blocks ?? '';
    await slack.waitFor("the first incident's message to say so", () => firstRoot().includes('no longer approvable'), 60_000);
    expect(firstRoot()).toContain(`changed its database since): roll back ${later} first, then ask for this rollback again`);
    expect(firstRoot()).not.toMatch(/no longer approvable[^·]*diagnose again/);
  });

  it('rolls back in the order things were done: an older recovery is refused while a later one stands; asked again, a rollback is found waiting', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const firstRollback = slack.buttons('request_rollback').at(-1)!;
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    // A second rebuild of the same file, diagnosed again first (healthy now) and typed against that verdict.
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const secondRollback = slack.buttons('request_rollback').at(-1)!;
    expect(secondRollback.value).not.toBe(firstRollback.value);
    const plans = slack.buttons('approve_plan').length;

    await harness.click(firstRollback, operator);
    await harness.settle();
    const told = () => [...slack.ephemerals(operator), ...slack.responses.map((r) => String(r.body.text))].join('\n');
    expect(told()).toMatch(
      /databox\.duckdb has changed since dbx-\d{8}-[0-9a-f]{4}\/2 ran: plan dbx-\d{8}-[0-9a-f]{4}\/\d+ \(Path A: [^)]*\) ran at \d\d:\d\d UTC\. Rolling dbx-\d{8}-[0-9a-f]{4}\/2 back now would put back what was there before it, over dbx-\d{8}-[0-9a-f]{4}\/\d+'s changes: roll back dbx-\d{8}-[0-9a-f]{4}\/\d+ first\. Nothing was proposed/,
    );
    expect(slack.buttons('approve_plan')).toHaveLength(plans);

    await harness.click(secondRollback, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    await harness.click(secondRollback, operator);
    await harness.settle();
    expect(told()).toMatch(/the rollback of dbx-\d{8}-[0-9a-f]{4}\/\d+ is already waiting for approval: plan dbx-\d{8}-[0-9a-f]{4}\/\d+, asked for by <@U0OPERATOR> at \d\d:\d\d UTC \(shown in the incident's Slack thread, or `\/databox status`\)\. Nothing new was proposed/);
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);

    // The later one rolled back, the earlier one's rollback is proposed: nothing stands on its changes any more.
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    await harness.click(firstRollback, operator);
    await harness.settle();
    const lastPlan = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan ')).at(-1);
    expect(String(lastPlan?.text)).toMatch(/^Plan Rollback of path A/);
    expect(JSON.parse(slack.buttons('approve_plan').at(-1)!.value).run).not.toBe(JSON.parse(secondRollback.value).run);
  });

  it('proposes one rollback for clicks on Roll back… at the same moment; the others find it waiting, and once it ran, rolled back', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const rollback = slack.buttons('request_rollback').at(-1)!;
    const recovery = JSON.parse(rollback.value).run as string;
    const plans = slack.buttons('approve_plan').length;

    await Promise.all([harness.click(rollback, operator), harness.click(rollback, operator), harness.click(rollback, teammate)]);
    await harness.settle();
    const proposed = journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.rollbackOf === recovery);
    expect(proposed, 'one rollback plan, not one per click').toHaveLength(1);
    expect(slack.buttons('approve_plan')).toHaveLength(plans + 1);
    const plan = proposed[0]!;
    const told = [...slack.ephemerals(operator), ...slack.ephemerals(teammate)].join('\n');
    const waiting = new RegExp(`the rollback of ${recovery} is already waiting for approval: plan ${plan.data.runId}, asked for by <@${plan.actor}> at \\d\\d:\\d\\d UTC`, 'g');
    expect(told.match(waiting), 'each later click is told where the plan is and who asked for it').toHaveLength(2);

    // Approved by whoever did not ask for it: the requester is the first click's, not the last one's.
    await harness.click(slack.buttons('approve_plan').at(-1)!, plan.actor === operator ? teammate : operator);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.finished' && r.data.runId === plan.data.runId).at(-1)?.data.status).toBe('succeeded');
    await harness.click(rollback, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toContain(`${recovery} was rolled back already (${plan.data.runId}); there is nothing more to roll back`);
  });

  it('executes once when Approve is clicked twice at the same moment', async () => {
    await diagnoseCorrupt();
    const approve = await proposePathA();
    const [first, second] = await Promise.all([harness.click(approve, teammate), harness.click(approve, 'U0THIRD')]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await harness.settle();
    expect(commandsRun().filter((c) => c === 'task full-refresh')).toHaveLength(1);
    expect(slack.ephemerals().join('\n')).toMatch(/already approved by <@U0(TEAMMATE|THIRD)>/);
    expect(journalRecords().filter((r) => r.type === 'run.approved')).toHaveLength(1);
  });

  it("tells an approver who clicks Approve twice that it was their own click, runs once, and records it as such", async () => {
    // The full refresh is held while the second click is answered: the plan is running then, and is said to be.
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 180_000, untilReleased: true, createDatabase: 'data/databox.duckdb', createDirectory: 'transforms/main/.sqlmesh' } });
    await diagnoseCorrupt();
    const approve = await proposePathA();
    await harness.click(approve, teammate);
    await slack.waitFor('full-refresh to start', () => commandsRun().includes('task full-refresh'), 60_000);
    await harness.click(approve, teammate);
    await slack.waitFor('the second click to be answered', () => slack.ephemerals(teammate).some((t) => t.includes('by the same person asking again now')), 60_000);
    expect(slack.ephemerals(teammate).join('\n')).toMatch(/this plan was already approved at \d\d:\d\d UTC, by the same person asking again now, and it is running now; nothing more was done/);
    checkout.release();
    await harness.settle();
    expect(commandsRun().filter((c) => c === 'task full-refresh')).toHaveLength(1);
    expect(slack.ephemerals(teammate).join('\n')).not.toContain('already approved by');
    // Reject is not what they clicked: why a Reject would not stop it is not said to a second Approve.
    expect(slack.ephemerals(teammate).join('\n')).not.toContain('Reject');
    expect(journalRecords().filter((r) => r.type === 'approval.refused').map((r) => r.data.reason)).toEqual([expect.stringMatching(/^this plan was already approved at \d\d:\d\d UTC, by the same person asking again now, and it is running now/)]);
    // Their Reject after it is told why it does not stop the plan.
    await harness.click(slack.buttons('reject_plan').at(-1) ?? { ...approve, actionId: 'reject_plan' }, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toContain('a plan once approved is not stopped by Reject: its rollback undoes what it changed');
    // Approve clicked again once it has run: they are told how it ended, as anyone else is.
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/this plan was already approved at \d\d:\d\d UTC, by the same person asking again now, and it ran and succeeded; nothing more was done$/);
  });

  it('refuses an approval after DATABOX_APPROVAL_TTL and replaces the buttons', async () => {
    let offsetMs = 0;
    await diagnoseCorrupt({ DATABOX_APPROVAL_TTL: '1s' }, () => new Date(Date.now() + offsetMs));
    const approve = await proposePathA();
    // A second later, by the bot's clock.
    offsetMs = 1_100;
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/expired at \d\d:\d\d UTC/);
    expect(commandsRun()).toEqual([]);
    // The plan's own message, found by its ts: the sweep's and other background updates may be the last ones sent.
    expect(slack.messages().find((m) => m.ts === approve.ts)?.blocks).toContain('Expired at');
    expect(journalRecords().map((r) => r.type)).toContain('run.expired');
  });

  it('survives a restart between "approval requested" and the click: the old button still works', async () => {
    await diagnoseCorrupt();
    const approve = await proposePathA();
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.click(approve, teammate);
    await harness.settle();
    expect(commandsRun()[0]).toBe('task full-refresh');
    expect(checkout.listData()).toContain('databox.duckdb.broken');
  });

  it('refuses a second recovery of the same database while one runs, naming who holds it', async () => {
    checkout.behave({ 'task full-refresh': { sleepMs: 180_000, untilReleased: true, createDatabase: 'data/databox.duckdb' } });
    await diagnoseCorrupt();
    const approve = await proposePathA();
    await harness.click(approve, teammate);
    await slack.waitFor('full-refresh to start', () => commandsRun().includes('task full-refresh'), 60_000);
    await harness.command('recover duckdb path=a', 'U0OTHER');
    await slack.waitFor('the refusal', () => slack.responses.length > 0, 60_000);
    expect(slack.responses.at(-1)?.body.text).toMatch(/held by plan dbx-\d{8}-[0-9a-f]{4}\/2 .*requested by <@U0OPERATOR> and approved by <@U0TEAMMATE>, which is running/);
    checkout.release();
    await harness.settle();
    expect(commandsRun().filter((c) => c === 'task full-refresh')).toHaveLength(1);
  });

  it('does not propose a rebuild the volume cannot hold beside the broken file, which it keeps: nothing moves', async () => {
    writeGarbage(checkout.databasePath);
    // A broken file about as large as the free space (sparse: it takes none itself), so a rebuild as large has no room.
    const { bavail, bsize } = fs.statfsSync(checkout.root);
    fs.truncateSync(checkout.databasePath, bavail * bsize - 2 ** 20);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(
      /refused, nothing was run: the check "The database's volume has room for a rebuild as large as the file moved aside" did not pass: .*, but a rebuild as large as \S+data\/databox\.duckdb needs [\d.]+ [KMGT]iB and [\d.]+ [KMGT]iB more to work beside it \(room for SQLMesh's writes and DuckDB's write-ahead log .*, which no setting changes\): make room there first/,
    );
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'a')).toEqual([]);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(commandsRun()).not.toContain('task full-refresh');
  });
});

describe('a diagnosis asked for while a recovery changes the database', () => {
  it('is refused saying to wait for the recovery, not to unlock it', async () => {
    checkout.behave({ 'task full-refresh': { sleepMs: 180_000, untilReleased: true, createDatabase: 'data/databox.duckdb' } });
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await slack.waitFor('full-refresh to start', () => commandsRun().includes('task full-refresh'), 60_000);
    await harness.command('diagnose duckdb', 'U0OTHER');
    await slack.waitFor('the refusal', () => slack.responses.length > 0, 60_000);
    checkout.release();
    const told = String(slack.responses.at(-1)?.body.text);
    expect(told).toMatch(/refused: nothing was read from databox\.duckdb, because a recovery is changing it right now: diagnose again once plan dbx-\d{8}-[0-9a-f]{4}\/2 \(Path A: [^)]*\) has finished \(its progress shows in the incident's Slack thread, or `\/databox status`\)\./);
    expect(told).not.toContain('unlock');
    await harness.settle();
  });
});

describe('plans and approvals over time', () => {
  it('takes the buttons away from a plan another recovery made stale as soon as that one starts, and refuses a click on it still', async () => {
    await diagnoseCorrupt();
    const first = await proposePathA();
    await harness.command('recover duckdb path=a', 'U0OTHER');
    await harness.settle();
    const second = slack.buttons('approve_plan').at(-1)!;
    expect(second.value).not.toBe(first.value);
    expect(slack.allText()).not.toContain('No longer approvable');
    await harness.click(first, teammate);
    await harness.settle();
    const secondNow = slack.messages().find((m) => m.ts === second.ts)!;
    expect(secondNow.blocks).toMatch(/No longer approvable: databox.duckdb has changed since this plan was made \(plan dbx-\d{8}-[0-9a-f]{4}\/2, .*started at \d\d:\d\d UTC\)\. Nothing of this plan ran/);
    expect(secondNow.blocks).not.toContain('approve_plan');
    expect(secondNow.text).toMatch(/No longer approvable/);
    // The first plan's own message keeps its story; only the stale plan lost its buttons.
    expect(slack.messages().find((m) => m.ts === first.ts)!.blocks).not.toContain('No longer approvable');
    // The stale plan's incident's first message no longer says it waits for an approval.
    const staleRun = JSON.parse(second.value).run as string;
    const staleRoot = () => slack.messages().find((m) => !m.threadTs && m.blocks.includes(`\`${staleRun.split('/')[0]}\``))?.blocks ?? '';
    await slack.waitFor('the stale plan\'s incident to say so', () => staleRoot().includes('no longer approvable'), 60_000);
    expect(staleRoot()).toMatch(new RegExp(`Status: plan ${staleRun} no longer approvable \\(plan dbx-\\d{8}-[0-9a-f]{4}/2 changed its database since\\): diagnose again ·`));
    expect(staleRoot()).not.toContain('waiting for approval');
    // A click Slack still delivers (a client showing the old message) is refused, saying why.
    await harness.click(second, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/databox.duckdb has changed since this plan was made: plan dbx-\d{8}-[0-9a-f]{4}\/2 .* ran at \d\d:\d\d UTC/);
    // Said of this plan by its id, as a Reject's refusal says it: "ran" above is the other plan (of another incident, so
    // its number alone would not tell them apart).
    expect(staleRun.split('/')[0]).not.toBe(JSON.parse(first.value).run.split('/')[0]);
    expect(slack.ephemerals(teammate).at(-1)).toContain(`Nothing of this plan (${staleRun}) ran, and ${staleRun} can no longer be approved.`);
    expect(commandsRun().filter((c) => c === 'task full-refresh')).toHaveLength(1);
  });

  it('drops the warning about the plan it would overtake from a plan that can no longer be approved itself', async () => {
    await diagnoseCorrupt();
    const approveA = await proposePathA();
    const backup = checkout.path('good.duckdb');
    await createHealthyDatabase(backup, 100);
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(slack.allText())?.[1];
    await harness.command(`recover duckdb path=b backup=${backup} incident=${incident}`, operator);
    await harness.settle();
    const planB = slack.buttons('approve_plan').at(-1)!;
    const planBNow = () => slack.messages().find((m) => m.ts === planB.ts)!.blocks;
    expect(planBNow()).toContain(`:warning: Once this plan runs, plan ${incident}/2 (Path A: Rebuild from raw dlt state), waiting for approval`);
    await harness.click(approveA, teammate);
    await harness.settle();
    // Path A started: path B's message says it cannot be approved, and no longer that path A waits for approval.
    expect(planBNow()).toMatch(/No longer approvable: databox.duckdb has changed since this plan was made \(plan dbx-\d{8}-[0-9a-f]{4}\/2, /);
    expect(planBNow()).not.toContain('Once this plan runs');
    expect(planBNow()).not.toContain('waiting for approval');
    expect(planBNow()).not.toContain('The approval binds to exactly these steps and expires');
  });

  it('keeps saying why a stale plan could not run once it expires', async () => {
    let offsetMs = 0;
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, () => new Date(Date.now() + offsetMs), 200);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const first = await proposePathA();
    await harness.command('recover duckdb path=a', 'U0OTHER');
    await harness.settle();
    const second = slack.buttons('approve_plan').at(-1)!;
    await harness.click(first, teammate);
    await harness.settle();
    // Past the approval's time: the sweep expires the stale plan, and its message keeps the reason it could not run.
    offsetMs = 16 * 60_000;
    const secondNow = () => slack.messages().find((m) => m.ts === second.ts)?.blocks ?? '';
    await slack.waitFor('the stale plan to expire', () => secondNow().includes('it expired at'), 60_000);
    expect(secondNow()).toMatch(/No longer approvable: its database changed since it was made \(plan dbx-\d{8}-[0-9a-f]{4}\/2\); it expired at \d\d:\d\d UTC and nothing of it ran\. Diagnose again and propose a new plan\./);
    expect(journalRecords().find((r) => r.type === 'run.expired')?.data.outdatedBy).toBe(JSON.parse(first.value).run);
  });

  it('replaces the buttons of an expired plan by itself, without a click', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_APPROVAL_TTL: '1s' }, undefined, 200);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await proposePathA();
    await slack.waitFor('the expiry sweep', () => slack.callsTo('chat.update').some((u) => String(u.blocks).includes('Expired at')), 60_000);
    expect(journalRecords().filter((r) => r.type === 'run.expired')).toHaveLength(1);
  });

  it('runs an approved plan even when Slack fails to replace its buttons', async () => {
    await diagnoseCorrupt();
    const approve = await proposePathA();
    slack.failures.set('chat.update', 'ratelimited');
    await harness.click(approve, teammate);
    const runId = JSON.parse(approve.value).run as string;
    // The outbox keeps retrying the update while Slack refuses it: the run does not wait for it.
    await slack.waitFor('the recovery to finish', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === runId), 120_000);
    expect(commandsRun()[0]).toBe('task full-refresh');
    expect(journalRecords().filter((r) => r.type === 'run.finished').map((r) => r.data.status)).toContain('succeeded');
    // Once Slack takes updates again, the buttons are replaced after all.
    slack.failures.delete('chat.update');
    await harness.settle();
    expect(slack.calls.some((c) => c.method === 'chat.update' && c.result?.ok && String(c.args.blocks).includes('Approved by <@U0TEAMMATE>'))).toBe(true);
  });

  it('calls a diagnosis whose check failed inconclusive, never healthy', async () => {
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { exit: 2, stderr: 'error: sqlmesh is not installed in this environment\n' } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'));
    expect(String(verdict?.text)).toBe('Verdict: sqlmesh audit failed for another reason');
    // The advice says how it failed, not only to read the output.
    expect(String(verdict?.blocks)).toContain('The database file is readable, but sqlmesh audit did not pass: exit 2. Read its output before choosing a recovery.');
  });
});

describe('path B: restore from a file backup', () => {
  /** A broken database file, and a backup made by `make` under backups/; its path. */
  async function brokenWithBackup(name: string, make: (file: string) => Promise<unknown> = (file) => createHealthyDatabase(file, 1_000)): Promise<string> {
    writeGarbage(checkout.databasePath);
    const backup = checkout.path('backups', name);
    fs.mkdirSync(checkout.path('backups'));
    await make(backup);
    return backup;
  }

  it('/databox recover duckdb path=b backup=… checks the backup, copies it into place and reconciles SQLMesh', async () => {
    const backup = await brokenWithBackup('databox.duckdb');
    fs.utimesSync(backup, new Date('2026-11-30T02:00:00Z'), new Date('2026-11-30T02:00:00Z'));
    harness = await startBot(checkout, slack);
    const response = await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    expect(response.status).toBe(200);
    await harness.settle();
    const planText = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks);
    expect(planText).toContain('The backup opens read-only');
    // The approver sees which backup: its size and how old it is.
    expect(planText).toContain(`cp backups/databox.duckdb data/databox.duckdb  (refuses to overwrite; the file copied: ${formatBytes(fs.statSync(backup).size)}, last written 2026-11-30 02:00 UTC)`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
    expect(fingerprint(checkout.databasePath)).toBe(fingerprint(backup));
    const plan = checkout.calls().find((c) => c.command === 'uv run sqlmesh plan prod --auto-apply');
    expect(plan?.cwd).toBe(checkout.path('transforms', 'main'));
    // A diagnosis-free restore, validation and two healthy databases: room for a machine busy with other work.
  }, 150_000);

  it("shows each mart's newest day in the backup, and in the database where it opens, before anyone approves", async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    await writeMartsThrough(checkout.databasePath, '2026-12-01');
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    await writeMartsThrough(backup, '2026-11-20');
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    const planText = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks);
    const through = (day: string) =>
      `ebird.fct_daily_bird_observations ${day}, noaa.fct_daily_weather ${day}, usgs.fct_daily_streamflow ${day}, analytics.fct_species_environment_daily ${day}`;
    // Before: only the backup's size and when it was copied; how far its data goes showed only after the restore.
    expect(planText).toContain(`Each mart's newest day, as the checks read them before this plan: in data/databox.duckdb, ${through('2026-12-01')}; in backup.duckdb, ${through('2026-11-20')}.`);
  }, 150_000);

  it("says only the backup's newest days when the database does not open", async () => {
    writeGarbage(checkout.databasePath);
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    await writeMartsThrough(backup, '2026-11-20');
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    const planText = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks);
    expect(planText).toContain("Each mart's newest day, as the checks read them before this plan: in backup.duckdb, ebird.fct_daily_bird_observations 2026-11-20,");
    expect(planText).not.toContain('in data/databox.duckdb, ebird');
  }, 150_000);

  it('moves the log a checkpoint cut short left beside the broken file with it before the copy, and its rollback puts it back', async () => {
    const backup = await brokenWithBackup('databox.duckdb');
    fs.writeFileSync(`${checkout.databasePath}.wal.checkpoint`, 'commits made while a checkpoint ran');
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    expect(String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks)).toContain('mv data/databox.duckdb.wal.checkpoint data/databox.duckdb.broken.wal.checkpoint');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken', 'databox.duckdb.broken.wal.checkpoint']);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.restore-rolled-back', 'databox.duckdb.wal.checkpoint']);
  });

  it('restores a backup whose raw schemas differ from the expected names only in case, and validates it: DuckDB finds them by those names', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const backup = await brokenWithBackup('databox.duckdb', async (file) => {
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await connection.run(`
        CREATE SCHEMA "Raw_Ebird"; CREATE TABLE "Raw_Ebird".observations AS SELECT range AS id FROM range(100);
        CREATE SCHEMA RAW_NOAA; CREATE TABLE RAW_NOAA.daily_weather AS SELECT range AS id FROM range(100);
        CREATE SCHEMA "Raw_Usgs"; CREATE TABLE "Raw_Usgs".daily_values AS SELECT range AS id FROM range(100);
      `);
      connection.closeSync();
      instance.closeSync();
      await writeMartsThrough(file, yesterday);
    });
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
    expect(fingerprint(checkout.databasePath)).toBe(fingerprint(backup));
    expect(slack.allText()).toContain('Validation passed');
    expect(slack.allText()).not.toContain('no table');
  });

  it('does not start path A when a healthy database was put in place of the broken one after its plan was shown: nothing moves', async () => {
    await diagnoseCorrupt();
    const approve = await proposePathA();
    // Someone restores a healthy file by hand while the plan waits.
    const healthy = path.join(checkout.root, 'healthy.duckdb');
    await createHealthyDatabase(healthy, 100);
    fs.renameSync(healthy, checkout.databasePath);
    const restored = fingerprint(checkout.databasePath);
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.allText()).toMatch(
      /was not started, nothing was changed: the step "Back up the broken file for forensics": \S+data\/databox\.duckdb changed since the plan was made \(it was \d+ bytes, last written [\d-]+ [\d:]+ UTC; it is \d+ bytes, last written [\d-]+ [\d:]+ UTC now\): nothing was moved\. Propose a plan on what is there now \(for a recovery, diagnose again first/,
    );
    expect(slack.allText()).not.toContain('Recovery succeeded');
    // Stopped before its first step: "not started", not "interrupted", which would send someone to look for changes.
    expect(slack.allText()).toMatch(/Recovery not started\*/);
    expect(slack.allText()).not.toMatch(/Recovery interrupted/);
    // The same words on the plan itself, on the incident's first message and in the postmortem.
    expect(slack.messages().find((m) => m.text.startsWith('Plan Path A'))?.blocks).toContain(':electric_plug: Not started: plan');
    expect(slack.messages().find((m) => !m.threadTs)?.blocks).toContain('Status: recovery not started');
    const incidentId = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId }).markdown;
    expect(postmortem).toMatch(/### Path A: Rebuild from raw dlt state \(`[^`]+`\): not started/);
    expect(postmortem).toMatch(/\| Outcome \| not recovered: Path A: Rebuild from raw dlt state was not started \|/);
    expect(postmortem).not.toMatch(/interrupted/i);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(restored);
    expect(commandsRun()).not.toContain('task full-refresh');
    const run = JSON.parse(approve.value).run;
    expect(journalRecords().filter((r) => r.type === 'step.started' && r.data.runId === run)).toEqual([]);
  }, 120_000);

  it('refuses to propose path A when the database was replaced since the diagnosis: diagnose again, nothing proposed', async () => {
    await diagnoseCorrupt();
    const incident = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const healthy = path.join(checkout.root, 'healthy.duckdb');
    await createHealthyDatabase(healthy, 100);
    fs.renameSync(healthy, checkout.databasePath);
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const why = new RegExp(
      `databox\\.duckdb changed since this incident's diagnosis \\(it was \\d+ bytes, last written [\\d-]+ [\\d:]+ UTC; it is \\d+ bytes, last written [\\d-]+ [\\d:]+ UTC now\\): .*Diagnose again \\(\`/databox diagnose duckdb incident=${incident}\`\\), then choose a path\\. Nothing was proposed\\.`,
    );
    expect(slack.ephemerals(operator).at(-1)).toMatch(why);
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'a')).toEqual([]);
    expect(journalRecords().filter((r) => r.type === 'request.refused').at(-1)?.data.reason).toMatch(why);
    expect(checkout.listData()).toEqual(['databox.duckdb']);
    // Diagnosed again, the verdict is about the file that is there: healthy, no path offered, nothing to move.
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'diagnosis.verdict').at(-1)?.data.verdict).toBe('healthy');
  }, 120_000);

  it('lets the stack write a database that opened at diagnosis (a desynced one its loads go on with): path A is proposed and runs', async () => {
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { exit: 1, stderr: 'Catalog Error: Table with name fct_daily_bird_observations does not exist!\n' } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const load = async () => {
      const instance = await DuckDBInstance.create(checkout.databasePath);
      const connection = await instance.connect();
      await connection.run(`INSERT INTO raw_usgs.daily_values SELECT * FROM raw_usgs.daily_values LIMIT 2000; CHECKPOINT`);
      connection.closeSync();
      instance.closeSync();
    };
    // A scheduled load between the verdict and the click, and another while the plan waits: the same file, written.
    await load();
    const approve = await proposePathA();
    await load();
    await harness.click(approve, teammate);
    await harness.settle();
    expect(commandsRun().slice(0, 2)).toEqual(['uv run sqlmesh audit', 'task full-refresh']);
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
  });

  it('refuses to propose path A when the write-ahead log the diagnosis found damaged was moved away by hand since', async () => {
    await createDatabaseWithDamagedWal(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    fs.renameSync(`${checkout.databasePath}.wal`, path.join(checkout.root, 'wal.kept'));
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/databox\.duckdb\.wal changed since this incident's diagnosis \(it was \d+ bytes, last written [^;]+; it is gone now\): .*Diagnose again/);
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'a')).toEqual([]);
    expect(checkout.listData()).toEqual(['databox.duckdb']);
  });

  it('refuses a path whose form would open on a database replaced since the diagnosis, before the form opens', async () => {
    await diagnoseCorrupt();
    const healthy = path.join(checkout.root, 'healthy.duckdb');
    await createHealthyDatabase(healthy, 100);
    fs.renameSync(healthy, checkout.databasePath);
    const forms = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    expect(slack.callsTo('views.open'), 'no form opens').toHaveLength(forms);
    expect(slack.ephemerals(operator).at(-1)).toMatch(/databox\.duckdb changed since this incident's diagnosis .*Diagnose again/);
  });

  it('does not start path B when the backup was written again after its plan was shown: the approver approved the other file', async () => {
    const backup = await brokenWithBackup('databox.duckdb');
    const broken = fingerprint(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    // The nightly backup job runs while the plan waits.
    fs.utimesSync(backup, new Date(), new Date(Date.now() + 60_000));
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toMatch(/was not started, nothing was changed: the step "Copy the backup into place": \S+backups\/databox\.duckdb changed since the plan was made \(it was \d+ bytes, last written [\d-]+ [\d:]+ UTC; it is \d+ bytes, last written [\d-]+ [\d:]+ UTC now\): propose the plan again/);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
    // Its message, and a click on it now, say what to do once: the refusal's own words already do.
    const planMessage = slack.messages().find((m) => m.text.startsWith('Plan Path B'))!;
    expect(planMessage.blocks).toMatch(/:electric_plug: Not started: plan \S+ was not started, nothing was changed: .*propose the plan again, so its approver sees the file that will be copied\./);
    expect(planMessage.blocks).not.toMatch(/Nothing of it ran|propose it again/);
    await harness.click(slack.buttons('reject_plan').at(-1)!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/^:no_entry_sign: this plan was interrupted: plan \S+ was not started, nothing was changed: .*propose the plan again, so its approver sees the file that will be copied$/);
  }, 150_000);

  it('does not start path B when the backup was made another name of the database after its plan was shown (a hard link)', async () => {
    const backup = await brokenWithBackup('databox.duckdb');
    const broken = fingerprint(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    // Someone "refreshes" the backup while the plan waits: a restore from it would copy the broken file back over itself.
    fs.rmSync(backup);
    fs.linkSync(checkout.databasePath, backup);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toMatch(/was not started, nothing was changed: the step "[^"]+": \S+data\/databox\.duckdb changed since the plan was made \(it was \d+ bytes, last written [^;]+; it is the same size and time, but its change time \(ctime\) moved since/);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
    expect(fs.statSync(backup).ino, 'the backup path is still the link made').toBe(fs.statSync(checkout.databasePath).ino);
  }, 150_000);

  it.each([
    ['a table', createDamagedDatabase, /^1 of \d+ tables fail to read: /],
    ['an index', createDatabaseWithDamagedIndex, /^read all 5 tables in full \(440120 rows\), but 1 block that holds no table's rows fails DuckDB's checksum: /],
  ])('reads the whole backup before anything is moved: one with a damaged block in %s (which passes SELECT 1) stops the plan with the database untouched', async (_where, damage, summary) => {
    const backup = await brokenWithBackup('databox.duckdb', damage);
    const broken = fingerprint(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    expect(String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks)).toContain('read every table of backups/databox.duckdb in full');
    // The broken file has no log beside it: its move is shown, and said to have nothing to move.
    expect(String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks)).toContain('-- nothing is at data/databox.duckdb.wal as the plan is made: nothing to move');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const read = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'backup_reads');
    expect(read?.data.result).toMatchObject({ status: 'damaged', summary: expect.stringMatching(summary) });
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
    expect(slack.allText()).toContain('Recovery failed');
    expect(slack.buttons('request_rollback'), 'nothing changed, so nothing to roll back').toHaveLength(0);
    // What to do instead, under the failure and on the record (the runbook's whenFailed of that step).
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    const next = `The backup ${backup} did not pass the read above, and nothing was changed. Found damaged, incomplete or with a log beside it, it cannot restore the database: restore from another backup, \`/databox recover duckdb path=b backup=… incident=${incident}\`, or rebuild from the sources with path A, \`/databox recover duckdb path=a incident=${incident}\`. Out of time or memory, or not opened (permissions, a DuckDB version): fix that, then propose path B again.`;
    expect(slack.posted('Next: ')).toContain(next);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.follow-up').map((r) => r.data.advice)).toEqual([next]);
  }, 150_000);

  /** A backup made by running `sql` in a new DuckDB file (nothing: a valid file with no tables). */
  // Checkpointed and closed: a write-ahead log left beside the backup (an open connection at close leaves one, now and
  // then) would have the bot refuse the backup for that instead, as it must.
  const backupOf = (sql: string) => async (file: string) => {
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    if (sql) await connection.run(sql);
    await connection.run('CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    expect(fs.existsSync(`${file}.wal`), 'no write-ahead log left beside the backup').toBe(false);
  };

  it.each([
    ['another project\'s file', 'CREATE SCHEMA crm; CREATE TABLE crm.customers AS SELECT 1 AS id', /opens read-only, but none of its tables is in raw_ebird, raw_noaa, raw_usgs, the schemas the stack expects; its tables are in crm: another project's file\?/],
    ['a valid DuckDB file with no tables', '', /opens read-only, but holds no table: none in raw_ebird, raw_noaa, raw_usgs, where the stack keeps its raw data/],
  ])('refuses a backup that is %s before any plan is shown: its catalog tells at once', async (_what, sql, reason) => {
    const backup = await brokenWithBackup('databox.duckdb', backupOf(sql));
    harness = await startBot(checkout, slack);
    const answered = slack.responses.length;
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan'), 'no plan to approve').toEqual([]);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed')).toEqual([]);
    const said = [...slack.responses.slice(answered).map((r) => String(r.body.text)), ...slack.ephemerals(operator)].join('\n');
    expect(said).toMatch(reason);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
  }, 150_000);

  it('refuses a backup cut short before any plan is shown when its marts fail to read, naming them and DuckDB\'s error', async () => {
    // Cut where SELECT 1 and the catalog still read, and every mart's date column (each one read to its last block) is past the cut.
    const backup = await brokenWithBackup('databox.duckdb', async (file) => {
      await createHealthyDatabase(file, 5_000);
      fs.truncateSync(file, 300_000);
    });
    harness = await startBot(checkout, slack);
    const answered = slack.responses.length;
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan'), 'no plan for a teammate to approve').toEqual([]);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed')).toEqual([]);
    const said = [...slack.responses.slice(answered).map((r) => String(r.body.text)), ...slack.ephemerals(operator)].join('\n');
    expect(said).toMatch(/opens read-only and SELECT 1 succeeds, but 4 of 4 marts fail to read: ebird\.fct_daily_bird_observations, noaa\.fct_daily_weather, usgs\.fct_daily_streamflow, analytics\.fct_species_environment_daily \(ebird\.fct_daily_bird_observations: IO Error: Could not read enough bytes/);
    expect(said).toContain('the file ends early: 300,000 bytes');
    // And what to do instead: another backup, or path A.
    expect(said).toContain('restore from another backup, `/databox recover duckdb path=b backup=…`, or rebuild from the sources with path A, `/databox recover duckdb path=a`.');
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
  }, 150_000);

  it('refuses a backup cut about half-way, whose marts DuckDB would date from its statistics alone, before a teammate is asked', async () => {
    // As a tester did: copies of a real database with its marts built, the database and the backup each cut to half.
    const whole = checkout.path('whole.duckdb');
    await createHealthyDatabase(whole);
    await writeMartsThrough(whole, '2026-12-04');
    const half = Math.floor(fs.statSync(whole).size / 2);
    const backup = await brokenWithBackup('bk-trunc.duckdb', async (file) => {
      fs.copyFileSync(whole, file);
      fs.truncateSync(file, half);
    });
    fs.copyFileSync(whole, checkout.databasePath);
    fs.truncateSync(checkout.databasePath, half);
    fs.rmSync(whole);
    harness = await startBot(checkout, slack);
    const answered = slack.responses.length;
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan'), 'no plan for a teammate to approve').toEqual([]);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed')).toEqual([]);
    const said = [...slack.responses.slice(answered).map((r) => String(r.body.text)), ...slack.ephemerals(operator)].join('\n');
    expect(said).toMatch(/opens read-only and SELECT 1 succeeds, but 4 of 4 marts fail to read: ebird\.fct_daily_bird_observations, .*\(ebird\.fct_daily_bird_observations: IO Error: Could not read enough bytes/);
    expect(said).toContain(`the file ends early: ${half.toLocaleString('en')} bytes`);
    expect(said, 'no newest day claimed of a mart that does not read').not.toContain('2026-12-04');
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
  }, 150_000);

  it.each([
    ['the stack\'s file without a source', 'CREATE SCHEMA raw_ebird; CREATE TABLE raw_ebird.observations AS SELECT 1 AS id', 'missing-expected-schemas', /but raw_noaa and raw_usgs have no table/],
  ])('stops the plan before anything is moved when the backup is %s: it is no restore of the stack', async (_what, sql, status, summary) => {
    const backup = await brokenWithBackup('databox.duckdb', backupOf(sql));
    const broken = fingerprint(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const read = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'backup_reads');
    expect(read?.data.result).toMatchObject({ status, summary: expect.stringMatching(summary) });
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
  }, 150_000);

  it('proposes the restore while someone looks at the backup read-only: only the database\'s readers stand in the way', async () => {
    const backup = await brokenWithBackup('databox.duckdb');
    const reader = execa(process.execPath, [path.join(scriptsDir, 'hold-duckdb.mjs'), backup, 'read-only'], { reject: false });
    try {
      await new Promise<void>((resolve) => reader.stdout?.once('data', () => resolve()));
      harness = await startBot(checkout, slack);
      await harness.command(`recover duckdb path=b backup=${backup}`, operator);
      await harness.settle();
      expect(slack.buttons('approve_plan'), 'the plan waits for approval').toHaveLength(1);
      expect(journalRecordsOf(checkout).filter((r) => r.type === 'request.refused' || r.type === 'command.refused')).toEqual([]);
    } finally {
      reader.kill('SIGKILL');
      await reader;
    }
  }, 150_000);

  it('checks for a write-ahead log beside the backup again when the plan runs: one that appeared after the plan was proposed stops it before anything is moved', async () => {
    const backup = await brokenWithBackup('nightly.duckdb');
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    // A backup job still writing: its latest rows only in the log, which DuckDB reads in with the file.
    const instance = await DuckDBInstance.create(backup);
    const connection = await instance.connect();
    await connection.run("SET checkpoint_threshold = '1GB'; PRAGMA disable_checkpoint_on_shutdown; CREATE TABLE main.after_wal AS SELECT range AS id FROM range(5000)");
    connection.closeSync();
    instance.closeSync();
    expect(fs.statSync(`${backup}.wal`).size).toBeGreaterThan(0);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const read = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'backup_reads');
    expect(read?.data.result).toMatchObject({ status: 'failed', summary: expect.stringMatching(/nightly\.duckdb has a write-ahead log beside it .*: a copy of the file alone would lose what is only in the log/) });
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(slack.allText()).toContain('Recovery failed');
  }, 150_000);

  it('attaches the whole plan when a step is too long for the message, so the approver sees what the approval binds to', async () => {
    writeGarbage(checkout.databasePath);
    const deep = checkout.path(...Array.from({ length: 6 }, (_, i) => `${'archive'.repeat(30)}-${i}`));
    fs.mkdirSync(deep, { recursive: true });
    const backup = path.join(deep, 'databox.duckdb');
    await createHealthyDatabase(backup, 100);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    // Longer than a slash command may be: the modal takes it.
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    await harness.submitModal(operator, slack.lastForm(), { backup });
    await harness.settle();
    expect(String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path B'))?.blocks)).toContain('the whole plan, every step in full, goes to the thread as a file');
    const attached = slack.uploads.at(-1)?.bytes.toString() ?? '';
    expect(attached).toContain(`cp ${path.relative(checkout.root, backup)} data/databox.duckdb`);
    expect(attached).toContain('[DESTRUCTIVE] Back up the broken file for forensics');
  });

  it('fails validation on a restored backup whose marts end where it did, naming them and saying how to load the days since', async () => {
    const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    // Taken once: the backup's last day stays what it was written as, even if midnight passes during the test.
    const backupEnds = dayOf(6);
    const yesterdayAtStart = dayOf(1);
    const backup = await brokenWithBackup('databox.duckdb', async (file) => {
      await createHealthyDatabase(file, 1_000);
      await writeMartsThrough(file, backupEnds);
    });
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
    const incident = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const text = slack.allText();
    expect(text).toContain('Validation failed');
    expect(text).toMatch(new RegExp(`4 of 4 marts past their SLA: ebird\\.fct_daily_bird_observations: newest ${backupEnds}, \\d+ d( \\d+ h)? behind`));
    // What to do next, with the window from the oldest mart's newest day to yesterday filled in: yesterday as the bot
    // saw it, the day before the test's start or (past midnight meanwhile) the one after it.
    const advisedTo = new RegExp(`\`/databox recover schedule path=a from=${backupEnds} to=(\\S+)\``).exec(text)?.[1];
    expect([yesterdayAtStart, dayOf(1)]).toContain(advisedTo);
    // Missed days, as after a stopped daemon: scenario 4's backfill of every source, not scenario 2's one-source window.
    expect(text).toContain(`\`/databox recover schedule path=a from=${backupEnds} to=${advisedTo}\` (it starts the daemon only if it is not heartbeating`);
    expect(text).toContain(`then \`/databox validate duckdb incident=${incident}\``);
    expect(text).toContain("The marts past their SLA end where the recovered file's data does (a file restored from a backup ends where the backup did");
    expect(text).not.toContain('diagnose backfill');
    // Typed as given, it is a plan for those days, waiting for approval.
    const typed = /`\/databox (recover schedule path=a from=\S+ to=\S+)`/.exec(text)?.[1];
    await harness.command(typed!, operator);
    await harness.settle();
    expect(slack.posted('Plan Path A: Start the daemon and backfill the missed window')).toContain(`--from ${backupEnds} --to ${advisedTo}`);
    expect(journalRecords().filter((r) => r.type === 'step.finished' && r.data.result.stepId === 'freshness').map((r) => r.data.result.status)).toEqual(['stale']);
  }, 120_000);

  it('speaks of the DuckDB file as it is, not of a recovery, when a validation is typed with nothing recovered', async () => {
    const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const dataEnds = dayOf(6);
    const yesterdayAtStart = dayOf(1);
    await createHealthyDatabase(checkout.databasePath, 1_000);
    await writeMartsThrough(checkout.databasePath, dataEnds);
    harness = await startBot(checkout, slack);
    await harness.command('validate duckdb', operator);
    await harness.settle();
    expect(slack.allText()).toContain('Validation failed');
    const next = slack.posted('Next: ');
    expect(next).toContain(`The marts past their SLA end where the data of the DuckDB file at ${checkout.databasePath} does, and Dagster's schedules only build new days.`);
    // Yesterday as the bot saw it: the day before the test's start or (past midnight meanwhile) the one after it.
    const advisedTo = new RegExp(`\`/databox recover schedule path=a from=${dataEnds} to=(\\S+)\``).exec(next)?.[1];
    expect([yesterdayAtStart, dayOf(1)]).toContain(advisedTo);
    // No recovery to speak for or roll back; and the advice said of a recovered file is not posted beside it.
    expect(next).not.toMatch(/recovered|recovery|restored|rebuild\b|roll back/);
    expect(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Next: '))).toHaveLength(1);
  }, 120_000);

  it('fails validation on a rebuild whose full refresh left a source\'s raw data out, naming its schema; the postmortem keeps what to do next', async () => {
    await rebuildFailingValidation({ createDatabase: 'data/databox.duckdb', rawTables: ['raw_ebird.observations'] });
    const scan = latestResult('scan');
    expect(scan?.status).toBe('missing-expected-schemas');
    expect(scan?.summary).toMatch(/raw_noaa.*raw_usgs|raw_usgs.*raw_noaa/);
    // What to do is to load the source, not to roll back to the broken file.
    expect(slack.allText()).toContain("The recovered file lacks a source's raw data: load that source");
    // The postmortem, which the write-up is made from, keeps that advice, where it was given and after what.
    await harness.click(slack.buttons('write_postmortem')[0]!, operator);
    await harness.settle();
    const incident = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const validation = journalRecords().find((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')?.data.run.id as string;
    const uploaded = slack.uploads.at(-1)?.bytes.toString() ?? '';
    expect(uploaded).toContain(`## What the bot advised next`);
    expect(uploaded).toMatch(
      new RegExp(`\\n- \`\\d\\d:\\d\\d:\\d\\d\` in the incident's Slack thread \\(channel C0INCIDENT\\), after Validation \\(\`${validation}\`, failed\\): [^\\n]*The recovered file lacks a source's raw data: load that source`),
    );
    expect(fs.readFileSync(`${checkout.stateDir}/postmortems/${incident}.md`, 'utf8')).toContain('## What the bot advised next');
  });

  it('fails validation on a rebuild that left no file where the bot looks, saying so (not that something held it) and that the two paths must agree', async () => {
    // The full refresh exits 0 and writes its database somewhere else: nothing is at DATABOX_DATABASE_PATH.
    await rebuildFailingValidation({ stdout: 'dlt: loaded raw_ebird, raw_noaa, raw_usgs\n' });
    expect(latestResult('scan')?.status).toBe('missing');
    const next = slack.posted('Next: ');
    expect(next).toContain(`${checkout.databasePath} does not exist: the recovery left no DuckDB file where the bot looks.`);
    expect(next).toContain('DATABOX_DATABASE_PATH must name that same file');
    expect(next).not.toMatch(/holding it|once nothing holds it|once it lets go/);
    expect(slack.allText()).not.toMatch(/once nothing holds it|once it lets go/);
  });

  it('fails validation on a rebuild that left a mart behind or out, naming both', async () => {
    const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await rebuildFailingValidation({ createDatabase: 'data/databox.duckdb', martsThrough: dayOf(4) });
    // A mart stale and another unreadable: the summary names both, not only the stale ones.
    const summary = () => latestResult('freshness')?.summary as string;
    expect(summary()).toMatch(/^4 of 4 marts past their SLA: ebird\.fct_daily_bird_observations: newest /);
    const validateAfter = async (sql: string) => {
      const instance = await DuckDBInstance.create(checkout.databasePath);
      const connection = await instance.connect();
      await connection.run(sql);
      connection.closeSync();
      instance.closeSync();
      await harness.command(`validate duckdb incident=${journalRecords().find((r) => r.type === 'incident.opened')?.incident}`, operator);
      await harness.settle();
    };
    await validateAfter('DROP TABLE usgs.fct_daily_streamflow');
    expect(summary()).toMatch(/^3 of 4 marts past their SLA: .*; could not read usgs\.fct_daily_streamflow: /);
    // A file with no marts at all (a backup from before they existed): what to do is said too.
    await validateAfter('DROP TABLE ebird.fct_daily_bird_observations; DROP TABLE noaa.fct_daily_weather; DROP TABLE analytics.fct_species_environment_daily');
    expect(summary()).toMatch(/^could not read /);
    expect(slack.posted('Next: The marts could not be read in the recovered file')).toContain('path A rebuilds every mart from the sources');
  }, 120_000);

  it("says in path B's rollback plan, and after it, that SQLMesh's state reconciled by the restore is not undone", async () => {
    writeGarbage(checkout.databasePath);
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1)?.blocks);
    const note = `SQLMesh's state, which step \\"Reconcile SQLMesh state with the restored file\\" (uv run sqlmesh plan prod --auto-apply) changed to match the restored file: transforms/main/state_sync.db and .sqlmesh stay as it left them (the bot kept no copy; path A moves them aside before it rebuilds).`;
    // Before: the plan said nothing of it, as if its steps put everything back.
    expect(plan).toContain(`# not undone by this rollback: ${note}`);
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const next = slack.callsTo('chat.postMessage').map((p) => String(p.text)).find((text) => text.startsWith('Next: Rolled back'));
    expect(next).toContain(`Not undone by it: ${note.replace(/\\"/g, '"')}`);
    // Said once, by the message itself; before, the note said it too ("Diagnose again after this rollback. Diagnose again before …").
    expect(next?.match(/Diagnose again/g)).toHaveLength(1);
    // Nothing was written to the restored file since: not said to hold writes made since the recovery.
    expect(next).toContain(`What it replaced is kept, not undone: ${checkout.databasePath} as the recovery left it (nothing written to it since), now at ${checkout.databasePath}.restore-rolled-back.`);
    expect(next).not.toContain('writes made since the recovery');
  });

  it('rolls path B back even after the backup file has been moved away', async () => {
    writeGarbage(checkout.databasePath);
    const brokenBytes = fingerprint(checkout.databasePath);
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    harness = await startBot(checkout, slack);
    await harness.command(`recover duckdb path=b backup=${backup}`, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    fs.renameSync(backup, checkout.path('backup-archived.duckdb'));
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(fingerprint(checkout.databasePath)).toBe(brokenBytes);
    // The restored file is kept under a name that says what it is, not a rebuild's.
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.restore-rolled-back']);
  });

  it('refuses a rollback whose broken file was taken away before it was asked for: the rebuilt database stays where it is', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation passed');
    const rebuilt = fingerprint(checkout.databasePath);
    // Someone takes the kept file off for forensics, then the rollback is asked for.
    fs.renameSync(checkout.path('data', 'databox.duckdb.broken'), checkout.path('forensics.duckdb'));
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.callsTo('chat.postMessage').some((p) => String(p.text).startsWith('Plan Rollback')), 'no rollback plan is proposed').toBe(false);
    expect(slack.ephemerals(operator).join('\n')).toContain(
      `refused, nothing was proposed: the step "Put the original file back": nothing is at ${checkout.databasePath}.broken, which it moves to ${checkout.databasePath} (moved or removed since it was put there?); ${checkout.databasePath} is a file (`,
    );
    expect(checkout.listData()).toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(rebuilt);
    // The postmortem does not list the broken file as kept where it no longer is.
    const incidentId = journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId });
    const atAGlance = markdown.split('\n').find((line) => line.startsWith('| Kept on disk |'));
    expect(atAGlance).not.toContain('databox.duckdb.broken`');
    expect(atAGlance).toContain('; 1 gone when this was written (see *Kept on disk*)');
    expect(markdown).toContain(`- \`${checkout.databasePath}.broken\`: moved aside from \`${checkout.databasePath}\` by Path A: Rebuild from raw dlt state (\`${incidentId}/2\`), step 3 "Back up the broken file for forensics"; **gone when this postmortem was written** (moved or removed since, not by the bot)`);
  });

  it('refuses a rollback whose broken file was replaced by another file of that name since the recovery, naming what the recovery recorded of it', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    const rebuilt = fingerprint(checkout.databasePath);
    const broken = checkout.path('data', 'databox.duckdb.broken');
    const moved = journalRecords().find((r) => r.type === 'step.finished' && r.data.result?.stepId === 'move_db')?.data.result.outputs.moved as string;
    expect(moved).toBe(`inode ${fs.statSync(broken).ino}, ${fs.statSync(broken).size} bytes, last written ${fs.statSync(broken).mtime.toISOString()}`);
    // Someone puts a note under its name, then the rollback is asked for.
    fs.rmSync(broken);
    fs.writeFileSync(broken, 'notes from forensics: checksum mismatch in block 0\n');
    const now = fs.statSync(broken);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Before: proposed, and approved it put the note in the database's place and said "Rollback passed".
    expect(slack.ephemerals(operator).join('\n')).toContain(
      `refused, nothing was proposed: the step "Put the original file back": ${broken} is not what the recovery moved there: it recorded ${moved}; it is inode ${now.ino}, ${now.size} bytes, last written ${now.mtime.toISOString()} now. Nothing was moved`,
    );
    expect(slack.callsTo('chat.postMessage').some((p) => String(p.text).startsWith('Plan Rollback')), 'no rollback plan is proposed').toBe(false);
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.broken']);
    expect(fingerprint(checkout.databasePath)).toBe(rebuilt);
  });

  it('says in the rollback\'s plan that the rebuilt file was written since the recovery and where it goes, and after it where it is kept', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    // A nightly load adds a table to the rebuilt file.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE main.loaded_tonight AS SELECT range AS id FROM range(500)');
    connection.closeSync();
    instance.closeSync();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1)?.blocks);
    // Before: nothing said of it; the plan's steps only show "mv data/databox.duckdb data/databox.duckdb.rebuild-rolled-back".
    expect(plan).toMatch(
      new RegExp(`${checkout.databasePath.replace(/[.]/g, '\\.')} was written after dbx-\\S+/2 and its validation dbx-\\S+/3 ended \\(last written [\\d-]+ [\\d:]+ UTC; they ended at [\\d-]+ [\\d:]+ UTC\\): it changed since the recovery, and what was written to it since \\(a load, a table added\\) goes aside with it to ${checkout.databasePath.replace(/[.]/g, '\\.')}\\.rebuild-rolled-back, not into what this rollback puts back\\.`),
    );
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const next = slack.callsTo('chat.postMessage').map((p) => String(p.text)).find((text) => text.startsWith('Next: Rolled back'));
    expect(next).toMatch(
      new RegExp(`What it replaced is kept, not undone: ${escapeRegExp(checkout.databasePath)} as it was, now at ${escapeRegExp(checkout.databasePath)}\\.rebuild-rolled-back, with what was written to it after the recovery ended \\(last written [\\d-]+ [\\d:]+ UTC: a load, a table added\\), which is not in the database now`),
    );
  });

  it('proposes the rollback again when the one asked for before is past its expiry, though no sweep has marked it expired yet', async () => {
    let later = 0;
    writeGarbage(checkout.databasePath);
    // Hourly sweeps: the default 15 s one could mark the plan expired before the click on a slow host, and the click would
    // no longer meet a plan past its expiry that nothing has marked.
    harness = await startBot(checkout, slack, {}, () => new Date(Date.now() + later), 3_600_000);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const first = journalRecords().find((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback')?.data.runId as string;
    // Days later, the first plan long past its 15 minutes, the rollback is asked for again.
    later = 3 * 86_400_000;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Before: "the rollback of … is already waiting for approval: plan <the expired one>", and nothing new proposed.
    expect(slack.ephemerals(operator).join('\n')).not.toContain(`is already waiting for approval: plan ${first}`);
    const rollbacks = journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'rollback').map((r) => r.data.runId);
    expect(rollbacks).toHaveLength(2);
    expect(rollbacks[1]).not.toBe(first);
  });

  it('names a file beside the missing broken one that may be it renamed, when refusing its rollback', async () => {
    await diagnoseCorrupt();
    await harness.click(await proposePathA(), teammate);
    await harness.settle();
    fs.renameSync(checkout.path('data', 'databox.duckdb.broken'), checkout.path('data', 'databox.duckdb.broken.forensics'));
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    // Before: "nothing is at …broken, which it moves to … (moved or removed since it was put there?); … is a file", no word of the file beside it.
    expect(slack.ephemerals(operator).join('\n')).toContain(
      `refused, nothing was proposed: the step "Put the original file back": nothing is at ${checkout.databasePath}.broken, which it moves to ${checkout.databasePath} (moved or removed since it was put there?); ${path.dirname(checkout.databasePath)} holds databox.duckdb.broken.forensics, which may be it under another name; ${checkout.databasePath} is a file (`,
    );
  });

  it('asks for the backup in a modal from the verdict\'s button, and shows a bad path on its field', async () => {
    await diagnoseCorrupt();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const modal = slack.callsTo('views.open').at(-1);
    expect(modal).toBeDefined();
    const view = JSON.parse(String(modal?.view));
    // The field's hint shows what to type in it: a path, not the command's `backup=…`.
    const hint = view.blocks.find((b: any) => b.block_id === 'backup')?.hint?.text;
    expect(hint).toContain('such as /backups/databox.duckdb');
    expect(hint).not.toContain('backup=');
    const bad = await harness.submitModal(operator, view, { backup: checkout.path('data') });
    expect(bad.json).toEqual({ response_action: 'errors', errors: { backup: expect.stringContaining('is a directory') } });
    const notDuckdb = checkout.path('notes.txt');
    fs.writeFileSync(notDuckdb, 'not a database');
    const bad2 = await harness.submitModal(operator, view, { backup: notDuckdb });
    expect(bad2.json?.errors?.backup).toMatch(/does not open read-only as a DuckDB database/);
    expect(slack.buttons('approve_plan')).toEqual([]);
    // A reason longer than a form shows under a field is cut at a word there, told whole beside the form, and
    // journaled whole as a refusal.
    const itself = await harness.submitModal(operator, view, { backup: checkout.databasePath });
    const shown = itself.json?.errors?.backup as string;
    await harness.settle();
    const whole = journalRecordsOf(checkout).filter((r) => r.type === 'request.refused').at(-1)?.data.reason as string;
    expect(whole).toMatch(/is the database file itself \(.*databox\.duckdb\); give a copy kept elsewhere$/);
    // The checkout's path makes it longer than a field shows (about 160 characters here).
    expect(whole.length).toBeGreaterThan(150);
    expect(shown.length).toBeLessThanOrEqual(150);
    expect(shown).toMatch(/[^ ]…$/);
    expect(whole.startsWith(shown.slice(0, -1))).toBe(true);
    expect(slack.ephemerals(operator).at(-1)).toContain('give a copy kept elsewhere');
    // A name with a space, as backups are often named: the record quotes it as it would be typed.
    const backup = checkout.path('good backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    const good = await harness.submitModal(operator, view, { backup });
    expect(good.status).toBe(200);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    // On the record as the command it stands for: scenario, path and values, quoted where they must be.
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'command.received').at(-1)?.data.text).toBe(`modal: recover duckdb path=b backup="${backup}"`);
    expect(commandsRun()).toEqual([]);
    // The same form sent again finds that plan waiting, says so, and proposes nothing new.
    await harness.submitModal(operator, view, { backup });
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/^:link: The same plan already waits for approval: `dbx-\d{8}-[0-9a-f]{4}\/2` in the incident's thread\. Nothing new was proposed\.$/);
    expect(slack.buttons('approve_plan')).toHaveLength(1);
  });
});

describe('requests that are not from Slack', () => {
  it('answers a forged signature and a stale timestamp with 401 and runs nothing', async () => {
    writeGarbage(checkout.databasePath);
    // The database watcher would journal its alert about the broken file: off, so the journal shows only the requests'.
    harness = await startBot(checkout, slack, { DATABOX_WATCH_DATABASE: 'false' });
    const body = slashCommandBody('recover duckdb path=a', { response_url: slack.responseUrl() });
    const forged = await postSigned(harness.url, body, { secret: 'not-the-signing-secret' });
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    const old = await postSigned(harness.url, body, { timestamp: stale, signature: sign(body, stale) });
    expect([forged.status, old.status]).toEqual([401, 401]);
    // Bolt says only "signature mismatch": the log names the setting to check, once however many requests fail so.
    await postSigned(harness.url, body, { secret: 'not-the-signing-secret' });
    expect(harness.logs.filter((line) => /signature does not match SLACK_SIGNING_SECRET/.test(line.msg))).toHaveLength(1);
    await harness.settle();
    expect(slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    await harness.bot.watch.idle();
    // Only the start's own line: every start journals its runbook versions, and no request left a line.
    expect(journalRecordsOf(checkout).map((record) => record.type)).toEqual(['bot.started']);
    expect(checkout.listData()).toEqual(['databox.duckdb']);
  });

  it('serves GET /healthz in HTTP mode', async () => {
    harness = await startBot(checkout, slack);
    const response = await fetch(harness.url.replace('/slack/events', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('the record', () => {
  it('keeps secrets out of Slack and the log, uploads a failed step\'s long output as a file, and the journal verifies until edited', async () => {
    process.env.WAREHOUSE_TEST_PASSWORD = 'hunter2-very-secret';
    try {
      checkout.behave({
        'task full-refresh': {
          exit: 1,
          echoEnv: 'WAREHOUSE_TEST_PASSWORD',
          // A quoted secret too: redacted in each message's strings, never in the JSON text, which it would break.
          stdout: `token in output: ${botToken}\napi_key = "quoted-secret-123"\n`,
          repeat: { text: 'loading rows …\n', times: 400 },
          createDatabase: 'data/databox.duckdb',
        },
      });
      await diagnoseCorrupt({ WAREHOUSE_TEST_PASSWORD: 'hunter2-very-secret' });
      await harness.click(await proposePathA(), teammate);
      await harness.settle();
      const everything = `${slack.allText()}\n${slack.uploads.map((u) => u.bytes.toString()).join('\n')}\n${JSON.stringify(harness.logs)}`;
      expect(everything).toContain('[REDACTED]');
      expect(everything).not.toContain('hunter2-very-secret');
      expect(everything).not.toContain(botToken);
      expect(everything).not.toContain('quoted-secret-123');
      expect(slack.messages().some((m) => m.text.includes('api_key = "[REDACTED]"') || m.blocks.includes('api_key = \\"[REDACTED]\\"')), 'the failed step\'s message was posted, its secret redacted').toBe(true);
      expect(slack.uploads.length).toBeGreaterThan(0);
      expect(slack.uploads[0]?.bytes.toString()).toContain('loading rows');
      expect(slack.callsTo('files.completeUploadExternal').at(-1)?.thread_ts).toBeDefined();
    } finally {
      delete process.env.WAREHOUSE_TEST_PASSWORD;
    }
    const text = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
    expect(text).not.toContain('hunter2-very-secret');
    // The step's whole output was streamed to its file in the state dir, redacted, and the journal names it.
    const refresh = journalRecords().find((r) => r.type === 'step.finished' && r.data.result.stepId === 'full_refresh')?.data.result;
    const kept = fs.readFileSync(refresh.logFile, 'utf8');
    expect(refresh.logFile.startsWith(`${checkout.stateDir}/outputs/`)).toBe(true);
    expect(kept.match(/loading rows/g)).toHaveLength(400);
    expect(kept).toContain('[REDACTED]');
    expect(kept).not.toContain('hunter2-very-secret');
    expect(refresh.outputBytes).toBe(Buffer.byteLength(kept));
    expect(verifyLines(text).problem).toBeUndefined();
    const lines = text.split('\n');
    // A record with an actor (the watchers' own have none), well inside the journal.
    const edited = lines.findIndex((line, i) => i >= 4 && line.includes('"actor":"'));
    lines[edited] = lines[edited]!.replace('"actor":"', '"actor":"X');
    expect(verifyLines(lines.join('\n')).problem?.line).toBe(edited + 1);
  });
});

describe('path W: a write-ahead log that fails to replay, the file itself whole', () => {
  it('is diagnosed as such, moves only the log aside (kept), reconciles SQLMesh, and its rollback puts the log back', async () => {
    await createDatabaseWithDamagedWal(checkout.databasePath);
    const fileBytes = fingerprint(checkout.databasePath);
    const walBytes = fingerprint(`${checkout.databasePath}.wal`);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const verdict = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'))?.blocks);
    expect(verdict).toContain('Write-ahead log damaged — the file itself opens');
    expect(verdict).toContain('opens as of its last checkpoint');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b', 'choose_path_w']);
    // The watchers' check at start opens the file too, with the same link beside it: it may take its turn after the diagnosis.
    await harness.bot.watch.idle();
    expect(checkout.listData(), 'the diagnosis left nothing behind').toEqual(['databox.duckdb', 'databox.duckdb.wal']);

    await harness.click(slack.buttons('choose_path_w')[0]!, operator);
    await harness.settle();
    const plan = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path W'))?.blocks);
    expect(plan).toContain('mv data/databox.duckdb.wal data/databox.duckdb.wal.broken');
    expect(plan).toContain('DESTRUCTIVE');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.wal.broken']);
    expect(fingerprint(checkout.databasePath)).toBe(fileBytes);
    expect(fingerprint(`${checkout.databasePath}.wal.broken`)).toBe(walBytes);
    expect(commandsRun()).toEqual(['uv run sqlmesh plan prod --auto-apply', 'task verify', 'task verify:dev', 'uv run sqlmesh audit']);
    // The file opens again, as of its last checkpoint: the 100 rows only the log held are not in it.
    const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    expect((await connection.runAndReadAll('SELECT count(*) FROM raw_ebird.observations')).getRows()).toEqual([[5_000n]]);
    connection.closeSync();
    instance.closeSync();

    // A process with the file open would checkpoint and delete a log put back under it: the rollback is refused then.
    const writer = execa(process.execPath, [path.join(scriptsDir, 'hold-duckdb.mjs'), checkout.databasePath], { reject: false });
    try {
      await new Promise<void>((resolve) => writer.stdout?.once('data', () => resolve()));
      const plansBefore = slack.buttons('approve_plan').length;
      await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
      await harness.settle();
      expect(slack.buttons('approve_plan'), 'no rollback plan while the file is held').toHaveLength(plansBefore);
      expect(slack.ephemerals(operator).at(-1)).toContain(`PID ${writer.pid}`);
      expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.wal.broken']);
    } finally {
      writer.kill('SIGKILL');
      await writer;
    }

    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const rollbackPlan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1)?.blocks);
    expect(rollbackPlan, 'nothing was written to the file since the recovery').not.toContain('was written after');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    // The database watcher looks again once a rollback ends; its probe of a log that fails to replay opens the file alone
    // through a hard link in a folder of its own beside it (duckdb/probe.ts), removed once it has looked.
    await harness.bot.watch.idle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.wal']);
    expect(fingerprint(`${checkout.databasePath}.wal`)).toBe(walBytes);
  }, 150_000);

  it("says in its rollback's plan that a load written to the file since stays in it, behind the log put back, with when, and that SQLMesh's state is not undone", async () => {
    await createDatabaseWithDamagedWal(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_w')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    // The stack's next load, checkpointed into the file.
    const instance = await DuckDBInstance.create(checkout.databasePath);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE raw_ebird.loaded_tonight AS SELECT range AS id FROM range(500); CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const plan = String(slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Plan Rollback')).at(-1)?.blocks);
    const db = escapeRegExp(checkout.databasePath);
    // Before: the plan only showed the log going back, as if the file were as the recovery left it.
    expect(plan).toMatch(
      new RegExp(`${db} was written after dbx-\\S+/2 and its validation dbx-\\S+/3 ended \\(last written [\\d-]+ [\\d:]+ UTC; they ended at [\\d-]+ [\\d:]+ UTC\\): it changed since the recovery, and what was written to it since \\(a load, a table added\\) stays in it: DuckDB replays ${db}\\.wal, put back by this rollback, into it at its next open`),
    );
    expect(plan).toContain('so the file will not open, those writes inside it, until the log is moved aside again.');
    expect(plan).toContain(
      `# not undone by this rollback: SQLMesh's state, which step \\"Reconcile SQLMesh state with the file as of its last checkpoint\\" (uv run sqlmesh plan prod --auto-apply) changed to match the file without the log`,
    );
  }, 150_000);

  it("moves another database's log aside, its step saying whose it may be, with no DuckDB stack trace in the thread or its output files", async () => {
    await createDatabaseWithForeignWal(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_w')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb', 'databox.duckdb.wal.broken']);
    expect(latestResult('wal_damaged')?.summary).toContain("The log is possibly another database's: it writes to a table this file does not have");
    const outputs = fs.readdirSync(path.join(checkout.stateDir, 'outputs'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const written = outputs.map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')).join('\n');
    expect(written).toContain('GetDefaultDatabase with no default database set');
    for (const text of [slack.allText(), written]) {
      expect(text).not.toContain('Stack Trace');
      expect(text).not.toMatch(/\[0x[0-9a-f]+\]/);
    }
  }, 150_000);
});
