// /databox unlock through the real Bolt app over signed HTTP: a plan left running in another container holds its
// database until a second person approves the unlock in Slack; the asker cannot approve it, and nothing changes before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledRunbooksDir } from '../../src/config.js';
import { verifyLines } from '../../src/journal/record.js';
import { buildPostmortem } from '../../src/postmortem/build-postmortem.js';
import { bootId, identityOf, processStartTime } from '../../src/process/identity.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { otherContainer, startedElsewhere, stuckRun } from '../helpers/stuck-run.js';
import { refusedReplyLink } from '../helpers/refused-url.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';

blockNetwork();

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const thread = { channel: 'C0INCIDENT', ts: '1776600000.000100' };

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
const children: ResultPromise[] = [];

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

/** What the bot said through response URLs (its answers to commands and clicks) since `from`. */
const answersSince = (from: number) => slack.responses.slice(from).map((r) => r.body);
const texts = (from: number) => answersSince(from).map((body) => `${body.text ?? ''} ${JSON.stringify(body.blocks ?? '')}`).join('\n');
const lastEphemeral = (from: number) => answersSince(from).filter((body) => body.response_type === 'ephemeral').at(-1)?.text as string | undefined;

/** The "Approve unlock" button of the newest request posted in the channel, as Slack would show it. */
function approveUnlock(from: number): { actionId: string; value: string; channel: string; ts: string } | undefined {
  const request = answersSince(from).filter((body) => body.response_type === 'in_channel' && JSON.stringify(body.blocks ?? []).includes('approve_unlock')).at(-1);
  const element = request?.blocks?.flatMap((block: any) => block.elements ?? []).find((e: any) => e.action_id === 'approve_unlock');
  return element ? { actionId: element.action_id, value: element.value, channel: 'C0INCIDENT', ts: '1776700000.000200' } : undefined;
}

async function askToUnlock(runId: string): Promise<NonNullable<ReturnType<typeof approveUnlock>>> {
  const from = slack.responses.length;
  expect((await harness!.command(`unlock ${runId}`, operator)).status).toBe(200);
  await slack.waitFor('the unlock request', () => approveUnlock(from) !== undefined);
  return approveUnlock(from)!;
}

async function click(button: NonNullable<ReturnType<typeof approveUnlock>>, user: string): Promise<number> {
  const from = slack.responses.length;
  await harness!.click(button, user);
  await harness!.settle();
  return from;
}

const finishedOf = (runId: string) => journalRecordsOf(checkout).find((r) => r.type === 'run.finished' && r.data.runId === runId);
const refusalsOf = (runId: string) => journalRecordsOf(checkout).filter((r) => r.type === 'approval.refused' && r.data.runId === runId);
/** The refused commands on the record (request.refused): who typed what, why it was refused, and the incident it was about. */
const refusedCommands = () =>
  journalRecordsOf(checkout)
    .filter((r) => r.type === 'request.refused' && typeof r.data.command === 'string')
    .map((r) => ({ actor: r.actor, ...r.data }));

