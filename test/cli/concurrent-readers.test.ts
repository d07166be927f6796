// Diagnoses at once on one healthy database: the real CLI caught with the file open read-only (and stopped there, so it
// holds it for the whole of another diagnosis) does not make that other diagnosis call the file busy or unopenable; a
// notebook's read-only hold (hold-duckdb.mjs) still does, as a writer's does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Checkout } from '../../demo/checkout.js';
import { otherLockHolders } from '../../src/duckdb/lock-holders.js';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { holderReady } from '../helpers/holder-ready.js';

const temps: string[] = [];
const started: ResultPromise[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  }
});
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let checkout: Checkout;
let env: Record<string, string>;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-concurrent-readers-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir, { corrupt: false });
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
});

function startCli(args: string[]): ResultPromise {
  const child = execa(process.execPath, [...cliArgs, ...args], { cwd: projectRoot, env, extendEnv: false, reject: false, encoding: 'utf8', timeout: 120_000 });
  started.push(child);
  return child;
}

/** Polls /proc/locks until `pid` holds the file read-only, then stops it there: it keeps the file open until continued. */
async function stopWhileReading(pid: number, file: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (otherLockHolders(file).some((holder) => holder.pid === pid && holder.access === 'read')) {
      process.kill(pid, 'SIGSTOP');
      // Stopped after the check: its read may have ended in between, so it is looked at again.
      if (otherLockHolders(file).some((holder) => holder.pid === pid && holder.access === 'read')) return;
      process.kill(pid, 'SIGCONT');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`PID ${pid} was never seen holding ${file} open read-only`);
}

/** A process as a notebook is to the file: it opens it read-only and keeps it open (hold-duckdb.mjs). */
async function holdReadOnly(file: string): Promise<number> {
  const child = execa(process.execPath, [path.join(projectRoot, 'test', 'fixtures', 'scripts', 'hold-duckdb.mjs'), file, 'read-only'], { reject: false });
  started.push(child);
  await holderReady(child);
  return child.pid as number;
}

describe('diagnoses at once on one healthy database', () => {
  it.each([
    ['backfill', ['diagnose', 'backfill', 'source=noaa'], /✔ ok · [^\n]* opens read-only; SELECT 1 succeeds/, '● Verdict: No bad window'],
    ['duckdb', ['diagnose', 'duckdb'], /✔ ok · [^\n]* opens read-only; SELECT 1 succeeds/, '● Verdict: Healthy'],
  ])('%s: another diagnosis holding the file read-only throughout is not busy, and is said beside the open', async (_name, args, openLine, verdict) => {
    const other = startCli(['diagnose', 'backfill', 'source=noaa', '--as', 'bob']);
    const otherPid = other.pid as number;
    await stopWhileReading(otherPid, checkout.databasePath);

    const result = await startCli([...args, '--as', 'alice']);
    expect(result.stdout).toMatch(openLine);
    expect(result.stdout).toContain(`also open read-only at that moment in databox-bot's own PID ${otherPid} (`);
    expect(result.stdout).toContain(verdict);
    expect(result.stdout).not.toMatch(/busy|does not open|Verdict: Busy/);

    // The one stopped mid-read goes on to the same verdict: the other's reads did not stand in its way either.
    process.kill(otherPid, 'SIGCONT');
    const otherResult = await other;
    expect(otherResult.stdout).toContain('● Verdict: No bad window');
    expect(otherResult.stdout).not.toMatch(/busy|does not open/);
  });

  it('a notebook holding the file read-only is busy still: every process that writes is refused while it is open', async () => {
    const notebookPid = await holdReadOnly(checkout.databasePath);
    const result = await startCli(['diagnose', 'duckdb', '--as', 'alice']);
    expect(result.stdout).toContain(`busy: held open read-only by`);
    expect(result.stdout).toContain(`PID ${notebookPid}`);
    expect(result.stdout).toContain('● Verdict: Busy');
  });
});
