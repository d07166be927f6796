// Load from one person, through the real Bolt app: the same diagnosis asked for again joins the running one, approvals
// and rollbacks never wait behind diagnoses in the queue, and commands per person are limited with a clear answer.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { bundledRunbooksDir } from '../../src/config.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';

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

const roots = () => slack.callsTo('chat.postMessage').filter((p) => !p.thread_ts);
/** Incident messages Slack took (a call it answered 429 is recorded too, without a result). */
const postedRoots = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && c.result);
const audits = () => checkout.calls().filter((c) => c.command === 'uv run sqlmesh audit');

describe('the same diagnosis asked for again', () => {
  it('joins the running one: one incident, one full read; the joiners are answered in their acks', async () => {
    await createHealthyDatabase(checkout.databasePath);
    // The diagnosis held until the last joiner is answered.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 180_000, untilReleased: true } });
    // Slack holds the incident's first message back a second (429, Retry-After: 1): the joiners below come before it.
    slack.trouble = [{ status: 429, retryAfter: 1 }];
    // The bot's own policy waits out a 429 and tries again (the harness's default client does not retry).
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
    const first = await harness.command('diagnose duckdb', operator);
    const joiners = [];
    for (let i = 0; i < 3; i += 1) joiners.push(await harness.command('diagnose duckdb', operator));
    const elsewhere = await harness.command('diagnose duckdb', teammate, 'C0ELSEWHERE');
    expect(postedRoots(), 'the incident is not open yet').toHaveLength(0);
    expect(first.text).toBe('');
    for (const ack of joiners) {
      expect(ack.json?.response_type).toBe('ephemeral');
      expect(ack.json?.text).toBe(
        ':link: This database is already being diagnosed: <@U0OPERATOR> asked for it just before you, and you joined it; its thread opens in this channel in a moment. Nothing new was started.',
      );
    }
    expect(elsewhere.json?.text).toContain('its thread opens in <#C0INCIDENT> in a moment; a link follows here.');
    await slack.waitFor('the incident to be open', () => postedRoots().length === 1, 60_000);
    const rootTs = postedRoots()[0]?.result?.ts as string;
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(String(postedRoots()[0]?.args.text))?.[1];
    const link = `<https://databox.slack.com/archives/C0INCIDENT/p${rootTs.replace('.', '')}|follow it in its thread>`;
    // Only the one who asked in another channel is told more: the link, once the thread exists.
    await slack.waitFor('the link for the other channel', () => slack.responses.length >= 1, 60_000);
    const late = await harness.command('diagnose  duckdb', teammate);
    checkout.release();
    await harness.settle();

    expect(postedRoots(), 'one incident was opened').toHaveLength(1);
    expect(audits(), 'the database was diagnosed once').toHaveLength(1);
    expect(slack.responses.map((response) => response.body.text)).toEqual([
      `:link: This database is already being diagnosed: you joined incident \`${incident}\`; ${link}. Nothing new was started.`,
    ]);
    expect(late.json?.text, 'a request once the incident is open is answered in its own ack').toContain(`you joined incident \`${incident}\`; ${link}`);
    expect(slack.allText()).toContain('Verdict: Healthy');
    const commands = journalRecordsOf(checkout).filter((e) => e.type === 'command.received');
    expect(commands, 'every joiner is in the journal').toHaveLength(6);
    // One who joined the open incident is on its record, so its postmortem shows them asking.
    expect(commands.at(-1)).toMatchObject({ actor: teammate, incident, data: { text: '/databox diagnose  duckdb' } });
    // Those who joined before it opened are on its record too, once it had an id: the one in another channel as well.
    await harness.settle();
    const joins = journalRecordsOf(checkout).filter((e) => e.type === 'diagnosis.joined');
    expect(joins).toHaveLength(4);
    expect(joins.find((e) => e.actor === teammate)).toMatchObject({ incident, data: { text: '/databox diagnose duckdb', origin: 'slack:C0ELSEWHERE' } });
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, incidentId: incident as string });
    expect(markdown).toMatch(/\*\*U0TEAMMATE\*\* asked for the same diagnosis with `\/databox diagnose duckdb` in Slack \(channel C0ELSEWHERE\) and \*\*joined\*\* it: nothing new was started/);
  });

  it('starts a new diagnosis once the first has finished', async () => {
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    expect(roots()).toHaveLength(2);
    expect(audits()).toHaveLength(2);
    expect(slack.responses, 'a first message that appears at once needs no note').toEqual([]);
  });

  it('tells the one who asked that the diagnosis is under way when its first message is slow to appear', async () => {
    await createHealthyDatabase(checkout.databasePath);
    slack.trouble = [{ status: 429, retryAfter: 4 }];
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
    await harness.command('diagnose duckdb', operator);
    const notes = () => slack.responses.filter((r) => /^:hourglass_flowing_sand: Your diagnosis is queued or under way/.test(String(r.body.text)));
    await slack.waitFor('the note', () => notes().length > 0, 60_000);
    expect(postedRoots(), 'the first message is still held back').toHaveLength(0);
    await slack.waitFor('the incident to open', () => postedRoots().length === 1, 60_000);
    await harness.settle();
    expect(notes()).toHaveLength(1);
  });

  it('joins a diagnosis of the same incident asked for again with incident=, as it joins a new one', async () => {
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(String(postedRoots()[0]?.args.text))?.[1];
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 180_000, untilReleased: true } });
    const again = [];
    for (let i = 0; i < 4; i += 1) again.push(await harness.command(`diagnose duckdb incident=${incident}`, i % 2 === 0 ? operator : teammate));
    checkout.release();
    await harness.settle();
    expect(audits(), 'the first diagnosis and one again').toHaveLength(2);
    // Before its verdict the joiners are told who asked; after it, where the incident is: never "its thread opens".
    for (const ack of again.slice(1)) expect(ack.json?.text).toMatch(new RegExp(`^:link: (Incident \`${incident}\` is already being diagnosed again: <@U0\\w+> asked for it just before you, and you joined it; its steps and verdict follow in its thread|This database is already being diagnosed: you joined incident \`${incident}\`)`));
    expect(postedRoots(), 'no new incident').toHaveLength(1);
  });

  it("puts a follow-up click that joined the same diagnosis, typed a moment before, on that incident's record, as a typed join is", async () => {
    harness = await startBot(checkout, slack, {}, undefined, undefined, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } });
    // An incident to follow up from.
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const [followedUp] = slack.buttons('write_postmortem');
    // The diagnosis the follow-up offers, typed and not open yet (Slack holds its first message back a second).
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const [from, to] = [day(10), day(5)];
    slack.trouble = [{ status: 429, retryAfter: 1 }];
    await harness.command(`diagnose backfill source=ebird from=${from} to=${to}`, operator);
    const offer = { incident: followedUp!.value, scenario: 'backfill', params: { source: 'ebird', from, to } };
    await harness.click({ actionId: 'open_follow_up_0', value: JSON.stringify(offer), text: 'Diagnose ebird', channel: followedUp!.channel, ts: followedUp!.ts }, teammate);
    await slack.waitFor('the joiner told', () => slack.ephemerals(teammate).some((t) => t.includes('is already running: you joined incident')), 60_000);
    await harness.settle();
    const joined = /you joined incident `(dbx-\d{8}-[0-9a-f]{4})`/.exec(slack.ephemerals(teammate).join('\n'))?.[1];
    expect(joined).not.toBe(followedUp!.value);
    const typed = `follow-up button: diagnose backfill source=ebird from=${from} to=${to}`;
    expect(journalRecordsOf(checkout).filter((e) => e.type === 'diagnosis.joined')).toEqual([expect.objectContaining({ actor: teammate, incident: joined, data: { text: typed, origin: `slack:${followedUp!.channel}` } })]);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, incidentId: joined as string });
    expect(markdown).toContain(`**U0TEAMMATE** asked for the same diagnosis with \`${typed}\` in Slack (channel ${followedUp!.channel}) and **joined** it: nothing new was started`);
  });
});