describe('/databox unlock', () => {
  it('frees a database held by a plan left running in another container, once someone other than the asker approves', async () => {
    const runId = stuckRun(checkout, otherContainer, { thread, moved: true });
    harness = await startBot(checkout, slack);
    // Left as it is at the start, but said in the log, and by /databox status, with the way out.
    const said = `it was started on host databox-bot-7f9c4, whose processes this one (${os.hostname()}) cannot see: if nothing there runs it any more (a container since recreated), \`/databox unlock ${runId}\` clears it, with a second person's approval`;
    expect(harness.logs.find((l) => l.runId === runId)).toMatchObject({ level: 40, host: 'databox-bot-7f9c4', msg: `a plan still shows as running, left as it is: ${said}` });
    const status = await harness.command('status', operator);
    expect(String(status.json?.text)).toContain(said);

    // Held: a new recovery of the same database is refused, and the refusal says how a stuck plan is cleared.
    let from = slack.responses.length;
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    // What status says of it, said here too: where it was started, and the unlock.
    expect(texts(from)).toContain(`databox.duckdb is held by plan ${runId} (Path A: Rebuild from raw dlt state), requested by <@${operator}>`);
    expect(texts(from)).toContain(`which is running on the record, but ${said}. One mutating plan per database at a time.`);

    from = slack.responses.length;
    const button = await askToUnlock(runId);
    expect(texts(from)).toMatch(new RegExp(`<@${operator}> asks to unlock plan \`${runId}\` \\(Path A: Rebuild from raw dlt state\\), left running by PID 7 on host databox-bot-7f9c4`));
    expect(JSON.parse(button.value)).toEqual({ run: runId, requester: operator, was: 'running' });
    const requested = journalRecordsOf(checkout).filter((r) => r.type === 'unlock.requested');
    expect(requested).toMatchObject([{ incident: 'dbx-20260420-0b0b', actor: operator, data: { runId, was: 'running' } }]);

    // The asker's own click is refused, on the record, and the plan still holds the database.
    from = await click(button, operator);
    expect(lastEphemeral(from)).toMatch(/must be approved by someone other than the person who asks for it \(<@U0OPERATOR>\)/);
    expect(finishedOf(runId)).toBeUndefined();
    expect(refusalsOf(runId)).toMatchObject([{ actor: operator, data: { unlock: true } }]);

    // A teammate's click unlocks it: recorded as interrupted, with both people, and the request's button replaced.
    from = await click(button, teammate);
    expect(finishedOf(runId)).toMatchObject({
      actor: teammate,
      data: { runId, status: 'interrupted', unlock: { requestedBy: operator, approvedBy: teammate, was: 'running' } },
    });
    const replaced = answersSince(from).find((body) => body.replace_original === true);
    expect(JSON.stringify(replaced?.blocks)).toContain(`asked by <@${operator}> and approved by <@${teammate}>; \`databox.duckdb\` is free for other plans (what the run changed stays as it left it).`);
    expect(JSON.stringify(replaced?.blocks)).not.toContain('approve_unlock');
    // In the incident's thread: the plan's end, and the rollback of the move it had made.
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length > 0);
    const inThread = slack.messages().filter((m) => m.threadTs === thread.ts).map((m) => `${m.text} ${m.blocks}`);
    expect(inThread.join('\n')).toMatch(new RegExp(`unlocked by ${operator}, approved by ${teammate}`));
    expect(slack.buttons('request_rollback')).toMatchObject([{ channel: thread.channel, threadTs: thread.ts }]);

    // The database is free: the same recovery is now proposed.
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);

    // A later click on the old button finds nothing to unlock, says so, and takes the button away.
    from = await click(button, 'U0THIRD');
    expect(lastEphemeral(from)).toContain(`plan ${runId} was interrupted: it holds no database, so there is nothing to unlock`);
    expect(answersSince(from).find((body) => body.replace_original === true)?.text).toBe(`${runId}: nothing to unlock`);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.finished' && r.data.runId === runId)).toHaveLength(1);

    // The postmortem tells it: who asked, the refused click, who approved.
    const verify = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
    const { markdown } = buildPostmortem({ incidentId: 'dbx-20260420-0b0b', verify, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, journalFile: 'journal.jsonl', writtenAt: new Date() });
    expect(markdown).toContain(`**${operator}** asked to **unlock** \`${runId}\`, left running, for a second person to approve`);
    expect(markdown).toContain(`**${operator}** tried to approve the unlock of \`${runId}\`, refused: an unlock lets another plan change the database`);
    expect(markdown).toMatch(new RegExp(`\\*\\*interrupted\\*\\* after running at most [^:]+: unlocked by ${operator}, approved by ${teammate}`));
  });

  it("takes away the buttons of the verdict whose database the unlocked plan may have changed", async () => {
    const verdictAt = { channel: thread.channel, ts: '1776600000.000200' };
    const runId = stuckRun(checkout, otherContainer, { thread, moved: true, verdictAt });
    harness = await startBot(checkout, slack);
    const button = await askToUnlock(runId);
    await click(button, teammate);
    await slack.waitFor("the verdict's buttons to go", () => slack.callsTo('chat.update').some((u) => u.ts === verdictAt.ts), 60_000);
    const edit = slack.callsTo('chat.update').find((u) => u.ts === verdictAt.ts)!;
    expect(String(edit.blocks)).not.toContain('choose_path_');
    expect(String(edit.blocks)).toContain(`*Path A: Rebuild from raw dlt state* (plan ${runId}; asked for by <@${operator}>, approved by <@${teammate}>`);
    expect(String(edit.blocks)).toContain('; interrupted) was run — see below');
  });

  it("posts the request as the bot's own message when the command's reply link is refused, so a second person can still approve it", async () => {
    const runId = stuckRun(checkout, otherContainer, { thread, moved: true });
    harness = await startBot(checkout, slack);
    const typed = await postSigned(harness.url, slashCommandBody(`unlock ${runId}`, { user_id: operator, response_url: await refusedReplyLink() }));
    expect(typed.status).toBe(200);
    await slack.waitFor('the unlock request', () => slack.buttons('approve_unlock').length > 0);
    await harness.settle();
    const [button] = slack.buttons('approve_unlock');
    expect(button).toMatchObject({ channel: 'C0INCIDENT', threadTs: undefined });
    expect(JSON.parse(button!.value)).toEqual({ run: runId, requester: operator, was: 'running' });
    expect(slack.messages().find((m) => m.ts === button!.ts)?.blocks).toContain(`asks to unlock plan \`${runId}\``);
    expect(slack.ephemerals(operator), 'the asker is told of no failure: the request is in the channel').toEqual([]);
    expect(harness.logs.filter((l) => l.msg === "an unlock request went by chat.postMessage: the command's reply link failed")).toMatchObject([{ level: 40, runId }]);

    await click(button!, teammate);
    expect(finishedOf(runId)).toMatchObject({ actor: teammate, data: { runId, status: 'interrupted', unlock: { requestedBy: operator, approvedBy: teammate } } });
  });

  it('refuses the unlock of a plan that has started since it was asked for', async () => {
    // Approved by another container sharing the journal while this bot runs (a restart here interrupts such plans).
    harness = await startBot(checkout, slack);
    const runId = stuckRun(checkout, otherContainer, { neverStarted: true });
    const from = slack.responses.length;
    const button = await askToUnlock(runId);
    expect(texts(from)).toMatch(new RegExp(`left approved by <@${teammate}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC and never started`));
    startedElsewhere(checkout, runId, otherContainer);
    const clicked = await click(button, teammate);
    expect(lastEphemeral(clicked)).toContain(`plan ${runId} is running now, not approved as when the unlock was asked for; nothing was changed. If it is still stuck, ask again`);
    expect(finishedOf(runId)).toBeUndefined();
    expect(refusalsOf(runId)).toMatchObject([{ actor: teammate, data: { unlock: true } }]);
  });

  it('lets only an approver Slack vouches for approve it, and only DATABOX_REQUESTERS ask for it', async () => {
    const runId = stuckRun(checkout, otherContainer);
    harness = await startBot(checkout, slack, { DATABOX_REQUESTERS: operator });
    const from = slack.responses.length;
    await harness.command(`unlock ${runId}`, 'U0OUTSIDER');
    await harness.settle();
    expect(lastEphemeral(from)).toMatch(/refused: only these people and groups may start recoveries and rollbacks: <@U0OPERATOR>/);
    expect(approveUnlock(from)).toBeUndefined();
    expect(refusedCommands()).toEqual([
      { actor: 'U0OUTSIDER', command: `/databox unlock ${runId}`, incident: 'dbx-20260420-0b0b', reason: expect.stringMatching(/^refused: only these people and groups may start recoveries and rollbacks: .*U0OPERATOR/) },
    ]);

    const button = await askToUnlock(runId);
    slack.users.set(teammate, { is_restricted: true });
    const clicked = await click(button, teammate);
    expect(lastEphemeral(clicked)).toMatch(/guests \(multi-channel\) may not approve/);
    expect(finishedOf(runId)).toBeUndefined();
    expect(refusalsOf(runId)).toMatchObject([{ actor: teammate, data: { unlock: true } }]);
  });

  it('lets a member of a user group DATABOX_APPROVERS names approve it, and refuses anyone else, naming who may', async () => {
    const runId = stuckRun(checkout, otherContainer);
    slack.userGroups.set('S0ONCALL', [teammate]);
    harness = await startBot(checkout, slack, { DATABOX_APPROVERS: 'S0ONCALL' });
    const button = await askToUnlock(runId);
    const refused = await click(button, 'U0THIRD');
    expect(lastEphemeral(refused)).toMatch(/only these people may approve an unlock: members of the user group S0ONCALL; nothing was changed/);
    expect(finishedOf(runId)).toBeUndefined();
    expect(refusalsOf(runId)).toMatchObject([{ actor: 'U0THIRD', data: { unlock: true } }]);
    await click(button, teammate);
    // With the approval policy it was approved under, as a plan's approval records it.
    expect(finishedOf(runId)).toMatchObject({ actor: teammate, data: { status: 'interrupted', unlock: { requestedBy: operator, approvedBy: teammate, approvers: ['S0ONCALL'] } } });
  });

  it('says a finished diagnosis is one, and held no database, rather than "plan … is succeeded"', async () => {
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    const from = slack.responses.length;
    await harness.command(`unlock ${incident}/1`, operator);
    await harness.settle();
    expect(texts(from)).toContain(`diagnosis ${incident}/1 has finished: it holds no database, so there is nothing to unlock`);
  });

  it('says a plan whose journal line names no runner is the bot\'s own when its PID is the bot\'s', async () => {
    const runId = stuckRun(checkout, { ...identityOf(process.pid) }, { thread, moving: true, runBy: null });
    harness = await startBot(checkout, slack);
    const from = slack.responses.length;
    await harness.command(`unlock ${runId}`, operator);
    await harness.settle();
    expect(texts(from)).toContain(`plan ${runId} (Path A: Rebuild from raw dlt state) is running right now in the bot itself (PID ${process.pid} on this host)`);
  });

  it('answers at once, posting no request, for a plan the bot itself is running, an unknown plan or a malformed id', async () => {
    // The bot runs in this process: the plan is recorded as running in it, at its first step.
    const pid = process.pid;
    const runId = stuckRun(checkout, { ...identityOf(pid) }, { thread, moving: true });
    harness = await startBot(checkout, slack);
    const stillRunningInBot =
      `plan ${runId} (Path A: Rebuild from raw dlt state) is running right now in the bot itself (PID ${pid} on this host), at step 1 of 1 (Move the broken file aside). ` +
      "Wait for it to finish: its progress shows in the incident's Slack thread, or `/databox status`. An unlock is only for a plan whose process is gone; do not stop the bot, which would leave this recovery half-done. Nothing was changed";

    const from = slack.responses.length;
    await harness.command(`unlock ${runId}`, operator);
    await harness.command('unlock dbx-20260420-0b0b/9', operator);
    const malformed = await harness.command('unlock dbx-20260420-0b0b', operator);
    await harness.settle();
    expect(malformed.json?.text).toMatch(/"dbx-20260420-0b0b" is not a run id \(they look like dbx-20260420-3fa2\/2\)[\s\S]*Usage: \/databox unlock &lt;run-id&gt;/);
    const said = texts(from);
    // Never "stop that process": the process is the bot, and stopping it would leave the recovery half-done.
    expect(said).toContain(stillRunningInBot);
    expect(said).not.toMatch(/stop (that|the) process/);
    // The server's paths stay out of Slack (the terminal's refusal, and the journal's record of it, name the file).
    expect(said).toContain('no plan "dbx-20260420-0b0b/9" is known to the bot\'s journal: `/databox status` lists the plans with their run ids');
    expect(said).not.toContain(checkout.stateDir);
    expect(approveUnlock(from)).toBeUndefined();
    expect(answersSince(from).every((body) => body.response_type !== 'in_channel')).toBe(true);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'unlock.requested')).toEqual([]);

    // A click carrying a value the bot never gave its unlock button (no asker a Slack user id) goes no further.
    const forged = { actionId: 'approve_unlock', value: JSON.stringify({ run: runId, requester: 'alice; DROP', was: 'running' }), channel: 'C0INCIDENT', ts: '1776700000.000300' };
    await harness.click(forged, teammate);
    await harness.settle();
    // Each refused command is on the record with why, beside the command; the forged click too, as any foreign request.
    const byCommand = (a: { command?: unknown }, b: { command?: unknown }) => String(a.command).localeCompare(String(b.command));
    expect(refusedCommands().sort(byCommand)).toEqual([
      { actor: operator, command: '/databox unlock dbx-20260420-0b0b', reason: "\"dbx-20260420-0b0b\" is not a run id (they look like dbx-20260420-3fa2/2): that is an incident; its plans are dbx-20260420-0b0b/1, dbx-20260420-0b0b/2 … (each plan's message shows its own)" },
      { actor: operator, command: `/databox unlock ${runId}`, incident: 'dbx-20260420-0b0b', reason: stillRunningInBot },
      { actor: operator, command: '/databox unlock dbx-20260420-0b0b/9', reason: `no plan "dbx-20260420-0b0b/9" is known to the journal ${path.join(checkout.stateDir, 'journal.jsonl')}: \`npm run --silent cli -- status\` lists the plans with their run ids` },
    ].sort(byCommand));
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'request.refused' && r.data.command === undefined).map((r) => r.data.reason)).toEqual(['this button carries a value the bot never gave it']);
    expect(finishedOf(runId)).toBeUndefined();
    const typed = journalRecordsOf(checkout).filter((r) => r.type === 'command.received').map((r) => r.data.text);
    expect(typed).toEqual([`/databox unlock ${runId}`, '/databox unlock dbx-20260420-0b0b/9', '/databox unlock dbx-20260420-0b0b']);
  });
});
