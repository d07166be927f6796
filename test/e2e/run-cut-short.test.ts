// A run that cannot start or cannot go on (the state dir fills up under it) still ends: its message in its final state
// saying why, a failure message in the thread, the approver told, nothing changed, and the journal has it all.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteFn } from '../../src/journal/journal.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { verifyLines, type VerifyResult } from '../../src/journal/record.js';
import { buildPostmortem } from '../../src/postmortem/build-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { projectRoot } from '../support/fixtures.js';
import { createHealthyDatabase, writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const unwritable = /refused: the journal in .* cannot be written \(no space left on the device\)/;

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  harness = undefined;
});

/** A disk that fills up on cue: every journal write fails as a full volume's does, until it is emptied. */
function fillingDisk(): { write: WriteFn; full: { on: boolean } } {
  const full = { on: false };
  return {
    full,
    write: (fd, buffer) => {
      if (full.on) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return fs.writeSync(fd, buffer);
    },
  };
}

/** A step's end in the journal, by its step id. */
const stepFinished = (stepId: string) => (r: JournalRecord) => r.type === 'step.finished' && (r.data.result as { stepId?: string } | undefined)?.stepId === stepId;

/**
 * Scenario 1 up to path A's plan, on a disk that fills up once the journal takes a record `fillsAfter` matches;
 * returns the plan's message and the disk (`disk.full.on = false` makes room again).
 */
async function planPathA(fillsAfter: (record: JournalRecord) => boolean) {
  const disk = fillingDisk();
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, {}, undefined, undefined, { journalWrite: disk.write });
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  harness.bot.journal.onRecord((r) => {
    if (fillsAfter(r)) disk.full.on = true;
  });
  return { plan: slack.buttons('approve_plan').at(-1)!, disk };
}