describe('approvals and the queue', () => {
  it('an approved plan starts at once, even while every worker is busy with a diagnosis', async () => {
    // A file SQLMesh's audit finds desynced: path A is offered, and a diagnosis of it runs the audit.
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { exit: 1, stderr: 'Catalog Error: Table with name fct_daily_bird_observations does not exist!\n' } });
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;

    // A long diagnosis of the same file (its audit slow now, longer than the waits below on a loaded machine) takes the only
    // worker, and another job waits behind it.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 120_000 } });
    // The first diagnosis ran the audit once already: the long one is running once its own audit has started.
    const auditsBefore = audits().length;
    await harness.command('diagnose duckdb', teammate);
    await slack.waitFor('the long diagnosis to be running', () => audits().length === auditsBefore + 1, 60_000);
    await harness.command('validate duckdb', teammate);

    await harness.click(approve, teammate);
    await slack.waitFor('the approved plan to run while the diagnosis still runs', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 60_000);
    expect(audits(), 'the diagnosis is still running').toHaveLength(auditsBefore + 1);
    expect(checkout.calls().some((c) => c.command === 'task verify' && c.args.length === 1), 'the queued validation still waits').toBe(false);
    harness.bot.service.stopRunning();
  });

  it('a rollback asked for starts at once, even while every worker is busy with a diagnosis', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    const rollback = slack.buttons('request_rollback').at(-1)!;
    const plans = slack.buttons('approve_plan').length;

    // A long diagnosis of the rebuilt file takes the only worker, and a validation waits behind it.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 120_000 } });
    const auditsBefore = audits().length;
    await harness.command('diagnose duckdb', teammate);
    await slack.waitFor('the long diagnosis to be running', () => audits().length === auditsBefore + 1, 60_000);
    await harness.command('validate duckdb', teammate);
    const verifies = () => checkout.calls().filter((c) => c.command === 'task verify' && c.args.length === 1).length;
    const verifiesBefore = verifies();

    await harness.click(rollback, operator);
    await slack.waitFor('the rollback plan to be posted while the diagnosis still runs', () => slack.buttons('approve_plan').length > plans, 60_000);
    expect(slack.allText()).toContain('Put the broken file and SQLMesh state back');
    expect(audits(), 'the diagnosis is still running').toHaveLength(auditsBefore + 1);
    expect(verifies(), 'the queued validation still waits').toBe(verifiesBefore);
    harness.bot.service.stopRunning();
  });
});

