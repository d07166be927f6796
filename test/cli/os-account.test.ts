// The OS account a terminal command runs under, journaled beside the names typed with --as and --approver: one login
// that asks for a destructive plan under one name and approves it under another is flagged in the postmortem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { Checkout } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let checkout: Checkout;
let env: Record<string, string>;

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'os-account-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir);
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
});

function journal(): JournalRecord[] {
  return verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records;
}

it('journals the OS account beside the typed names, and the postmortem flags a plan requested and approved from the same one', async () => {
  const account = { uid: process.getuid?.() as number, name: os.userInfo().username };
  const asked = await runCliProcess(['recover', 'duckdb', 'path=a', '--as', 'bob', '--approver', 'carol'], { env, stdin: 'ignore' });
  const approve = /`npm run --silent cli -- approve (\S+) ([0-9a-f]{8})/.exec(asked.stderr);
  expect(approve, asked.stderr).not.toBeNull();
  const approved = await runCliProcess(['approve', approve?.[1] as string, approve?.[2] as string, '--approver', 'alice'], { env, stdin: 'ignore' });
  expect(approved.code, approved.stderr).toBe(0);

  const records = journal();
  const proposed = records.find((r) => r.type === 'run.proposed' && (r.data as any).runId === approve?.[1]);
  const approval = records.find((r) => r.type === 'run.approved');
  expect({ actor: proposed?.actor, osAccount: (proposed?.data as any).osAccount }).toEqual({ actor: 'terminal:bob', osAccount: account });
  expect({ actor: approval?.actor, osAccount: (approval?.data as any).osAccount }).toEqual({ actor: 'terminal:alice', osAccount: account });

  const incident = (approve?.[1] as string).split('/')[0] as string;
  const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
  const approvedLine = postmortem.stdout.split('\n').find((line) => line.includes('**approved**') && line.includes('alice'));
  expect(approvedLine, postmortem.stdout).toContain(
    `_(requested and approved from the same OS account (uid ${account.uid}, ${account.name}), under two names typed at the terminal: one login may have done both; check)_`,
  );
});