const messageAt = (ts: string) => slack.messages().find((m) => m.ts === ts)!;
const journalOnDisk = () => verifyLines(fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8')) as { records: Record<string, any>[]; problem?: unknown };

describe('a run cut short by a full state dir', () => {
  it('stops before its first change; its message ends as failed saying why, the thread and the approver are told, and the journal gets it all once there is room', async () => {
    // The disk fills while the guards run: the first move's start cannot be made durable, so it must not happen.
    const { plan, disk } = await planPathA(stepFinished('room_for_rebuild'));
    await harness!.click(plan, teammate);
    await harness!.settle();

    const message = messageAt(plan.ts);
    expect(message.text).toMatch(/^Recovery failed: Path A/);
    expect(message.blocks).toMatch(/Recovery failed\*[^"]*: refused: the journal in .* cannot be written/);
    expect(message.blocks, 'no step is shown as running').not.toMatch(/hourglass/);
    const thread = slack.messages().filter((m) => m.threadTs && m.ts !== plan.ts);
    expect(thread.filter((m) => m.text.startsWith('Recovery failed')).map((m) => m.text)).toEqual([expect.stringMatching(/^Recovery failed: Path A/)]);
    expect(thread.at(-1)?.text).toMatch(/^Recovery failed: Path A/);
    expect(slack.ephemerals(teammate).join('\n')).toMatch(unwritable);
    expect(checkout.listData(), 'the broken file was not moved').toEqual(['databox.duckdb']);
    expect(slack.buttons('request_rollback'), 'nothing changed: nothing to roll back').toEqual([]);

    disk.full.on = false;
    harness!.bot.journal.requireWritable();
    const { records, problem } = journalOnDisk();
    expect(problem).toBeUndefined();
    const runId = records.find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId;
    const ofRun = records.filter((r) => r.data?.runId === runId).map((r) => `${r.type}${r.data.stepId ? ` ${r.data.stepId}` : ''}${r.data.result ? ` ${r.data.result.stepId}` : ''}`);
    expect(ofRun).toEqual(['run.proposed', 'run.ref', 'run.approved', 'run.started', 'step.started not_held', 'step.finished not_held', 'step.started room_for_rebuild', 'step.finished room_for_rebuild', 'run.finished']);
    const finished = records.find((r) => r.type === 'run.finished' && r.data.runId === runId);
    expect(finished?.data).toMatchObject({ status: 'failed', reason: expect.stringMatching(unwritable) });
    const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));
    const { markdown } = buildPostmortem({ incidentId: finished?.incident, verify: journalOnDisk() as VerifyResult, runbooks, root: checkout.root, journalFile: 'journal.jsonl', writtenAt: new Date() });
    expect(markdown).toMatch(/\*\*failed\*\*[^\n]*: refused: the journal in [^\n]* cannot be written/);
  }, 120_000);

  it('after its first change: it fails there, its rollback is offered, and once there is room the rollback puts the file back', async () => {
    const { plan, disk } = await planPathA(stepFinished('move_db'));
    await harness!.click(plan, teammate);
    await harness!.settle();

    expect(messageAt(plan.ts).blocks).toMatch(/Recovery failed\*[^"]*: refused: the journal in .* cannot be written/);
    expect(checkout.listData(), 'the first move happened, the rest did not').toEqual(['databox.duckdb.broken']);
    expect(slack.buttons('request_rollback'), 'what was changed can be put back').toHaveLength(1);

    disk.full.on = false;
    await harness!.click(slack.buttons('request_rollback')[0]!, operator);
    await harness!.settle();
    await harness!.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness!.settle();
    expect(checkout.listData()).toEqual(['databox.duckdb']);
    const { records, problem } = journalOnDisk();
    expect(problem).toBeUndefined();
    expect(records.filter((r) => r.type === 'run.finished').map((r) => r.data.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  }, 120_000);

  it('between its approval and its start: the plan is interrupted, nothing runs, and its message says why and to propose it again', async () => {
    const { plan, disk } = await planPathA((r) => r.type === 'run.approved');
    await harness!.click(plan, teammate);
    await harness!.settle();

    const message = messageAt(plan.ts);
    expect(message.blocks).toMatch(/:electric_plug: Not started: refused: the journal in .* cannot be written.*\. Nothing of it ran; propose it again\./);
    expect(message.blocks, 'its buttons are gone').not.toMatch(/approve_plan/);
    const thread = slack.messages().filter((m) => m.threadTs && m.ts !== plan.ts);
    expect(thread.at(-1)?.text).toMatch(/^Recovery not started: Path A/);
    expect(slack.ephemerals(teammate).join('\n')).toMatch(unwritable);
    expect(checkout.listData()).toEqual(['databox.duckdb']);
    // The database is not held by a plan that will never run: another plan for it may be proposed.
    disk.full.on = false;
    harness!.bot.journal.requireWritable();
    await harness!.command('recover duckdb path=a', operator);
    await harness!.settle();
    expect(slack.buttons('approve_plan').at(-1)?.value).not.toBe(plan.value);

    const { records } = journalOnDisk();
    const runId = records.find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId;
    expect(records.filter((r) => r.data?.runId === runId).map((r) => r.type)).toEqual(['run.proposed', 'run.ref', 'run.approved', 'run.finished']);
    expect(records.find((r) => r.type === 'run.finished' && r.data.runId === runId)?.data).toMatchObject({ status: 'interrupted', reason: expect.stringMatching(unwritable) });
  }, 120_000);
  it('stopped while the disk is still full: the events it kept in memory are in its last log entry, redacted', async () => {
    const { plan } = await planPathA(stepFinished('room_for_rebuild'));
    await harness!.click(plan, teammate);
    await harness!.settle();
    const kept = harness!.bot.journal.keptEvents().map((event) => event.type);
    expect(kept, 'the run\'s end could not be written').toContain('run.finished');
    const stopping = harness!;
    harness = undefined;
    await stopping.stop();
    const entry = stopping.logs.find((line) => /journal event\(s\) the state dir could not take/.test(line.msg));
    expect(entry?.level, 'an error, with the events').toBe(50);
    expect(entry?.reason).toBe('no space left on the device');
    expect(entry?.events.map((event: { type: string }) => event.type)).toEqual(kept);
    expect(JSON.stringify(entry), 'the bot token is not in the log').not.toContain('xoxb-');
    expect(journalOnDisk().records.filter((r) => r.type === 'run.finished').map((r) => r.data.status), 'only the diagnosis ended on disk').toEqual(['succeeded']);
  }, 120_000);

  it('stopped once there is room again: the stop itself writes the events it kept, before the process may exit', async () => {
    const { plan, disk } = await planPathA(stepFinished('room_for_rebuild'));
    await harness!.click(plan, teammate);
    await harness!.settle();
    expect(harness!.bot.journal.keptEvents().map((event) => event.type)).toContain('run.finished');
    disk.full.on = false;
    const stopping = harness!;
    harness = undefined;
    await stopping.stop();
    const { records, problem } = journalOnDisk();
    expect(problem).toBeUndefined();
    expect(records.filter((r) => r.type === 'run.finished').map((r) => r.data.status)).toEqual(['succeeded', 'failed']);
    expect(stopping.logs.some((line) => /could not take/.test(line.msg))).toBe(false);
  }, 120_000);
});

describe('a diagnosis cut short by the bot stopping', () => {
  it('draws no verdict from the checks that never ran: its run ends as failed saying why, and the thread is told', async () => {
    await createHealthyDatabase(checkout.databasePath, 100);
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 30_000 } });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await slack.waitFor('the audit to be running', () => checkout.calls().some((c) => c.command === 'uv run sqlmesh audit'), 30_000);
    harness.bot.service.stopRunning();
    await harness.settle();

    const { records, problem } = journalOnDisk();
    expect(problem).toBeUndefined();
    expect(records.some((r) => r.type === 'diagnosis.verdict'), 'no verdict from a diagnosis that did not finish').toBe(false);
    const audit = records.find((r) => r.type === 'step.finished' && r.data.result?.stepId === 'audit');
    expect(audit?.data.result).toMatchObject({ status: 'interrupted', summary: 'killed by SIGTERM: the bot is shutting down' });
    expect(records.find((r) => r.type === 'run.finished')?.data).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(records.find((r) => r.type === 'run.finished')?.data)).toContain('stopped before it finished: the bot is shutting down');
    expect(slack.allText()).toContain('stopped before it finished: the bot is shutting down');
    // The step it was in reads as interrupted in its message, not as failed.
    expect(slack.allText()).toContain('step 4/4 interrupted: SQLMesh state vs physical tables (sqlmesh audit)');
    expect(slack.allText()).toMatch(/:octagonal_sign: :mag: \*4\. [^*]+\* · \*interrupted\* · /);
    expect(slack.allText()).not.toMatch(/Healthy|audit failed for another reason/);
    // Stopped, not refused: the command that started it is no refusal on the record.
    expect(records.some((r) => r.type === 'request.refused')).toBe(false);
  }, 60_000);
});
