// A verdict's path button kept marked as its room check stands at the latest click, through the real Bolt app: marked
// when a click finds no room (the disk filled since the verdict), unmarked when a click finds room made.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';

const operator = 'U0OPERATOR';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

/**
 * A database that opens, whose SQLMesh state is desynced: path A is offered. It opened at the diagnosis, so the stack may
 * go on writing it: its size moving is no change since the diagnosis, which leaves its size as the test's lever on room.
 */
async function desyncedDatabase(): Promise<number> {
  await createHealthyDatabase(checkout.databasePath);
  checkout.behave({ 'uv run sqlmesh audit': { exit: 1, stderr: 'Catalog Error: Table with name fct_daily_bird_observations does not exist!\n' } });
  return fs.statSync(checkout.databasePath).size;
}

/** The database grown about as large as the volume's free space (sparse: it takes none): a rebuild as large has no room. */
function fillTheDisk(): void {
  const { bavail, bsize } = fs.statfsSync(checkout.root);
  fs.truncateSync(checkout.databasePath, bavail * bsize - 2 ** 20);
}

async function diagnose(): Promise<void> {
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
}

/** The verdict message as Slack holds it now (its updates applied). */
function verdictNow() {
  const posted = slack.calls.find((c) => c.method === 'chat.postMessage' && c.result?.ok && String(c.args.text).startsWith('Verdict:'));
  const found = slack.messages().find((m) => m.ts === posted?.result?.ts);
  expect(found, 'the verdict was posted').toBeDefined();
  return found!;
}

/** The path buttons' labels in the verdict as it reads now. */
const labelsNow = () =>
  (JSON.parse(verdictNow().blocks) as { type: string; elements?: { text: { text: string } }[] }[]).flatMap((block) => (block.type === 'actions' ? (block.elements ?? []).map((e) => e.text.text) : []));

const pathLineOf = (id: string) => (JSON.parse(verdictNow().blocks) as { type: string; elements?: { text?: string }[] }[]).flatMap((b) => (b.type === 'context' ? (b.elements ?? []).map((e) => e.text ?? '') : [])).find((t) => t.includes(`*Path ${id}*`)) ?? '';

/** Path A's button as posted in the thread (the stand-in's record of an update does not say which thread it is in). */
const pathAButton = () => slack.buttons('choose_path_a')[0]!;

const roomChecks = () => journalRecordsOf(checkout).filter((r) => r.type === 'diagnosis.room-checked');

describe("a verdict's room-refused mark follows its check at the latest click", () => {
  it('marks path A refused in the verdict when a click finds the disk filled since, and a re-render after a restart keeps it', async () => {
    await desyncedDatabase();
    await diagnose();
    const posted = verdictNow();
    expect(labelsNow()).toEqual(['Path A: Rebuild from raw dlt state']);

    fillTheDisk();
    await harness.click(pathAButton(), operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/refused, nothing was run: the check \W*The database's volume has room for a rebuild/);
    // Before: the verdict kept offering path A unmarked, as if a click on it worked.
    const verdict = verdictNow();
    expect(verdict.updates).toHaveLength(1);
    expect(labelsNow()).toEqual(['Refused until its check passes · Path A: Rebuild from raw dlt state']);
    expect(pathLineOf('A')).toMatch(/^:no_entry: \*Path A\* \(refused until its check passes: a click at \d\d:\d\d UTC found the check \W*The database's volume has room for a rebuild .* did not pass: .*; its button and command work once it does\): /);
    // Everything else as first posted: the advice, the evidence, the button's value, the typed command.
    const blocks = JSON.parse(verdict.blocks);
    const first = JSON.parse(posted.blocks);
    expect(blocks.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(blocks[2].elements[0].value).toEqual(first[2].elements[0].value);
    expect(blocks.slice(4)).toEqual(first.slice(4));
    expect(pathLineOf('A').split(' Or type ')[1]).toBe(first[3].elements[0].text.split(' Or type ')[1]);
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    expect(roomChecks()).toEqual([expect.objectContaining({ incident, data: { runId: `${incident}/1`, path: 'a', clickedBy: operator, refused: expect.stringMatching(/did not pass/) } })]);

    // A second click, still without room: the mark already says so, so nothing more is recorded or edited.
    await harness.click(pathAButton(), operator);
    await harness.settle();
    expect(slack.ephemerals(operator)).toHaveLength(2);
    expect(slack.ephemerals(operator).at(-1)).toMatch(/refused, nothing was run: the check \W*The database's volume has room for a rebuild/);
    expect(roomChecks()).toHaveLength(1);
    expect(verdictNow().updates).toHaveLength(1);

    // Rebuilt from the journal, the verdict re-rendered still marks path A.
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.settle();
    const service = harness.bot.service;
    await harness.bot.reporter.offerSpent(service.incident(incident), service.run(`${incident}/1`));
    await harness.settle();
    expect(verdictNow().updates).toHaveLength(2);
    expect(labelsNow()[0]).toBe('Refused until its check passes · Path A: Rebuild from raw dlt state');
    expect(pathLineOf('A')).toMatch(/^:no_entry: \*Path A\* \(refused until its check passes: a click at /);
  }, 60_000);

  it('unmarks path A in the verdict when a click finds room made since the verdict refused it, and the plan is proposed', async () => {
    const size = await desyncedDatabase();
    fillTheDisk();
    await diagnose();
    const posted = verdictNow();
    expect(labelsNow()).toEqual(['Refused until its check passes · Path A: Rebuild from raw dlt state']);

    // Room made: the database is its size again.
    fs.truncateSync(checkout.databasePath, size);
    await harness.click(pathAButton(), operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    // Before: path A's button stayed marked refused though its plan was just proposed.
    const verdict = verdictNow();
    expect(verdict.updates).toHaveLength(1);
    expect(labelsNow()).toEqual(['Path A: Rebuild from raw dlt state']);
    // The advice above still says what the verdict found: the line says the check passed since.
    expect(pathLineOf('A')).toMatch(/^\*Path A\* \(its check passed at a click at \d\d:\d\d UTC, after the verdict above found it refused\): Preferred in most cases/);
    const blocks = JSON.parse(verdict.blocks);
    const first = JSON.parse(posted.blocks);
    expect(blocks.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(blocks[2].elements[0].value).toEqual(first[2].elements[0].value);
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    expect(roomChecks().map((r) => r.data)).toEqual([{ runId: `${incident}/1`, path: 'a', clickedBy: operator }]);

    // The disk filled again: the next click marks it again, saying what that click found.
    fillTheDisk();
    await harness.click(pathAButton(), operator);
    await harness.settle();
    expect(verdictNow().updates).toHaveLength(2);
    expect(labelsNow()).toEqual(['Refused until its check passes · Path A: Rebuild from raw dlt state']);
    expect(pathLineOf('A')).toMatch(/^:no_entry: \*Path A\* \(refused until its check passes: a click at \d\d:\d\d UTC found the check /);

    // The postmortem says what the button showed after each click that changed it.
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident });
    const button = `Path A's button on the verdict of \`${incident}/1\``;
    expect(postmortem.markdown).toContain(`${button} was marked refused no longer: a click by **${operator}** found its check passing, and its plan was proposed`);
    expect(postmortem.markdown).toContain(`${button} was marked refused until its check passes: a click by **${operator}** found the check`);
  }, 60_000);
});
