// Advice a refusal gives at the terminal names the CLI's own command, never a Slack button to click.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Checkout, CheckoutOptions } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { runCli } from '../../src/terminal/console.js';
import { promptedHash, scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

async function newCheckout(options: CheckoutOptions = {}): Promise<{ checkout: Checkout; env: Record<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-advice-'));
  temps.push(dir);
  const checkout = await buildTestCheckout(dir, options);
  process.env.PATH = checkout.env.PATH;
  return { checkout, env: { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') } };
}

function journal(checkout: Checkout): JournalRecord[] {
  return verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records;
}

async function cli(env: Record<string, string>, argv: string[], answer: (prompt: string) => string | null = () => null) {
  const terminal = scriptedTerminal(env, answer);
  const code = await runCli(argv, terminal.io);
  return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
}

describe('a refusal at the terminal', () => {
  it('of an approve on a rollback rejected already says to ask for it again with the CLI\'s rollback command', async () => {
    const { checkout, env } = await newCheckout({ failOnce: ['full-refresh'] });
    const failed = await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], promptedHash);
    expect(failed.code).toBe(1);
    const recoveryId = /rollback (dbx-\S+\/\d+)/.exec(failed.stdout)?.[1] as string;
    expect((await cli(env, ['rollback', recoveryId])).code).toBe(2);
    const waiting = journal(checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data as { runId: string; run: { hash: string } };
    const hash = waiting.run.hash.slice(0, 8);
    expect((await cli(env, ['reject', waiting.runId, hash, '--approver', 'carol'])).code).toBe(0);
    const refused = await cli(env, ['approve', waiting.runId, hash, '--approver', 'bob']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refused: this plan was already rejected by terminal:carol at `);
    expect(refused.stderr).toContain(`to run it, propose it again: \`npm run --silent cli -- rollback ${recoveryId}\`; nothing was run.`);
    expect(refused.stderr).not.toMatch(/button|click|thread/i);
  });

  it('of an approve on a recovery rejected already names the recover command, not the verdict\'s button', async () => {
    const { checkout, env } = await newCheckout();
    expect((await cli(env, ['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '')).code).toBe(2);
    const waiting = journal(checkout).find((r) => r.type === 'run.proposed')?.data as { runId: string; run: { hash: string } };
    const hash = waiting.run.hash.slice(0, 8);
    expect((await cli(env, ['reject', waiting.runId, hash, '--approver', 'carol'])).code).toBe(0);
    const refused = await cli(env, ['approve', waiting.runId, hash, '--approver', 'bob']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`to run it, propose it again: \`npm run --silent cli -- recover duckdb path=a incident=${waiting.runId.split('/')[0]}\` (or diagnose again, when the verdict is old); nothing was run.`);
    expect(refused.stderr).not.toMatch(/button|click|thread/i);
  });
});