describe('commands per person', () => {
  it('answers past the limit with a clear ephemeral message, and other people are not limited', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_USER_COMMAND_LIMIT: '2/10m' });
    expect((await harness.command('diagnose duckdb', operator)).text).toBe('');
    await harness.settle();
    expect((await harness.command('diagnose duckdb', operator)).text).toBe('');
    await harness.settle();
    const third = await harness.command('diagnose duckdb', operator);
    expect(third.json?.response_type).toBe('ephemeral');
    expect(third.json?.text).toMatch(/You have started 2 commands in the last 10 min, the most one person may \(DATABOX_USER_COMMAND_LIMIT\)\. Try again in \d+ min( \d+ s)?/);
    await harness.settle();
    expect(roots()).toHaveLength(2);
    // On the record as refused, on the command's own line, and so in the postmortem of the incident it named.
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    await harness.settle();
    const refused = journalRecordsOf(checkout).filter((r) => r.type === 'command.received' && r.data.refused === true);
    expect(refused.map((r) => r.data.text)).toEqual(['/databox diagnose duckdb', `/databox recover duckdb path=a incident=${incident}`]);
    expect(refused[0]?.data.reason).toMatch(/^You have started 2 commands in the last 10 min,/);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, incidentId: incident, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root });
    expect(markdown).toContain(`typed \`/databox recover duckdb path=a incident=${incident}\` in Slack (channel C0INCIDENT): refused: You have started 2 commands`);
    expect((await harness.command('help', operator)).json?.text, 'help and status are never limited').toContain('databox-bot');
    expect((await harness.command('diagnose duckdb', teammate)).text).toBe('');
    await harness.settle();
    expect(roots()).toHaveLength(3);
  });

  it('does not count a command refused for bad input: an unknown incident\'s postmortem and a mistyped backup path three times do not lock its sender out', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_USER_COMMAND_LIMIT: '2/10m' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = slack.buttons('write_postmortem')[0]!.value;
    expect((await harness.command('postmortem dbx-20990101-ffff', operator)).json?.text).toContain("no incident `dbx-20990101-ffff` in the bot's journal");
    for (let i = 0; i < 3; i += 1) {
      expect((await harness.command(`recover duckdb path=b backup=/backups/typo${i}.duckdb incident=${incident}`, operator)).text).toBe('');
      await harness.settle();
    }
    expect(slack.responses.filter((r) => /typo\d\.duckdb does not exist/.test(String(r.body.text))), 'each refusal is told').toHaveLength(3);
    const refused = journalRecordsOf(checkout).filter((r) => r.type === 'request.refused');
    expect(refused.map((r) => r.data.command), 'and journaled').toEqual([0, 1, 2].map((i) => `/databox recover duckdb path=b backup=/backups/typo${i}.duckdb incident=${incident}`));
    expect(refused[0]?.data).toMatchObject({ incident, reason: expect.stringMatching(/typo0\.duckdb does not exist/) });
    const fourth = await harness.command(`recover duckdb path=a incident=${incident}`, operator);
    expect(fourth.text, 'the second command that starts work is allowed').toBe('');
    await harness.settle();
    const fifth = await harness.command('diagnose duckdb', operator);
    expect(fifth.json?.text).toMatch(/You have started 2 commands in the last 10 min,.*Commands refused for bad input are not counted/);
  });
});
