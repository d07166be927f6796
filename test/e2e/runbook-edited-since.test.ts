// Runbooks edited while a plan waits, through Slack's real protocol: a recovery path taken out of a copied
// DATABOX_RUNBOOKS_DIR, or a step of it changed, the bot restarted to load them (it reads them at its start: the waiting
// plan's message says so then), then its plan's Approve clicked.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { standinBin, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { fingerprint } from '../support/fingerprint.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const bundledDuckdb = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let runbooksDir: string;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  runbooksDir = checkout.path('runbooks-copy');
  fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('runbooks edited while a plan waits, in Slack', () => {
  it('refuses the Approve click of a plan whose recovery path was taken out of the runbooks since: says so to the approver, runs nothing, on the record', async () => {
    // A path R added (path A's steps under another id), its plan proposed, then R taken out again and the bot restarted.
    const doc = parse(bundledDuckdb) as Record<string, any>;
    doc.recovery.push({ ...doc.recovery[0], id: 'r', title: 'Rebuild from raw dlt state (a trial copy)' });
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), stringify(doc));
    writeGarbage(checkout.databasePath);
    const broken = fingerprint(checkout.databasePath);
    const env = { DATABOX_RUNBOOKS_DIR: runbooksDir };
    harness = await startBot(checkout, slack, env);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.command('recover duckdb path=r', operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1);
    expect(approve, "path R's plan was posted with an Approve button").toBeDefined();
    const runId = (JSON.parse(approve!.value) as { run: string }).run;
    const withR = fs.readFileSync(path.join(runbooksDir, 'duckdb.yml'), 'utf8');
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), bundledDuckdb);
    await harness.stop();
    harness = await startBot(checkout, slack, env);

    // Before anyone clicks, the restarted bot says on the plan that its runbook changed, and that an approval will be refused.
    const waiting = `Its runbook duckdb.yml has changed since this plan was made (sha256:${sha256(withR).slice(0, 12)} then, sha256:${sha256(bundledDuckdb).slice(0, 12)} now, loaded at the bot's start) and no longer has path R, which this plan is for: an approval will be refused and nothing of it run. Propose it again from the runbook as it is now.`;
    await slack.waitFor('the waiting plan says its runbook changed', () => slack.messages().find((m) => m.ts === approve!.ts)?.blocks.includes(waiting) === true, 30_000);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.runbook-changed').map((r) => r.data)).toEqual([{ runId, file: 'duckdb.yml', proposedWith: sha256(withR), loadedNow: sha256(bundledDuckdb), pathGone: true }]);

    const answer = await harness.click(approve!, teammate);
    await harness.settle();
    expect(answer.status).toBe(200);
    const refusal = 'the duckdb runbook no longer has path R, which this plan is for: the runbooks were probably edited since the plan was made. Nothing was run; propose it again from the runbooks as they are now';
    expect(slack.ephemerals(teammate).at(-1)).toContain(refusal);
    expect(checkout.calls(), 'no command ran').toEqual([]);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
    const records = journalRecordsOf(checkout);
    expect(records.filter((r) => r.data?.runId === runId && ['run.approved', 'run.started', 'step.started'].includes(r.type))).toEqual([]);
    expect(records.filter((r) => r.type === 'approval.refused').map((r) => [r.actor, r.data.runId, r.data.reason])).toEqual([[teammate, runId, refusal]]);
  });

  it("runs the approved plan of a path edited since, saying on the approval that the runbook changed; journals each version; the postmortem says which ran and marks what it takes from today's file", async () => {
    const file = path.join(runbooksDir, 'duckdb.yml');
    writeGarbage(checkout.databasePath);
    const env = { DATABOX_RUNBOOKS_DIR: runbooksDir };
    harness = await startBot(checkout, slack, env);
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1);
    expect(approve, "path A's plan was posted with an Approve button").toBeDefined();
    const runId = (JSON.parse(approve!.value) as { run: string }).run;
    const edited = bundledDuckdb.replace('argv: [task, full-refresh]', 'argv: [task, full-refresh-v2]').replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
    expect(edited).not.toBe(bundledDuckdb);
    fs.writeFileSync(file, edited);
    await harness.stop();
    harness = await startBot(checkout, slack, env);

    // Before anyone clicks, the restarted bot edits the waiting plan's message, its buttons still there: the runbook
    // changed since the plan was made, and an approval runs the steps shown, as recorded in the plan.
    const waiting = `Its runbook duckdb.yml has changed since this plan was made (sha256:${sha256(bundledDuckdb).slice(0, 12)} then, sha256:${sha256(edited).slice(0, 12)} now, loaded at the bot's start): approved, this plan runs the steps shown here, as they were made, not the runbook's steps as they are now. For those, propose it again.`;
    const planNow = () => slack.messages().find((m) => m.ts === approve!.ts);
    await slack.waitFor('the waiting plan says its runbook changed', () => planNow()?.blocks.includes(waiting) === true, 30_000);
    expect(planNow()?.blocks).toContain('approve_plan');
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.runbook-changed').map((r) => r.data)).toEqual([{ runId, file: 'duckdb.yml', proposedWith: sha256(bundledDuckdb), loadedNow: sha256(edited) }]);

    await harness.click(approve!, teammate);
    await harness.settle();
    expect(planNow()?.blocks, 'decided, the plan says what its approval says instead').not.toContain(waiting);
    // The approved plan is what ran: its argv and titles as proposed, not the runbook's new ones.
    expect(checkout.calls().map((c) => c.command)).toContain('task full-refresh');
    expect(checkout.calls().map((c) => c.command)).not.toContain('task full-refresh-v2');
    const changed = `Its runbook has changed since this plan was made (sha256:${sha256(bundledDuckdb).slice(0, 12)} then, sha256:${sha256(edited).slice(0, 12)} where it was approved): the plan runs the steps it was approved with, as shown, not the runbook's steps as they are now. For those, propose it again in Slack.`;
    // The plan's message as it ends (the run's edits follow the approval's in it, and Slack may be sent only the last).
    expect(planNow()?.blocks, 'the approved plan message says the runbook changed').toContain(changed);
    const records = journalRecordsOf(checkout);
    expect(records.find((r) => r.type === 'run.proposed' && r.data.runId === runId)?.data.run.runbookSha256).toBe(sha256(bundledDuckdb));
    expect(records.filter((r) => r.type === 'bot.started').at(-1)?.data.runbooks?.duckdb).toBe(sha256(edited));
    expect(records.find((r) => r.type === 'run.approved' && r.data.runId === runId)?.data.runbookChanged).toEqual({ proposedWith: sha256(bundledDuckdb), approvedWith: sha256(edited), fileNow: sha256(edited), how: 'file-changed', approvedAt: 'Slack' });

    // Edited again after the incident, its prevention rows too: the postmortem says what it takes from today's file.
    const later = bundledDuckdb.replace('status: blocks accidental commit of a 10 GB .duckdb', 'status: EDITED-LATER prevention row');
    expect(later).not.toBe(bundledDuckdb);
    fs.writeFileSync(file, later);
    await harness.stop();
    harness = await startBot(checkout, slack, env);
    const incident = runId.split('/')[0] as string;
    await harness.command(`postmortem ${incident}`, operator);
    await harness.settle();
    const markdown = fs.readFileSync(path.join(checkout.stateDir, 'postmortems', `${incident}.md`), 'utf8');
    const short = (text: string) => `\`sha256:${sha256(text).slice(0, 12)}\``;
    expect(markdown).toContain(`| Runbook | \`duckdb\`: ${short(bundledDuckdb)} for \`${incident}/1\`; ${short(edited)} for \`${incident}/2\`; **the runbook read for this postmortem is ${short(later)}**, none of the versions that ran (see *Symptoms* and *What would have caught this*) |`);
    const note = `_Taken from the runbook as read for this postmortem (${short(later)}), not the version this incident's plans were made with (${short(bundledDuckdb)}, ${short(edited)}): the runbook has changed since, and may have said this otherwise then._`;
    expect(markdown.split('## Symptoms the runbook names')[1]?.split('##')[0]).toContain(note);
    expect(markdown.split('## What would have caught this')[1]?.split('##')[0]).toContain(`${note}\n\nFrom the prevention appendix of the incident runbook:`);
    expect(markdown).toContain(`The bot, started with duckdb.yml at sha256:${sha256(edited).slice(0, 12)}, said on the waiting plan **Path A`);
    expect(markdown).toContain(`that its runbook had changed since the plan was made (sha256:${sha256(bundledDuckdb).slice(0, 12)} then): approved, it would run the steps as proposed`);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.runbook-changed'), 'the plan was approved before the later restart: noted once').toHaveLength(1);
    expect(markdown).toMatch(/- Approved by \*\*U0TEAMMATE\*\* at [\d:]+; its runbook had changed since it was proposed \(sha256:\w{12} then, sha256:\w{12} where it was approved\): it ran the steps it was approved with, as proposed/);
  });

  it('a plan a terminal made from the edited file, approved in Slack by a bot not restarted since: says the bot is the stale one and to restart it, not to propose again; the postmortem says the same', async () => {
    const file = path.join(runbooksDir, 'duckdb.yml');
    writeGarbage(checkout.databasePath);
    const env = { DATABOX_RUNBOOKS_DIR: runbooksDir };
    harness = await startBot(checkout, slack, env, undefined, 200);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    // Edited while the bot runs: the terminal reads the file at its command, the bot keeps what it loaded at its start.
    const edited = bundledDuckdb.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
    expect(edited).not.toBe(bundledDuckdb);
    fs.writeFileSync(file, edited);
    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: runbooksDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(terminal.code).toBe(2);
    await slack.waitFor("the terminal's plan with its buttons", () => slack.buttons('approve_plan').length === 1, 60_000);
    const approve = slack.buttons('approve_plan')[0]!;
    const runId = (JSON.parse(approve.value) as { run: string }).run;

    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toContain('task full-refresh');
    const short = (text: string) => sha256(text).slice(0, 12);
    const stale = `The bot runs an older runbook than the file on disk (sha256:${short(bundledDuckdb)}, loaded at its start; the file is sha256:${short(edited)} now): restart it to load the new one. The plan runs as approved: the steps it was made with (sha256:${short(edited)}), as shown.`;
    const planTexts = slack.callsTo('chat.update').map((c) => String(c.text));
    expect(planTexts.some((text) => text.includes(stale)), 'the approved plan message says the bot is behind the file').toBe(true);
    expect(planTexts.some((text) => text.includes('has changed since this plan was made') || text.includes('propose it again')), 'nothing says the file changed, nor to propose again').toBe(false);
    const records = journalRecordsOf(checkout);
    expect(records.find((r) => r.type === 'run.approved' && r.data.runId === runId)?.data.runbookChanged).toEqual({ proposedWith: sha256(edited), approvedWith: sha256(bundledDuckdb), fileNow: sha256(edited), how: 'approver-older', approvedAt: 'Slack' });

    await harness.command(`postmortem ${incident}`, operator);
    await harness.settle();
    const markdown = fs.readFileSync(path.join(checkout.stateDir, 'postmortems', `${incident}.md`), 'utf8');
    expect(markdown).toContain(`- Approved by **U0TEAMMATE** at`);
    expect(markdown).toMatch(new RegExp(`; the bot that approved it ran an older runbook than the file on disk \\(sha256:${short(bundledDuckdb)}, loaded at its start; the file was sha256:${short(edited)}\\): it ran the steps it was approved with, as proposed \\(sha256:${short(edited)}\\)`));
    expect(markdown).not.toContain('had changed since it was proposed');
  });

  it("a plan the bot made, approved at a terminal after the file was edited: says to propose it again at a terminal, where the file is loaded, not in Slack where the bot still has the old one", async () => {
    const file = path.join(runbooksDir, 'duckdb.yml');
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir });
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1);
    expect(approve, "path A's plan was posted with an Approve button").toBeDefined();
    const { run: runId, hash } = JSON.parse(approve!.value) as { run: string; hash: string };
    const edited = bundledDuckdb.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
    expect(edited).not.toBe(bundledDuckdb);
    fs.writeFileSync(file, edited);

    const terminal = await runCliProcess(['approve', runId, hash.slice(0, 8), '--approver', 'bob'], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: runbooksDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(terminal.code, terminal.stderr).toBe(0);
    const short = (text: string) => sha256(text).slice(0, 12);
    expect(terminal.stdout).toContain(`Its runbook has changed since this plan was made (sha256:${short(bundledDuckdb)} then, sha256:${short(edited)} where it was approved): the plan runs the steps it was approved with, as shown, not the runbook's steps as they are now. For those, propose it again at a terminal.`);
    expect(journalRecordsOf(checkout).find((r) => r.type === 'run.approved' && r.data.runId === runId)?.data.runbookChanged).toEqual({ proposedWith: sha256(bundledDuckdb), approvedWith: sha256(edited), fileNow: sha256(edited), how: 'file-changed', approvedAt: 'terminal' });
  });

  it('a plan a terminal made from another copy of the runbooks (another DATABOX_RUNBOOKS_DIR), approved in Slack: says it was made from the other copy, naming both files, not that the runbook changed; the postmortem says the same', async () => {
    const otherDir = checkout.path('runbooks-other-copy');
    fs.cpSync(path.join(projectRoot, 'runbooks'), otherDir, { recursive: true });
    const otherFile = path.join(otherDir, 'duckdb.yml');
    const edited = bundledDuckdb.replace('argv: [task, full-refresh]', 'argv: [task, full-refresh-v2]');
    expect(edited).not.toBe(bundledDuckdb);
    fs.writeFileSync(otherFile, edited);
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: otherDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(terminal.code).toBe(2);
    await slack.waitFor("the terminal's plan with its buttons", () => slack.buttons('approve_plan').length === 1, 60_000);
    const approve = slack.buttons('approve_plan')[0]!;
    const runId = (JSON.parse(approve.value) as { run: string }).run;
    expect(journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.runId === runId)?.data.run.runbookPath).toBe(otherFile);

    await harness.click(approve, teammate);
    await harness.settle();
    // What ran is the plan as made from the other copy.
    expect(checkout.calls().map((c) => c.command)).toContain('task full-refresh-v2');
    const short = (text: string) => sha256(text).slice(0, 12);
    const botFile = path.join(runbooksDir, 'duckdb.yml');
    const otherCopy = `This plan was made from another copy of the runbooks (${otherFile}; this one is ${botFile}), its runbook at sha256:${short(edited)} there, sha256:${short(bundledDuckdb)} here: the plan runs the steps it was approved with, as shown, not this copy's steps. For those, propose it again in Slack.`;
    const planTexts = slack.callsTo('chat.update').map((c) => String(c.text));
    expect(planTexts.some((text) => text.includes(otherCopy)), 'the approved plan message names both copies').toBe(true);
    expect(planTexts.some((text) => text.includes('has changed since this plan was made')), 'nothing says the runbook changed').toBe(false);
    expect(journalRecordsOf(checkout).find((r) => r.type === 'run.approved' && r.data.runId === runId)?.data.runbookChanged).toEqual({ proposedWith: sha256(edited), approvedWith: sha256(bundledDuckdb), how: 'other-copy', approvedAt: 'Slack', proposedFrom: otherFile, approvedFrom: botFile });

    await harness.command(`postmortem ${incident}`, operator);
    await harness.settle();
    const markdown = fs.readFileSync(path.join(checkout.stateDir, 'postmortems', `${incident}.md`), 'utf8');
    expect(markdown).toContain(`it was made from another copy of the runbooks (${otherFile}; the approver's was ${botFile}), its runbook at sha256:${short(edited)} there, sha256:${short(bundledDuckdb)} where it was approved: it ran the steps it was approved with, as proposed`);
    expect(markdown).not.toContain('had changed since it was proposed');
  });
});
