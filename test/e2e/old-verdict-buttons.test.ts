// An incident diagnosed twice, through the real Bolt app: a path button on the older verdict is refused, naming the
// newer one, instead of proposing a plan made on a diagnosis other than the one clicked; and that verdict's buttons go.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

const journalRecords = () => journalRecordsOf(checkout);
const incidentId = () => journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;
const recoveriesProposed = () => journalRecords().filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery');

/** A corrupt file diagnosed, then diagnosed again in the same incident: the first verdict's path A button, as drawn. */
async function diagnosedTwice(): Promise<ReturnType<SlackStandIn['buttons']>[number]> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  const first = slack.buttons('choose_path_a')[0]!;
  await harness.command(`diagnose duckdb incident=${incidentId()}`, operator);
  await harness.settle();
  expect(journalRecords().filter((r) => r.type === 'diagnosis.verdict')).toHaveLength(2);
  return first;
}

/** The second verdict, as the journal has it: its diagnosis, title and when. */
function secondVerdict(): { runId: string; title: string } {
  const verdict = journalRecords().filter((r) => r.type === 'diagnosis.verdict')[1]!;
  return { runId: String(verdict.data.runId), title: String(verdict.data.title) };
}

describe("an older verdict's path buttons", () => {
  it('refuse a click, naming the newer verdict, journal the refusal, and propose nothing; the newer verdict\'s buttons propose', async () => {
    const oldButton = await diagnosedTwice();
    const incident = incidentId();
    expect(JSON.parse(oldButton.value)).toEqual({ incident, path: 'a', diagnosis: `${incident}/1` });
    const newer = secondVerdict();
    expect(newer.runId).toBe(`${incident}/2`);

    await harness.click(oldButton, operator);
    await harness.settle();
    const told = slack.ephemerals(operator).at(-1);
    expect(told).toContain(`this button is on an older verdict of incident ${incident} (diagnosis ${incident}/1 at `);
    expect(told).toMatch(new RegExp(`it was diagnosed again since \\(diagnosis ${incident}/2 at \\d\\d:\\d\\d UTC, verdict "${newer.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)`));
    expect(told).toContain('Nothing was proposed: use the path buttons on that verdict');
    expect(recoveriesProposed()).toEqual([]);
    expect(journalRecords().filter((r) => r.type === 'request.refused').at(-1)?.data).toEqual(
      expect.objectContaining({ action: 'choose_path_a', incident, value: oldButton.value, reason: expect.stringContaining('older verdict') }),
    );

    const newButton = slack.buttons('choose_path_a').at(-1)!;
    expect(JSON.parse(newButton.value).diagnosis).toBe(`${incident}/2`);
    await harness.click(newButton, operator);
    await harness.settle();
    expect(recoveriesProposed()).toHaveLength(1);
  });

  it('refuse a form opened on the older verdict and sent after the newer one came, on the form, and propose nothing', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    const incident = incidentId();
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await harness.settle();
    const backup = checkout.path('backup.duckdb');
    await createHealthyDatabase(backup, 1_000);

    const submitted = await harness.submitModal(operator, form, { backup });
    await harness.settle();
    expect(submitted.json?.response_action).toBe('errors');
    expect(JSON.stringify(submitted.json?.errors)).toContain(`this form is on an older verdict of incident ${incident} (diagnosis ${incident}/1 at `);
    expect(recoveriesProposed()).toEqual([]);
  });

  it('refuse a click taken before the newer verdict came but proposed after it (it waited in the queue), and propose nothing', async () => {
    writeGarbage(checkout.databasePath);
    // One worker: the click's proposal waits behind the diagnosis running again.
    harness = await startBot(checkout, slack, { DATABOX_WORKERS: '1' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const oldButton = slack.buttons('choose_path_a')[0]!;
    const incident = incidentId();
    // Diagnosed again on a file that opens, held in its audit until the click is queued.
    fs.rmSync(checkout.databasePath);
    await createHealthyDatabase(checkout.databasePath);
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 180_000, untilReleased: true } });
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await slack.waitFor('the audit to be held', () => checkout.calls().some((c) => c.command === 'uv run sqlmesh audit'), 60_000);
    await harness.click(oldButton, operator);
    expect(journalRecords().filter((r) => r.type === 'diagnosis.verdict'), 'the click came before the newer verdict').toHaveLength(1);
    checkout.release();
    await harness.settle();

    expect(journalRecords().filter((r) => r.type === 'diagnosis.verdict')).toHaveLength(2);
    expect(recoveriesProposed()).toEqual([]);
    const told = slack.ephemerals(operator).at(-1);
    expect(told).toContain(`this button is on an older verdict of incident ${incident} (diagnosis ${incident}/1 at `);
    expect(told).toContain(`it was diagnosed again since (diagnosis ${incident}/2 at `);
  });

  it('drawn before buttons named their diagnosis: known by the message they are in, or refused when that is not known', async () => {
    const oldButton = await diagnosedTwice();
    const incident = incidentId();
    const asDrawnBefore = { ...oldButton, value: JSON.stringify({ incident, path: 'a' }) };

    await harness.click(asDrawnBefore, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain(`this button is on an older verdict of incident ${incident} (diagnosis ${incident}/1 at `);

    // A message whose place nobody journaled (posted by a build from before run.offer-ref).
    await harness.click({ ...asDrawnBefore, ts: '1700000000.000100', threadTs: asDrawnBefore.threadTs }, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain(`this button was drawn before path buttons said which diagnosis they belong to, and incident ${incident} has been diagnosed 2 times`);
    expect(slack.ephemerals(operator).at(-1)).toContain(`use the path buttons on the latest verdict (diagnosis ${incident}/2 at `);
    expect(recoveriesProposed()).toEqual([]);
  });

  it('drawn before buttons named their diagnosis, on an incident diagnosed once: a click proposes as before', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const button = slack.buttons('choose_path_a')[0]!;
    await harness.click({ ...button, value: JSON.stringify({ incident: incidentId(), path: 'a' }), ts: '1700000000.000100' }, operator);
    await harness.settle();
    expect(recoveriesProposed()).toHaveLength(1);
  });
});

