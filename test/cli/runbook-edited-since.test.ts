// Runbooks edited (a copied DATABOX_RUNBOOKS_DIR) between a plan and what follows it, through the real CLI process: a
// rollback whose onlyIfRan names a step the recovery run never had, and a plan whose path is gone, are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Checkout } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { cliEnv, hashIn, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let checkout: Checkout;
let env: Record<string, string>;
let runbooksDir: string;
const bundledDuckdb = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-edited-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir);
  runbooksDir = path.join(dir, 'runbooks');
  fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: runbooksDir });
});

function journal(): JournalRecord[] {
  const verify = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
  expect(verify.problem).toBeUndefined();
  return verify.records;
}

const proposed = (kind: string) => journal().filter((r) => r.type === 'run.proposed' && (r.data as any).run.kind === kind);

describe('runbooks edited since a plan', () => {
  it('refuses a rollback whose onlyIfRan names a step the recovery run does not have (renamed since), proposing nothing', async () => {
    const recovered = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], { env, answer: hashIn });
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    const recoveryRun = (proposed('recovery')[0]?.data as any).run.id as string;
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);

    // move_db renamed everywhere in path A (the rollback's {{recovery.…}} and onlyIfRan too); path B keeps its own.
    const start = bundledDuckdb.indexOf('\n  - id: a\n');
    const end = bundledDuckdb.indexOf('\n  - id: b\n');
    const edited = bundledDuckdb.slice(0, start) + bundledDuckdb.slice(start, end).replaceAll('move_db', 'move_database') + bundledDuckdb.slice(end);
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), edited);

    const rollback = await runCliProcess(['rollback', recoveryRun, '--approver', 'bob'], { env, answer: hashIn });
    expect(rollback.code).not.toBe(0);
    expect(rollback.stderr).toContain(
      `path A of the duckdb runbook has changed since ${recoveryRun} ran: its rollback expects a step "move_database", which that run does not have (its steps: move_db, move_wal, move_checkpoint_wal, move_sqlmesh, move_state, full_refresh), so the rollback would leave out what undoes it. Roll back by hand, or put back the runbook that ran it and ask again. Nothing was proposed`,
    );
    expect(rollback.stderr).not.toMatch(/\n\s+at /);
    expect(proposed('rollback')).toEqual([]);
    // The rebuilt file stays, and the broken one beside it: nothing was moved.
    expect(fs.existsSync(checkout.databasePath)).toBe(true);
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);
  });

  it('refuses to approve a plan whose recovery path was taken out of the runbooks while it waited, running nothing, on the record', async () => {
    // A path R added (path A's steps under another id), proposed, then taken out again before the approval.
    const doc = parse(bundledDuckdb) as Record<string, any>;
    doc.recovery.push({ ...doc.recovery[0], id: 'r', title: 'Rebuild from raw dlt state (a trial copy)' });
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), stringify(doc));
    const waiting = await runCliProcess(['recover', 'duckdb', 'path=r', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(waiting.code).toBe(2);
    const advice = /`(npm run --silent cli -- approve (dbx-\d{8}-[0-9a-f]{4}\/\d+) [0-9a-f]{8} --approver bob)`/.exec(waiting.stderr);
    expect(advice, waiting.stderr).not.toBeNull();
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), bundledDuckdb);

    const approved = await runCliProcess(await cliArgsOfPasted(advice?.[1] as string, 'carol'), { env, stdin: 'ignore' });
    expect(approved.code).not.toBe(0);
    const refusal = 'the duckdb runbook no longer has path R, which this plan is for: the runbooks were probably edited since the plan was made. Nothing was run; propose it again from the runbooks as they are now';
    expect(approved.stderr).toContain(refusal);
    expect(approved.stderr).not.toContain('is not a recovery path');
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(false);
    const records = journal();
    expect(records.some((r) => r.type === 'run.approved' || r.type === 'run.started')).toBe(false);
    expect(records.filter((r) => r.type === 'approval.refused').map((r) => [(r.data as any).runId, (r.data as any).reason])).toEqual([[advice?.[2], refusal]]);
  });
});
