// A plan rejected after the last run that ran changed nothing: the postmortem's outcome is that run's, and each rollback
// is named by its run id and time, so two of one title (one rejected, one that ran) can be told apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/terminal/console.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { promptedHash, scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const planId = (stdout: string) => /Plan (\S+) · Rollback of path A/.exec(stdout)?.[1] as string;
const row = (markdown: string, name: string) => markdown.split('\n').find((line) => line.startsWith(`| ${name} |`));

describe('plans rejected around a rollback that ran', () => {
  it('do not decide the outcome, and each rollback is named by its run id and time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-rejected-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir);
    process.env.PATH = checkout.env.PATH;
    const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') };
    // The bot's clock moves on a second a reading, as an operator's does between commands.
    let now = Date.parse('2026-04-20T12:55:07.000Z');
    const clock = () => new Date((now += 1000));
    const cli = async (argv: string[], answer: (prompt: string) => string | null = promptedHash) => {
      const terminal = scriptedTerminal(env, answer);
      const code = await runCli(argv, terminal.io, { clock });
      return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
    };
    const reject = () => 'no';

    const recovered = await cli(['recover', 'duckdb', 'path=a', '--approver', 'bob']);
    const recovery = /Plan (\S+) · Path A/.exec(recovered.stdout)?.[1] as string;
    const incident = recovery.split('/')[0] as string;
    const rejected = await cli(['rollback', recovery, '--approver', 'bob'], reject);
    expect(rejected.stdout).toContain('rejected by terminal:bob; nothing of it was run');
    const rejectedId = planId(rejected.stdout);
    const rolledBack = await cli(['rollback', recovery, '--approver', 'bob']);
    expect(rolledBack.code, `${rolledBack.stdout}${rolledBack.stderr}`).toBe(0);
    const rollbackId = planId(rolledBack.stdout);
    expect(rollbackId).not.toBe(rejectedId);
    // Diagnosed again, the next plan is rejected: it ran nothing, so the database is as the rollback left it.
    await cli(['diagnose', 'duckdb', `incident=${incident}`]);
    const again = await cli(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], reject);
    expect(again.stdout).toContain('rejected by terminal:bob; nothing of it was run');

    const postmortem = (await cli(['postmortem', incident])).stdout;
    expect(row(postmortem, 'Outcome')).toMatch(
      new RegExp(`^\\| Outcome \\| not recovered: the last action was Rollback of path A: Put the broken file and SQLMesh state back \\(\`${rollbackId}\`, succeeded at \\d\\d:\\d\\d:\\d\\d; it undid \`${recovery}\`\\) \\|$`),
    );
    expect(postmortem).toMatch(/- \*\*Time to recover:\*\* none yet\. Outcome: not recovered: the last action was Rollback of path A: [^\n]*succeeded at/);
    expect(postmortem).not.toContain('was rejected |');
    expect(row(postmortem, 'Rollbacks')).toMatch(
      new RegExp(
        `^\\| Rollbacks \\| Rollback of path A: Put the broken file and SQLMesh state back: rejected \\(\`${rejectedId}\`, proposed at \\d\\d:\\d\\d:\\d\\d, never ran\\); ` +
          `Rollback of path A: Put the broken file and SQLMesh state back: succeeded \\(\`${rollbackId}\`, ran at \\d\\d:\\d\\d:\\d\\d\\) \\|$`,
      ),
    );
  }, 120_000);
});
