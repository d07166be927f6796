// A plan left waiting past its approval deadline reads as expired at that deadline in the postmortem, whether or not
// anyone tried to approve it afterwards, as `status` sees it: never as still waiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { runCli } from '../../src/terminal/console.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

describe('a plan that expired waiting for an approval', () => {
  it('is expired as of its deadline in the postmortem, before and after a late approval', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-expired-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir);
    // Steps resolve their commands through this process's PATH.
    process.env.PATH = checkout.env.PATH;
    const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), DATABOX_APPROVAL_TTL: '3s' };
    let now = Date.parse('2026-04-20T12:55:07.000Z');
    const clock = () => new Date(now);
    const cli = async (argv: string[], answer: (prompt: string) => string | null = () => null) => {
      const terminal = scriptedTerminal(env, answer);
      const code = await runCli(argv, terminal.io, { clock });
      return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
    };
    const journal = (): JournalRecord[] => verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records;

    // Nobody types the hash: the plan is left waiting, approval needed by 12:55:10.
    expect((await cli(['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '')).code).toBe(2);
    const proposed = journal().find((r) => r.type === 'run.proposed') as JournalRecord<{ runId: string; run: { hash: string; expiresAt: string } }>;
    expect(proposed.data.run.expiresAt).toBe('2026-04-20T12:55:10.000Z');
    const incidentId = proposed.incident as string;

    now = Date.parse('2026-04-20T12:55:15.000Z');
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/Waiting for approval\n {2}nothing\n/);
    const unclicked = await cli(['postmortem', incidentId]);
    expect(unclicked.code).toBe(0);
    // No journal line of its expiry yet: it is expired all the same, at its deadline.
    expect(journal().some((r) => r.type === 'run.expired')).toBe(false);
    expect(unclicked.stdout).toContain('| Outcome | not recovered: Path A: Rebuild from raw dlt state expired before anyone approved it |');
    expect(unclicked.stdout).toContain('- Expired unapproved at 12:55:10');
    expect(unclicked.stdout).toMatch(/^- `12:55:10` Path A: Rebuild from raw dlt state \(`[^`]+\/1`\) \*\*expired\*\* without an approval; nothing of it ran$/m);
    expect(unclicked.stdout).not.toContain('waiting');

    // A late approval is refused, and its journal line (12:55:26) is not when the plan expired.
    now = Date.parse('2026-04-20T12:55:26.000Z');
    expect((await cli(['approve', proposed.data.runId, proposed.data.run.hash.slice(0, 8), '--approver', 'bob'])).code).toBe(2);
    expect(journal().find((r) => r.type === 'run.expired')?.at).toBe('2026-04-20T12:55:26.000Z');
    const clicked = await cli(['postmortem', incidentId]);
    expect(clicked.stdout).toContain('- Expired unapproved at 12:55:10');
    expect(clicked.stdout).toMatch(/^- `12:55:10` Path A: Rebuild from raw dlt state \(`[^`]+\/1`\) \*\*expired\*\* without an approval; nothing of it ran$/m);
    expect(clicked.stdout).not.toContain('`12:55:26` Path A');
    expect(clicked.stdout).toContain('| Outcome | not recovered: Path A: Rebuild from raw dlt state expired before anyone approved it |');
  });

  it('gives the date of a time on another day than the incident began: an expiry past midnight does not read as that evening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-expired-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir);
    process.env.PATH = checkout.env.PATH;
    const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), DATABOX_APPROVAL_TTL: '10m' };
    let now = Date.parse('2026-04-20T23:55:07.000Z');
    const clock = () => new Date(now);
    const cli = async (argv: string[], answer: (prompt: string) => string | null = () => null) => {
      const terminal = scriptedTerminal(env, answer);
      const code = await runCli(argv, terminal.io, { clock });
      return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
    };
    expect((await cli(['recover', 'duckdb', 'path=a', '--approver', 'bob'], () => '')).code).toBe(2);
    const proposed = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records.find((r) => r.type === 'run.proposed') as JournalRecord;
    now = Date.parse('2026-04-23T10:00:00.000Z');
    const postmortem = (await cli(['postmortem', proposed.incident as string])).stdout;
    // The plan's section: its request on the incident's first day, its expiry on the next, dated.
    expect(postmortem).toMatch(/Requested by \S+ at 23:55:07 as plan/);
    expect(postmortem).toContain('- Expired unapproved at 2026-04-21 00:05:07');
    // In the timeline, under the day of its proposal, the deadline on the next day is dated too.
    expect(postmortem).toContain('; approval needed by 2026-04-21 00:05:07');
  });
});
