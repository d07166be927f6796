// `npm run --silent cli -- unlock <run-id>`, run as the real CLI: a run stuck as running (its process in another
// container) is cleared with a second person's approval and a journal record, without editing the journal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledRunbooksDir } from '../../src/config.js';
import { recordStart } from '../../src/journal/bot-started.js';
import { Journal } from '../../src/journal/journal.js';
import { verifyLines } from '../../src/journal/record.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { bootId, processStartTime } from '../../src/process/identity.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { Checkout, standinBin } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';
import { otherContainer, stuckRun, type StuckRunOptions } from '../helpers/stuck-run.js';

const checkouts: Checkout[] = [];
const children: ResultPromise[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

function setUp(runner: Record<string, unknown>, options: StuckRunOptions = {}): { checkout: Checkout; runId: string; env: Record<string, string> } {
  const checkout = new Checkout();
  checkouts.push(checkout);
  const runId = stuckRun(checkout, runner, options);
  return { checkout, runId, env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir }) };
}

const journalText = (checkout: Checkout) => fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8');
/** The journal's records written after `before` (its text then), its whole hash chain verified. */
function recordsSince(checkout: Checkout, before: string) {
  const verified = verifyLines(journalText(checkout));
  expect(verified.problem).toBeUndefined();
  return verified.records.slice(verifyLines(before).records.length);
}