/** The verdict messages posted, in order, as Slack holds them now. */
function verdictsNow() {
  const posted = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.result?.ok && String(c.args.text).startsWith('Verdict:'));
  return posted.map((c) => ({ posted: String(c.args.blocks), now: slack.messages().find((m) => m.ts === c.result?.ts)! }));
}

/** What the first verdict reads once the second replaced it: its own advice and evidence, and a line in place of its buttons. */
function expectReplaced(incident: string): void {
  const [first, second] = verdictsNow();
  expect(first!.now.updates, 'the older verdict was edited once').toHaveLength(1);
  expect(first!.now.blocks).not.toContain('choose_path_');
  expect(first!.now.blocks).not.toContain('Or type');
  expect(first!.now.blocks).toMatch(new RegExp(`A newer diagnosis replaced this verdict: the incident was diagnosed again at \\d\\d:\\d\\d UTC \\(diagnosis ${incident}/2\\) — see below\\. The buttons of paths A and B are gone: use the buttons on the newest verdict\\.`));
  expect(JSON.parse(first!.now.blocks).slice(0, 2)).toEqual(JSON.parse(first!.posted).slice(0, 2));
  expect(second!.now.updates).toEqual([]);
  expect(second!.now.blocks).toContain('choose_path_a');
}

describe('an older verdict, once the incident is diagnosed again', () => {
  it('has its buttons replaced by a line saying when a newer diagnosis replaced it', async () => {
    await diagnosedTwice();
    expectReplaced(incidentId());
  });

  it('is the one whose diagnosis finished first, when two finish out of order: the last to finish keeps its buttons, and they propose', async () => {
    await createHealthyDatabase(checkout.databasePath);
    // The bot's diagnosis is held in its audit; the terminal's, asked for after it, finishes first.
    checkout.behave({ 'uv run sqlmesh audit': { stderr: 'table missing: marts.daily\n', exit: 1, sleepMs: 180_000, untilReleased: true } });
    harness = await startBot(checkout, slack, {}, undefined, 200);
    await harness.command('diagnose duckdb', operator);
    await slack.waitFor('the audit to be held', () => checkout.calls().some((c) => c.command === 'uv run sqlmesh audit'), 60_000);
    const incident = incidentId();
    checkout.behave({ 'uv run sqlmesh audit': { stderr: 'table missing: marts.daily\n', exit: 1 } });
    const cli = await runCliProcess(['diagnose', 'duckdb', `incident=${incident}`], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(journalRecords().filter((r) => r.type === 'diagnosis.verdict').map((r) => r.data.runId), cli.stderr).toEqual([`${incident}/2`]);
    await slack.waitFor("the terminal's verdict", () => verdictsNow().length === 1, 60_000);
    checkout.release();
    await slack.waitFor("the bot's verdict", () => verdictsNow().length === 2, 60_000);
    await harness.settle();

    const [terminals, bots] = verdictsNow();
    expect(bots!.now.blocks, "the last verdict to come keeps its buttons").toContain('choose_path_a');
    expect(terminals!.now.blocks).not.toContain('choose_path_');
    expect(terminals!.now.blocks).toContain(`(diagnosis ${incident}/1) — see below`);
    await harness.click(slack.buttons('choose_path_a').find((b) => JSON.parse(b.value).diagnosis === `${incident}/1`)!, operator);
    await harness.settle();
    expect(recoveriesProposed()).toHaveLength(1);
  });

  it('is found after a restart where the journal says it is', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.command(`diagnose duckdb incident=${incidentId()}`, operator);
    await harness.settle();
    expectReplaced(incidentId());
  });

  it('is edited at the next start when a stop found Slack failing the edit', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = incidentId();
    const firstTs = slack.buttons('choose_path_a')[0]!.ts;
    slack.troubled = (method, args) => method === 'chat.update' && args.ts === firstTs;
    slack.lastingTrouble = { status: 500 };
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await slack.waitFor('the edit to be tried', () => slack.calls.some((c) => c.method === 'chat.update' && c.args.ts === firstTs), 60_000);
    await harness.stop();
    const carryOver = JSON.parse(fs.readFileSync(path.join(checkout.stateDir, 'slack-carry-over.json'), 'utf8'));
    expect(carryOver).toEqual(expect.arrayContaining([{ what: 'offer-spent', incident, run: `${incident}/1` }]));

    slack.lastingTrouble = undefined;
    harness = await startBot(checkout, slack);
    await harness.settle();
    expectReplaced(incident);
  });

  it('posted again after a restart (a stop carried it over) comes back already replaced, never with live buttons', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    // Slack fails every verdict from now on: the stop carries the first one over for the next start.
    slack.troubled = (method, args) => method === 'chat.postMessage' && String(args.text).startsWith('Verdict:');
    slack.lastingTrouble = { status: 500 };
    await harness.command('diagnose duckdb', operator);
    await slack.waitFor('the verdict to be tried', () => slack.calls.some((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Verdict:')), 60_000);
    await harness.stop();
    const incident = incidentId();
    // Diagnosed again at a terminal while the bot is down.
    const cli = await runCliProcess(['diagnose', 'duckdb', `incident=${incident}`], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(cli.code, cli.stderr).toBe(1);

    slack.lastingTrouble = undefined;
    harness = await startBot(checkout, slack, {}, undefined, 200);
    await slack.waitFor('both verdicts', () => verdictsNow().length === 2, 60_000);
    await harness.settle();
    const posted = verdictsNow().map((v) => v.posted);
    expect(posted.filter((blocks) => blocks.includes('choose_path_')), "only the terminal's newer verdict has live buttons").toHaveLength(1);
    const replaced = posted.find((blocks) => !blocks.includes('choose_path_'));
    expect(replaced).toContain('the incident was diagnosed again at ');
    expect(replaced).toContain(`(diagnosis ${incident}/2) — see below`);
  });
});
