// Spent buttons through the real Bolt app: once path A ran, its verdict's path buttons give way to what ran and who
// approved it; once the rollback ran, so does Roll back…; a restart changes neither, and a late click is still refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialize, verifyLines, genesisHash, type JournalRecord } from '../../src/journal/record.js';
import { writeHead } from '../../src/journal/head.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { cliEnv, hashIn, runCliProcess } from '../helpers/cli-process.js';
import { standinBin } from '../helpers/databox-checkout.js';

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

const journalRecords = () => journalRecordsOf(checkout);

/** The first message posted whose text starts so, as Slack holds it now (its updates applied). */
function messageNow(startsWith: string) {
  const posted = slack.calls.find((c) => c.method === 'chat.postMessage' && c.result?.ok && String(c.args.text).startsWith(startsWith));
  const found = slack.messages().find((m) => m.ts === posted?.result?.ts);
  expect(found, `a message "${startsWith}…" was posted`).toBeDefined();
  return found!;
}

async function diagnoseCorrupt(): Promise<void> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
}

/** Path A proposed from the verdict's button, approved by a teammate, run and validated. */
async function runPathA(): Promise<void> {
  await harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  expect(slack.allText()).toContain('Validation passed');
}

/** The rollback asked for from its offer's button, approved by a teammate, and run. */
async function runRollback(): Promise<string> {
  await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  expect(slack.allText()).toContain('Rollback passed');
  return journalRecords().find((r) => r.type === 'run.proposed' && r.data.run.rollbackOf)?.data.runId as string;
}

const incidentId = () => journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;

