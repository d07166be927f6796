// The real CLI diagnosing a database with a view over a file that never answers (a named pipe nobody writes to, as a
// file on a hung network mount reads): the view is named and the diagnosis reaches its verdict; Ctrl-C ends it at once.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { Checkout, createHealthyDatabase, standinBin } from '../helpers/databox-checkout.js';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';
import { databaseReadingPipes, releasePipe } from '../helpers/hung-pipe.js';

const checkouts: Checkout[] = [];
afterEach(() => {
  for (const checkout of checkouts.splice(0)) {
    releasePipe(checkout.path('ext.csv'));
    checkout.remove();
  }
});

/** A healthy database with scratch.ext, a view over ext.csv, which is then replaced by a named pipe. */
async function setUp(): Promise<{ checkout: Checkout; pipe: string; env: Record<string, string> }> {
  const checkout = new Checkout();
  checkouts.push(checkout);
  await createHealthyDatabase(checkout.databasePath, 100);
  const pipe = checkout.path('ext.csv');
  await databaseReadingPipes(checkout.databasePath, [pipe], `CREATE SCHEMA scratch; CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${pipe}')`);
  return { checkout, pipe, env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, USER: 'alice', PATH: `${standinBin}:${process.env.PATH ?? ''}` }) };
}

const diagnose = (env: Record<string, string>) =>
  execa(process.execPath, [...cliArgs, 'diagnose', 'duckdb'], { cwd: projectRoot, env, extendEnv: false, stdin: 'ignore', reject: false, encoding: 'utf8', timeout: 100_000 });

describe('a view over a file that never answers, at the terminal', { timeout: 150_000 }, () => {
  it('is named with what it reads, the diagnosis reaches its verdict, and the CLI ends without waiting for the read', async () => {
    const { checkout, pipe, env } = await setUp();
    const result = await diagnose(env);
    expect(result.stdout).toContain(`scratch.ext (does not answer binding: it reads ${pipe}: what it reads is not this file, so not judged)`);
    expect(result.stdout).toMatch(/Verdict: Healthy/i);
    expect(result.stderr).toContain(`DuckDB's threads did not end: a read of ${pipe} (which view scratch.ext of ${checkout.databasePath} reads) started at`);
    expect(result.signal).toBe('SIGTERM');
  });

  it('Ctrl-C while the view is being bound ends the diagnosis then and there', async () => {
    const { checkout, env } = await setUp();
    const child = diagnose(env);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer | string) => (stdout += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!waitsOnPipe(child.pid as number) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waitsOnPipe(child.pid as number)).toBe(true);
    child.kill('SIGINT');
    const result = await child;
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toContain('databox: interrupted at the terminal (SIGINT): nothing more was run; the journal has what ran');
    expect(stdout).not.toMatch(/Verdict: Healthy/i);
    // The full read's record says what stopped it (the reason crossed to the reader thread), not its 10-minute limit.
    const scanEnd = journal(checkout).find((r) => r.type === 'step.finished' && (r.data.result as { stepId?: string }).stepId === 'scan');
    expect((scanEnd?.data.result as { summary?: string }).summary).toMatch(/^read all \d+ tables in full \([\d,]+ rows\), but stopped with \d+ views? checked: interrupted at the terminal \(SIGINT\)$/);
  });
});

function journal(checkout: Checkout): JournalRecord[] {
  const verified = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
  expect(verified.problem).toBeUndefined();
  return verified.records;
}

/**
 * Whether a thread of process `pid` waits to open a named pipe for a writer to come (Linux's wait_for_partner): DuckDB
 * binding the view. Looked for there, since opening the pipe to see would end the wait.
 */
function waitsOnPipe(pid: number): boolean {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).some((task) => {
      try {
        return fs.readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
