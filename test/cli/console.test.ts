// Console mode through the real CLI process: the operator approves a destructive plan by typing its short hash (through
// a pipe and through a pseudo-terminal), a wrong hash and a self-approval are refused, and with no TTY and no answer the
// CLI refuses without a prompt and says how to approve, and that advice, pasted into a shell, works.
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Checkout } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { cliEnv, hashIn, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let checkout: Checkout;
let env: Record<string, string>;

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir);
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
});

function journal(): JournalRecord[] {
  const verify = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
  expect(verify.problem).toBeUndefined();
  return verify.records;
}

function calls(): string[] {
  return fs.readFileSync(checkout.callsLog, 'utf8').split('\n').filter(Boolean);
}

/** A hash that is not this one. */
function otherHash(hash: string): string {
  return `${hash.slice(0, 7)}${((parseInt(hash[7] as string, 16) + 1) % 16).toString(16)}`;
}

const recoverA = ['recover', 'duckdb', 'path=a', '--approver', 'bob'];
const hasScript = (() => {
  try {
    execaSync('script', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('console mode', () => {
  it('runs the plan when the approver types its short hash at the prompt (stdin), then validates', async () => {
    const result = await runCliProcess(recoverA, { env, answer: hashIn });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.prompts).toHaveLength(1);
    expect(result.prompts[0]).toMatch(/^Type the plan's short hash \([0-9a-f]{8}\) to approve it as terminal:bob/);
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stdout).toMatch(/✔ Recovery passed in [^:]+: 6 steps passed, 2 skipped \(each says why\)/);
    // The summary counts them the same way: a skipped step is not said to have passed.
    expect(result.stdout).toMatch(/succeeded in [^·]+ · 8 of 8 steps run: 6 steps passed, 2 skipped \(each says why\)/);
    expect(result.stdout).toMatch(/✔ Validation passed in [^:]+: 5 steps passed/);
    expect(result.stdout).toMatch(/\nSummary\n {2}Incident {4}dbx-\d{8}-[0-9a-f]{4} · Blown DuckDB file/);

    const records = journal();
    const proposed = records.find((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'recovery');
    const approved = records.find((r) => r.type === 'run.approved');
    expect(proposed?.actor).toBe('terminal:alice');
    expect(approved?.actor).toBe('terminal:bob');
    expect((approved?.data as any).hash).toBe((proposed?.data as any).run.hash);
    expect((proposed?.data as any).run.hash.startsWith(hashIn(result.prompts[0] as string))).toBe(true);
    expect(records.filter((r) => r.type === 'run.finished').map((r) => (r.data as any).status)).toEqual(['succeeded', 'succeeded']);

    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);
    expect(calls()).toEqual([
      `${checkout.root}\ttask full-refresh`,
      `${checkout.root}\ttask verify`,
      `${checkout.root}\ttask verify:dev`,
      `${path.join(checkout.root, 'transforms', 'main')}\tuv run sqlmesh audit`,
    ]);
  });

  it('refuses a wrong hash: nothing runs, the refusal is journaled, the plan keeps waiting', async () => {
    const result = await runCliProcess(recoverA, { env, answer: (prompt) => otherHash(hashIn(prompt)) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^refused: typed "[0-9a-f]{8}", which is not the plan's hash [0-9a-f]{8}; nothing was run\. The plan waits in the journal until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC: approve it with `npm run --silent cli -- approve /);
    // As every other refusal of a waiting plan: the command that approves it, which a shell reads as it is.
    const advice = /`(npm run --silent cli -- approve (dbx-\d{8}-[0-9a-f]{4}\/\d+) ([0-9a-f]{8}) [^`]*)`/.exec(result.stderr);
    expect(advice, result.stderr).not.toBeNull();
    expect(await cliArgsOfPasted(advice?.[1] as string, 'bob')).toEqual(['approve', advice?.[2], advice?.[3], '--approver', 'bob']);
    expect(fs.existsSync(checkout.databasePath)).toBe(true);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(calls()).toEqual([]);
    const records = journal();
    expect(records.filter((r) => r.type === 'approval.refused').map((r) => r.actor)).toEqual(['terminal:bob']);
    expect(records.some((r) => r.type === 'run.approved' || r.type === 'run.started')).toBe(false);
  });

  it('with no TTY and no approval refuses without a prompt, says how to approve, and that command, pasted, runs the plan', async () => {
    const refused = await runCliProcess(recoverA, { env, stdin: 'ignore' });
    expect(refused.code).toBe(2);
    // Nothing can answer from /dev/null: no prompt is printed before the refusal.
    expect(refused.prompts).toEqual([]);
    expect(refused.stdout).not.toMatch(/short hash|Who approves/);
    expect(refused.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(refused.stderr).toContain('standard input is not a terminal and gave no approval; nothing was run.');
    // The approver given with --approver is the one the advice names.
    const advice = /`(npm run --silent cli -- approve (dbx-\d{8}-[0-9a-f]{4}\/\d+) ([0-9a-f]{8}) --approver bob)`/.exec(refused.stderr);
    expect(advice, refused.stderr).not.toBeNull();
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    expect(journal().some((r) => r.type === 'run.approved')).toBe(false);

    const approved = await runCliProcess(await cliArgsOfPasted(advice?.[1] as string, 'carol'), { env, stdin: 'ignore' });
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);
    const records = journal();
    expect(records.find((r) => r.type === 'run.approved')?.actor).toBe('terminal:bob');
    expect((records.find((r) => r.type === 'run.approved')?.data as any).runId).toBe(advice?.[2]);
    expect(records.filter((r) => r.type === 'command.received').map((r) => (r.data as any).text)).toEqual([
      'cli recover duckdb path=a --approver bob',
      `cli approve ${advice?.[2]} ${advice?.[3]} --approver bob`,
    ]);
  });

  it('with no TTY and no --approver, the advice says who may approve; pasted by them, as status also shows it, it runs the plan', async () => {
    const unnamed = await runCliProcess(recoverA.slice(0, 3), { env, stdin: 'ignore' });
    expect(unnamed.code).toBe(2);
    expect(unnamed.prompts).toEqual([]);
    expect(unnamed.stderr).toMatch(/gave no approver; nothing was run\. .*--approver "\$USER"`, run by someone other than alice, or run this command again at a terminal\./);
    const advice = /`(npm run --silent cli -- approve (dbx-\d{8}-[0-9a-f]{4}\/\d+) ([0-9a-f]{8}) [^`]*)`/.exec(unnamed.stderr);
    expect(advice, unnamed.stderr).not.toBeNull();
    // A shell reads it as it is (no `<name>` redirect) and names whoever pastes it.
    expect(await cliArgsOfPasted(advice?.[1] as string, 'bob')).toEqual(['approve', advice?.[2], advice?.[3], '--approver', 'bob']);

    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    const listed = /\n {4}(npm run --silent cli -- approve [^\n]+)\n/.exec(status.stdout)?.[1];
    expect(listed, status.stdout).toBe(advice?.[1]);
    const approved = await runCliProcess(await cliArgsOfPasted(listed as string, 'bob'), { env, stdin: 'ignore' });
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(journal().find((r) => r.type === 'run.approved')?.actor).toBe('terminal:bob');
  });

  it('with standard input a pipe closed at once (`true |`, CI), prints no prompt before the refusal', async () => {
    const closed = await runCliProcess(recoverA.slice(0, 3), { env, stdin: 'closed' });
    expect(closed.code).toBe(2);
    expect(closed.prompts).toEqual([]);
    expect(closed.stdout).not.toMatch(/short hash|Who approves/);
    expect(closed.stderr).toMatch(/^refused: plan \S+ was not approved: standard input is not a terminal and gave no approver; nothing was run\. .*`npm run --silent cli -- approve /);
    expect(journal().some((r) => r.type === 'run.approved')).toBe(false);
  });

  it.skipIf(!hasScript)('approves through a pseudo-terminal, in colour; NO_COLOR turns colour off', async () => {
    const result = await runCliProcess(recoverA, { env, tty: true, answer: hashIn });
    expect(result.code).toBe(0);
    expect(result.prompts).toHaveLength(1);
    expect(result.stdout).toContain('\u001b[31mDESTRUCTIVE');
    // The terminal echoes what the approver typed.
    expect(result.stdout).toContain(`waiting: ${hashIn(result.prompts[0] as string)}\r\n`);
    expect(journal().find((r) => r.type === 'run.approved')?.actor).toBe('terminal:bob');

    const plain = await runCliProcess(['status'], { env: { ...env, NO_COLOR: '1' }, tty: true });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Latest incidents');
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