describe('spent buttons', () => {
  it("replaces the verdict's path buttons once path A ran, naming it and who approved it, and keeps its evidence", async () => {
    await diagnoseCorrupt();
    const posted = messageNow('Verdict:');
    expect(posted.blocks).toContain('choose_path_a');
    await runPathA();
    const incident = incidentId();

    const verdict = messageNow('Verdict:');
    expect(verdict.updates, 'the verdict was updated once').toHaveLength(1);
    expect(verdict.blocks).not.toContain('choose_path_');
    expect(verdict.blocks).not.toContain('"actions"');
    expect(verdict.blocks).toMatch(new RegExp(`Path A: Rebuild from raw dlt state\\* \\(plan ${incident}/2; asked for by <@${operator}>, approved by <@${teammate}>, started at \\d\\d:\\d\\d UTC; succeeded\\) was run — see below`));
    expect(verdict.blocks).toContain(`To choose a path, diagnose again (\`/databox diagnose duckdb incident=${incident}\`)`);
    // The rest of the message as first posted: the verdict and its evidence.
    expect(JSON.parse(verdict.blocks).slice(0, 2)).toEqual(JSON.parse(posted.blocks).slice(0, 2));
    expect(verdict.blocks).toContain('The buttons of paths A and B are gone');
    // Journaled where it is, so a restarted bot finds it.
    const diagnosis = `${incident}/1`;
    expect(journalRecords().filter((r) => r.type === 'run.offer-ref' && r.data.runId === diagnosis)).toEqual([
      expect.objectContaining({ data: { runId: diagnosis, frontEnd: 'slack', ref: { channel: verdict.channel, ts: verdict.ts } } }),
    ]);

    // A late click on the old button is refused, as the message says.
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/This incident is recovered/);
  });

  it('replaces Roll back… once the rollback ran; after a restart nothing is updated again, and late clicks are still refused', async () => {
    await diagnoseCorrupt();
    await runPathA();
    const incident = incidentId();
    const recovery = `${incident}/2`;
    const offerButton = slack.buttons('request_rollback').at(-1)!;
    const rollback = await runRollback();

    const offer = messageNow('A rollback is available');
    expect(offer.updates).toHaveLength(1);
    expect(offer.blocks).not.toContain('request_rollback');
    expect(offer.blocks).toMatch(new RegExp(`Rolled back at \\d\\d:\\d\\d UTC by plan ${rollback} \\(asked for by <@${operator}>, approved by <@${teammate}>, started at \\d\\d:\\d\\d UTC\\) — see below\\. There is nothing more to roll back\\.`));
    expect(offer.blocks).toContain(`If this recovery (\`${recovery}\`, Path A: Rebuild from raw dlt state) made things worse`);
    expect(journalRecords().some((r) => r.type === 'run.offer-ref' && r.data.runId === recovery && r.data.ref.ts === offer.ts)).toBe(true);
    // The verdict was spent by path A, not by its rollback: updated once, naming path A.
    expect(messageNow('Verdict:').updates).toHaveLength(1);

    await harness.stop();
    const updatesBefore = slack.callsTo('chat.update').length;
    harness = await startBot(checkout, slack);
    await harness.settle();
    const updatedAgain = slack.callsTo('chat.update').slice(updatesBefore).filter((u) => u.ts === offer.ts || u.ts === messageNow('Verdict:').ts);
    expect(updatedAgain, 'nothing spent is shown again after a restart').toEqual([]);

    await harness.click(offerButton, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toContain(`${recovery} was rolled back already (${rollback}); there is nothing more to roll back`);
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(new RegExp(`has changed since this incident's diagnosis: plan ${incident}/\\d \\(.*\\) ran at \\d\\d:\\d\\d UTC\\..*diagnose again`));
  });

  it('finds a verdict posted before a restart where the journal says it is, and replaces its buttons there', async () => {
    await diagnoseCorrupt();
    const posted = messageNow('Verdict:');
    await harness.stop();
    harness = await startBot(checkout, slack);
    await runPathA();
    const verdict = messageNow('Verdict:');
    expect(verdict.updates).toHaveLength(1);
    expect(verdict.blocks).not.toContain('choose_path_');
    expect(verdict.blocks).toMatch(/Path A: Rebuild from raw dlt state\* \(plan [^)]*approved by <@U0TEAMMATE>[^)]*\) was run — see below/);
    expect(JSON.parse(verdict.blocks).slice(0, 2)).toEqual(JSON.parse(posted.blocks).slice(0, 2));
  });

  it('shows a spent verdict at the next start when a stop found Slack failing its update', async () => {
    await diagnoseCorrupt();
    const verdictTs = messageNow('Verdict:').ts;
    // Slack fails every update of the verdict from now on, however often the outbox tries.
    slack.troubled = (method, args) => method === 'chat.update' && args.ts === verdictTs;
    slack.lastingTrouble = { status: 500 };
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await slack.waitFor('the validation to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === `${incidentId()}/3`), 60_000);
    await slack.waitFor('the verdict update to be tried', () => slack.calls.some((c) => c.method === 'chat.update' && c.args.ts === verdictTs));
    await harness.stop();
    const carryOver = JSON.parse(fs.readFileSync(path.join(checkout.stateDir, 'slack-carry-over.json'), 'utf8'));
    expect(carryOver).toEqual(expect.arrayContaining([{ what: 'offer-spent', incident: incidentId(), run: `${incidentId()}/1` }]));

    slack.lastingTrouble = undefined;
    harness = await startBot(checkout, slack);
    await harness.settle();
    const verdict = messageNow('Verdict:');
    expect(verdict.updates).toHaveLength(1);
    expect(verdict.blocks).not.toContain('choose_path_');
    expect(verdict.blocks).toMatch(/Path A: Rebuild from raw dlt state\* \(plan [^)]*approved by <@U0TEAMMATE>[^)]*\) was run — see below/);
  });

  it("keeps its own verdict when the edit goes through only after the incident was diagnosed again: never the later verdict's title or live buttons", async () => {
    await diagnoseCorrupt();
    const posted = messageNow('Verdict:');
    // Slack fails the verdict's update while path A runs, and until the operator has diagnosed again.
    slack.troubled = (method, args) => method === 'chat.update' && args.ts === posted.ts;
    slack.lastingTrouble = { status: 500 };
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    const incident = incidentId();
    await slack.waitFor('the validation to end', () => journalRecords().some((r) => r.type === 'run.finished' && r.data.runId === `${incident}/3`), 60_000);
    await slack.waitFor('the verdict update to be tried', () => slack.calls.some((c) => c.method === 'chat.update' && c.args.ts === posted.ts));
    await harness.command(`diagnose duckdb incident=${incident}`, operator);
    await slack.waitFor('the second verdict', () => journalRecords().some((r) => r.type === 'diagnosis.verdict' && r.data.runId === `${incident}/4`), 60_000);
    const second = journalRecords().find((r) => r.type === 'diagnosis.verdict' && r.data.runId === `${incident}/4`)!;
    expect(second.data.title).not.toBe(journalRecords().find((r) => r.type === 'diagnosis.verdict')!.data.title);

    slack.lastingTrouble = undefined;
    await harness.settle();
    const verdict = messageNow('Verdict:');
    expect(verdict.updates.length).toBeGreaterThan(0);
    expect(JSON.parse(verdict.blocks).slice(0, 2)).toEqual(JSON.parse(posted.blocks).slice(0, 2));
    expect(verdict.blocks).not.toContain('choose_path_');
    expect(verdict.blocks).toMatch(new RegExp(`Path A: Rebuild from raw dlt state\\* \\(plan ${incident}/2; [^)]*\\) was run — see below`));
    expect(verdict.blocks).not.toContain(String(second.data.title));
  });

  it('posts a rollback offer a stop carried over already spent when a terminal rolled the recovery back meanwhile', async () => {
    await diagnoseCorrupt();
    // Slack fails every rollback offer from now on: the stop carries it over for the next start.
    slack.troubled = (method, args) => method === 'chat.postMessage' && String(args.text).startsWith('A rollback is available');
    slack.lastingTrouble = { status: 500 };
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await slack.waitFor('the rollback offer to be tried', () => slack.calls.some((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('A rollback is available')), 60_000);
    await harness.stop();
    const recovery = `${incidentId()}/2`;
    expect(JSON.parse(fs.readFileSync(path.join(checkout.stateDir, 'slack-carry-over.json'), 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'rollback-offer', run: recovery })]));

    const cli = await runCliProcess(['rollback', recovery, '--approver', 'bob'], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      answer: hashIn,
    });
    expect(cli.code, cli.stderr).toBe(0);

    slack.lastingTrouble = undefined;
    harness = await startBot(checkout, slack);
    await harness.settle();
    const posted = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.result?.ok && String(c.args.text).startsWith('A rollback is available'));
    expect(posted).toHaveLength(1);
    expect(String(posted[0]!.args.blocks), 'never posted with a live Roll back… button').not.toContain('request_rollback');
    expect(messageNow('A rollback is available').blocks).toMatch(/Rolled back at \d\d:\d\d UTC by plan [^ ]+ \(asked for by terminal:alice, approved by terminal:bob/);
  });

  it('works on a journal written before offers were journaled: its verdict is left as it is, what follows is marked spent', async () => {
    await diagnoseCorrupt();
    await harness.stop();
    // The journal as the earlier build wrote it: the same lines, without where the verdict is.
    rewriteJournalWithout('run.offer-ref');
    harness = await startBot(checkout, slack);
    await runPathA();
    const incident = incidentId();
    expect(messageNow('Verdict:').updates, 'a verdict nobody journaled the place of is left as it is').toEqual([]);
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/This incident is recovered/);

    await runRollback();
    expect(messageNow('A rollback is available').blocks).not.toContain('request_rollback');
    expect(verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).problem).toBeUndefined();
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident });
    expect(postmortem.markdown).toMatch(/Rollback of path A/);
    expect(postmortem.markdown).not.toContain('run.offer-ref');
  });
});

/** The journal written again without lines of `type`, chained and headed as its writer would have: one from before them. */
function rewriteJournalWithout(type: string): void {
  const file = path.join(checkout.stateDir, 'journal.jsonl');
  const kept = verifyLines(fs.readFileSync(file, 'utf8')).records.filter((r) => r.type !== type);
  let prev = genesisHash;
  let last: JournalRecord | undefined;
  const lines = kept.map((record, i) => {
    const { line, record: written } = serialize({ seq: i + 1, at: record.at, type: record.type, incident: record.incident, actor: record.actor, data: record.data, prev });
    prev = written.hash;
    last = written;
    return line;
  });
  fs.writeFileSync(file, lines.join(''));
  writeHead(file, { seq: last!.seq, hash: last!.hash });
  // What the bot last showed of the journal names a line of the old one.
  fs.rmSync(path.join(checkout.stateDir, 'slack-shown-through.json'), { force: true });
}