// Each CLI process takes seconds to start (more on a loaded machine), and some tests start several.
describe('unlock', { timeout: 180_000 }, () => {
  it('clears a run left running in another container, on the record and approved by a second person', async () => {
    const { checkout, runId, env } = setUp(otherContainer);
    const before = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(before.stdout).toContain(`${runId} Path A: Rebuild from raw dlt state (running`);
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${runId} unlocked: recorded as interrupted, asked by alice and approved by bob; databox.duckdb is free for other plans (what the run changed stays as it left it).`);
    const verified = verifyLines(journalText(checkout));
    expect(verified.problem).toBeUndefined();
    const finished = verified.records.find((r) => r.type === 'run.finished');
    expect(finished).toMatchObject({ actor: 'terminal:bob', data: { runId, status: 'interrupted', unlock: { requestedBy: 'terminal:alice', approvedBy: 'terminal:bob', was: 'running' } } });
    expect(String(finished?.data.reason)).toMatch(/unlocked by terminal:alice, approved by terminal:bob: it was left running by PID 7 on host databox-bot-7f9c4/);
    expect(verified.records.some((r) => r.type === 'command.received' && r.data.text === `cli unlock ${runId} --as alice --approver bob`)).toBe(true);
    const after = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(after.stdout).toContain('nothing; no database is held by a plan');
    // Asked again, without an approver: that there is nothing to unlock is said first, nobody asked to approve it.
    const again = await runCliProcess(['unlock', runId, '--as', 'alice'], { env, stdin: 'ignore' });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`plan ${runId} was interrupted: it holds no database, so there is nothing to unlock`);
  });

  it('stops what a runner killed with -9 left running, and says so', async () => {
    const gone = Number((await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout);
    // A command the killed terminal had started, the leader of its own process group as the command host starts them.
    const leftover = execa('sleep', ['60'], { detached: true, reject: false });
    children.push(leftover);
    const pid = leftover.pid as number;
    for (let i = 0; i < 250 && processStartTime(pid) === undefined; i += 1) await new Promise((r) => setTimeout(r, 20));
    const here = { boot: bootId(), host: os.hostname() };
    const { checkout, runId, env } = setUp({ pid: gone, start: '1', ...here }, { processes: [{ pid, start: processStartTime(pid), ...here, argv: ['task', 'full-refresh'] }] });
    // Before the unlock, the status says what still runs without the runner: it may be let end.
    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stdout).toContain(`its process (PID ${gone}) is gone, but what it started still runs: task full-refresh (PID ${pid}); let it end, or an unlock stops it: \`npm run --silent cli -- unlock ${runId}\` clears it`);
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${runId} unlocked: recorded as interrupted, asked by alice and approved by bob; databox.duckdb is free for other plans (what the run changed stays as it left it). What it had left running was stopped: task full-refresh (PID ${pid}).`);
    expect((await leftover).signal).toBe('SIGTERM');
    const finished = verifyLines(journalText(checkout)).records.find((r) => r.type === 'run.finished');
    expect(finished?.data.unlock).toMatchObject({ stopped: [`task full-refresh (PID ${pid})`] });
  });

  it('settles the step the run was in from the disk, on the record as the terminal\'s doing, not the bot\'s', async () => {
    const { checkout, runId, env } = setUp(otherContainer, { moving: true });
    const before = journalText(checkout);
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.code, result.stderr).toBe(0);
    const settled = recordsSince(checkout, before).find((r) => r.type === 'step.finished');
    expect(settled).toMatchObject({ actor: 'databox-cli', data: { runId, settledAfterRestart: true, result: { stepId: 'move_db' } } });
  });

  it('status names a run whose process on this host is provably gone (a terminal killed with -9), and how to clear it', async () => {
    const gone = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(gone.stdout);
    const { runId, env } = setUp({ pid, start: '1', boot: bootId(), host: os.hostname() });
    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stdout).toContain(`${runId} Path A: Rebuild from raw dlt state (running`);
    expect(status.stdout).toContain(`its process (PID ${pid}) is gone: \`npm run --silent cli -- unlock ${runId}\` clears it, with a second person's approval`);
    // Pasted into a shell, it is that command (the unlock asks who approves at the prompt).
    expect(await cliArgsOfPasted(`npm run --silent cli -- unlock ${runId}`, 'alice')).toEqual(['unlock', runId]);
    // Another plan on that database is refused saying the same, not as if the plan still ran.
    const refused = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`which is running on the record, but its process (PID ${pid}) is gone: \`npm run --silent cli -- unlock ${runId}\` clears it, with a second person's approval. One mutating plan per database at a time.`);
    // One in another container is not provably gone: no such line.
    const elsewhere = setUp(otherContainer);
    expect((await runCliProcess(['status'], { env: elsewhere.env, stdin: 'ignore' })).stdout).not.toContain('is gone');
  });

  it('refuses without a second person (a spelling of the asker\'s own name counts as the asker), and without an approver when nobody can be asked, each refusal on the record', async () => {
    const { checkout, runId, env } = setUp(otherContainer);
    const before = journalText(checkout);
    const self = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'ALICE@laptop'], { env, stdin: 'ignore' });
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/refused: an unlock lets another plan change the database, so it must be approved by someone other than the person who asks for it \(terminal:alice; terminal:ALICE@laptop is another spelling of that name\); nothing was changed/);
    const none = await runCliProcess(['unlock', runId, '--as', 'alice'], { env, stdin: 'ignore' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/refused: an unlock needs an approver \(someone other than alice\): `npm run --silent cli -- unlock \S+ --approver …` with their name in place of …; nothing was changed/);
    // The asker approving is refused as a click on Slack's Approve unlock is; no approver at all, as a refused command.
    const records = recordsSince(checkout, before);
    expect(records.map((r) => r.type)).toEqual(['command.received', 'approval.refused', 'command.received', 'request.refused']);
    expect(records[1]).toMatchObject({
      incident: 'dbx-20260420-0b0b',
      actor: 'terminal:ALICE@laptop',
      data: { runId, unlock: true, reason: 'an unlock lets another plan change the database, so it must be approved by someone other than the person who asks for it (terminal:alice; terminal:ALICE@laptop is another spelling of that name); nothing was changed' },
    });
    expect(records[3]).toMatchObject({
      incident: null,
      actor: 'terminal:alice',
      data: { command: `cli unlock ${runId} --as alice`, incident: 'dbx-20260420-0b0b', reason: expect.stringMatching(/^refused: an unlock needs an approver \(someone other than alice\)/) },
    });
    expect(records.some((r) => r.type === 'run.finished')).toBe(false);
    // The command the refusal names, pasted with its … left in: the shell passes it on, and the CLI refuses it as such.
    const pasted = await cliArgsOfPasted(/`(npm run --silent cli -- unlock [^`]+)`/.exec(none.stderr)?.[1] as string, 'alice');
    expect(pasted).toEqual(['unlock', runId, '--approver', '…']);
    const placeholder = await runCliProcess([...pasted, '--as', 'alice'], { env, stdin: 'ignore' });
    expect(placeholder.code).toBe(2);
    expect(placeholder.stderr).toBe("databox: --approver … is the placeholder of the command shown: put the approver's name in its place\n");
  });

  it('refuses a terminal approver when DATABOX_APPROVERS is set, saying why and where to approve instead, on the record', async () => {
    const { checkout, runId, env } = setUp(otherContainer);
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'U0LEAD'], { env: { ...env, DATABOX_APPROVERS: 'U0LEAD,S0ONCALL' }, stdin: 'ignore' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refused: only these people may approve an unlock: U0LEAD, members of the user group S0ONCALL; nothing was changed.');
    expect(result.stderr).toContain('approve it in Slack.');
    expect(result.stderr).not.toContain('unset');
    expect(journalText(checkout)).toContain('"approval.refused"');
    expect(verifyLines(journalText(checkout)).records.some((r) => r.type === 'run.finished')).toBe(false);
  });

  it('journals the approval policy with the unlock, and the postmortem flags a terminal approver outside the approvers the bot had in force', async () => {
    const { checkout, runId, env } = setUp(otherContainer);
    // The bot last started with DATABOX_APPROVERS=U0LEAD (its restart line says so); this terminal runs without it.
    const botJournal = new Journal(checkout.stateDir);
    botJournal.load();
    recordStart(botJournal, ['U0LEAD'], (error) => {
      throw error;
    });
    await botJournal.flushed();
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.code).toBe(0);
    const finished = verifyLines(journalText(checkout)).records.find((r) => r.type === 'run.finished');
    expect(finished).toMatchObject({ actor: 'terminal:bob', data: { unlock: { approvedBy: 'terminal:bob', approvers: 'anyone' } } });
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, incidentId: runId.split('/')[0] as string });
    expect(markdown).toMatch(/\*\*interrupted\*\*[^\n]*: unlocked by terminal:alice, approved by terminal:bob: [^\n]*; \*\*not one of the approvers the bot had in force\*\* \(DATABOX_APPROVERS: U0LEAD\): the terminal ran without that setting/);
  });

  it("takes the approvers an unlock approved in Slack recorded for the bot's, and flags a terminal approval outside them", async () => {
    const { checkout, runId, env: unlockEnv } = setUp(otherContainer);
    // The stand-in task first on PATH: a plan whose tool is not found is refused before it is proposed.
    const env = { ...unlockEnv, PATH: `${standinBin}:${process.env.PATH}` };
    const incident = runId.split('/')[0] as string;
    // The bot's unlock, approved in Slack under DATABOX_APPROVERS=U0TEAMMATE; this terminal runs without it.
    const botJournal = new Journal(checkout.stateDir);
    botJournal.load();
    const unlock = { requestedBy: 'U0OPERATOR', approvedBy: 'U0TEAMMATE', was: 'running', approvers: ['U0TEAMMATE'] };
    botJournal.append({ type: 'run.finished', incident, actor: 'U0TEAMMATE', data: { runId, status: 'interrupted', reason: 'unlocked by U0OPERATOR, approved by U0TEAMMATE: it was left running', unlock } });
    await botJournal.flushed();
    const before = journalText(checkout);
    expect((await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--as', 'alice'], { env, stdin: 'ignore' })).code).toBe(2);
    const proposed = recordsSince(checkout, before).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    await runCliProcess(['approve', proposed.runId, proposed.run.hash.slice(0, 8), '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(recordsSince(checkout, before).find((r) => r.type === 'run.approved')).toMatchObject({ actor: 'terminal:bob', data: { approvers: 'anyone' } });
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, incidentId: incident });
    expect(markdown).toMatch(/- Approved by \*\*terminal:bob\*\* at [\d:]+; \*\*not one of the approvers the bot had in force\*\* \(DATABOX_APPROVERS: U0TEAMMATE\)/);
  });

  it('journals the refusal of an unknown plan and of bad usage, a secret in what was typed redacted', async () => {
    const { checkout, env } = setUp(otherContainer);
    const secret = 'k3y-of-the-vendor-77';
    const withSecret = { ...env, VENDOR_API_KEY: secret };
    const before = journalText(checkout);
    const unknown = await runCliProcess(['unlock', 'dbx-20260420-0b0b/9', '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no plan "dbx-20260420-0b0b/9" is known to the journal ${path.join(checkout.stateDir, 'journal.jsonl')}: \`npm run --silent cli -- status\` lists the plans with their run ids`);
    const malformed = await runCliProcess(['unlock', 'dbx-20260420-0b0b', '--as', 'alice'], { env, stdin: 'ignore' });
    expect(malformed.code).toBe(2);
    const extra = await runCliProcess(['unlock', 'dbx-20260420-0b0b/1', secret, '--as', 'alice'], { env: withSecret, stdin: 'ignore' });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('usage: npm run --silent cli -- unlock <run-id> --approver <name>');
    const records = recordsSince(checkout, before);
    const usage = expect.stringMatching(/^usage: npm run --silent cli -- unlock <run-id> --approver <name>/);
    expect(records).toMatchObject([
      { type: 'request.refused', incident: null, actor: 'terminal:alice', data: { command: 'cli unlock dbx-20260420-0b0b/9 --as alice --approver bob', reason: `no plan "dbx-20260420-0b0b/9" is known to the journal ${path.join(checkout.stateDir, 'journal.jsonl')}: \`npm run --silent cli -- status\` lists the plans with their run ids` } },
      { type: 'request.refused', incident: null, actor: 'terminal:alice', data: { command: 'cli unlock dbx-20260420-0b0b --as alice', reason: usage } },
      { type: 'request.refused', incident: null, actor: 'terminal:alice', data: { command: 'cli unlock dbx-20260420-0b0b/1 [REDACTED] --as alice', reason: usage } },
    ]);
    expect(journalText(checkout)).not.toContain(secret);
  });

  it('refuses a run whose journal line names no runner, alive here in another process, without calling it the bot or saying to stop it', async () => {
    const live = execa(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { reject: false });
    children.push(live);
    const pid = live.pid as number;
    for (let i = 0; i < 250 && processStartTime(pid) === undefined; i += 1) await new Promise((r) => setTimeout(r, 20));
    const { runId, env } = setUp({ pid, start: processStartTime(pid), boot: bootId(), host: os.hostname() }, { runBy: null, moving: true });
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `plan ${runId} (Path A: Rebuild from raw dlt state) is running right now in another process on this host (PID ${pid}; its journal line does not say whether it is the bot or a terminal's CLI), at step 1 of 1 (Move the broken file aside). Wait for it to finish:`,
    );
    expect(result.stderr).not.toContain('the bot itself');
    expect(result.stderr).not.toMatch(/stop that one process/);
  });

  it("refuses a run a terminal's CLI provably still runs here (same PID and start time), saying to wait for it", async () => {
    const live = execa(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { reject: false });
    children.push(live);
    const pid = live.pid as number;
    for (let i = 0; i < 250 && processStartTime(pid) === undefined; i += 1) await new Promise((r) => setTimeout(r, 20));
    const { checkout, runId, env } = setUp({ pid, start: processStartTime(pid), boot: bootId(), host: os.hostname() }, { runBy: 'databox-cli', moving: true });
    const before = journalText(checkout);
    const result = await runCliProcess(['unlock', runId, '--as', 'alice', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(result.code).toBe(2);
    const refusal =
      `plan ${runId} (Path A: Rebuild from raw dlt state) is running right now in a terminal's CLI (PID ${pid} on this host), at step 1 of 1 (Move the broken file aside). ` +
      `Wait for it to finish: its progress shows in that terminal and in \`npm run --silent cli -- status\`. Only if that CLI has hung for good, stop that one process (PID ${pid}, the terminal's CLI, not the bot), knowing the recovery stops half-way at that step; then unlock it. Nothing was changed`;
    expect(result.stderr).toContain(refusal);
    // Said before any approver is asked or taken: the asker's command is what is refused.
    expect(recordsSince(checkout, before)).toMatchObject([
      { type: 'command.received', actor: 'terminal:alice' },
      // The journal keeps it as the engine said it, its commands Slack's: each front end writes them as its own.
      { type: 'request.refused', actor: 'terminal:alice', data: { incident: 'dbx-20260420-0b0b', reason: expect.stringContaining(refusal.replace('npm run --silent cli -- status', '/databox status')) } },
    ]);
  });
});
