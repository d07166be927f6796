// A state dir the CLI creates (a mistyped DATABOX_STATE_DIR makes one too) is said on standard error, once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { runCli } from '../../src/terminal/console.js';
import { scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

async function cli(env: Record<string, string>, argv: string[]) {
  const terminal = scriptedTerminal(env, () => null);
  const code = await runCli(argv, terminal.io);
  return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
}

describe('a state dir that does not exist yet', () => {
  it('is created by the first command that records something, which says so on standard error; the next says nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-state-created-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir);
    process.env.PATH = checkout.env.PATH;
    const stateDir = path.join(dir, 'nonexist2', 'var');
    const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), DATABOX_STATE_DIR: stateDir };
    const first = await cli(env, ['diagnose', 'duckdb']);
    expect(fs.existsSync(path.join(stateDir, 'journal.jsonl'))).toBe(true);
    const warning = `warning: created a new, empty state dir at ${stateDir}: nothing was recorded there before. Is DATABOX_STATE_DIR the one the bot uses?\n`;
    expect(first.stderr.split(warning)).toHaveLength(2);
    const second = await cli(env, ['diagnose', 'duckdb']);
    expect(second.stderr).not.toContain('created a new, empty state dir');
    expect(second.stderr).not.toContain(stateDir);
  });
});
