// The real CLI stopped mid-run, as an operator stops it: Ctrl-C (SIGINT) during a recovery's long step, and its output
// piped into something that stops reading (`| head`). The command is killed, the run ends on the record, nothing stays held.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { Checkout, createHealthyDatabase, standinBin } from '../helpers/databox-checkout.js';
import { cliArgs, cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';
import { shellWord } from '../../src/commands/shell-word.js';

const checkouts: Checkout[] = [];
afterEach(() => {
  for (const checkout of checkouts.splice(0)) {
    for (const call of checkout.calls()) killQuietly(call.pid);
    checkout.remove();
  }
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone, as it should be.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function journal(checkout: Checkout): JournalRecord[] {
  const verified = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
  expect(verified.problem).toBeUndefined();
  return verified.records;
}

/** A step.finished record's result. */
function stepResult(record: JournalRecord): Record<string, unknown> {
  return record.data.result as Record<string, unknown>;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function setUp(): Promise<{ checkout: Checkout; env: Record<string, string> }> {
  const checkout = new Checkout();
  checkouts.push(checkout);
  await createHealthyDatabase(checkout.databasePath, 100);
  return { checkout, env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, USER: 'alice', PATH: `${standinBin}:${process.env.PATH ?? ''}` }) };
}

// Each CLI process takes seconds to start (more on a loaded machine).
describe('a CLI stopped mid-run', { timeout: 120_000 }, () => {
  it('Ctrl-C during a long step kills the command, ends the run as failed with why, and leaves nothing held', async () => {
    const { checkout, env } = await setUp();
    checkout.behave({ 'task full-refresh': { stdout: 'dlt: loading raw_ebird\n', sleepMs: 60_000 } });
    const child = execa(process.execPath, [...cliArgs, 'recover', 'duckdb', 'path=a', '--approver', 'bob'], {
      cwd: projectRoot,
      env,
      extendEnv: false,
      stdin: 'pipe',
      reject: false,
      encoding: 'utf8',
      timeout: 90_000,
    });
    let stdout = '';
    let answered = false;
    child.stdout?.on('data', (chunk: Buffer | string) => {
      stdout += chunk.toString();
      const hash = /short hash \(([0-9a-f]{8})\)[^\n]*: $/.exec(stdout);
      if (hash && !answered) {
        answered = true;
        child.stdin?.write(`${hash[1]}\n`);
      }
    });
    await until('task full-refresh to start', () => checkout.calls().some((call) => call.command === 'task full-refresh'));
    const refresh = checkout.calls().find((call) => call.command === 'task full-refresh');
    expect(alive(refresh?.pid as number)).toBe(true);
    child.kill('SIGINT');
    const result = await child;

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('databox: interrupted at the terminal (SIGINT): killing what runs and recording its end in the journal…');
    expect(result.stderr).toContain('databox: interrupted at the terminal (SIGINT): nothing more was run; the journal has what ran');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await until('the stopped command to be gone', () => !alive(refresh?.pid as number), 10_000);

    const records = journal(checkout);
    // Where the record is: the postmortem of the incident it was working in, a command a shell reads as it is.
    const incident = records.find((r) => r.type === 'incident.opened')?.incident as string;
    const record = /nothing more was run; the journal has what ran \(`([^`]+)`\)/.exec(result.stderr)?.[1];
    expect(await cliArgsOfPasted(record as string, 'alice')).toEqual(['postmortem', incident]);
    const refreshEnd = records.find((r) => r.type === 'step.finished' && stepResult(r).stepId === 'full_refresh') as JournalRecord;
    expect(stepResult(refreshEnd)).toMatchObject({ status: 'interrupted' });
    expect(String(stepResult(refreshEnd).summary)).toMatch(/^killed by SIGTERM: interrupted at the terminal \(SIGINT\)$/);
    const recovery = records.find((r) => r.type === 'run.finished' && String(r.data.runId) === refreshEnd?.data.runId);
    expect(recovery?.data).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(recovery?.data)).toContain('stopped before it finished: interrupted at the terminal (SIGINT)');
    // Nothing ran after it: no other step started once it was stopped, and no validation was proposed.
    expect(records.slice(records.indexOf(refreshEnd)).some((r) => r.type === 'step.started')).toBe(false);
    expect(records.some((r) => r.type === 'run.proposed' && (r.data.run as { kind?: string }).kind === 'validation')).toBe(false);

    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stdout).toContain('nothing; no database is held by a plan');
    // The step reads as interrupted wherever its status is shown, not as failed or timed out.
    expect(stdout).toMatch(/✘ interrupted/);
    expect(status.stdout).toMatch(/ was interrupted at "[^"]+"/);
    const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
    expect(postmortem.stdout).toMatch(/\*\*interrupted\*\*/);
  });

  it('Ctrl-C during a validation\'s audit: the checks after it read as not started, not failed, at the terminal and in the postmortem', async () => {
    const { checkout, env } = await setUp();
    checkout.behave({ 'uv run sqlmesh audit': { stdout: 'auditing\n', sleepMs: 60_000 } });
    const child = execa(process.execPath, [...cliArgs, 'validate', 'duckdb'], { cwd: projectRoot, env, extendEnv: false, stdin: 'ignore', reject: false, encoding: 'utf8', timeout: 90_000 });
    await until('the audit to start', () => checkout.calls().some((call) => call.command === 'uv run sqlmesh audit'));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toMatch(/✘ interrupted/);
    // The freshness check after it never ran: said so, on the record too, and never as "failed".
    const records = journal(checkout);
    const freshness = records.find((r) => r.type === 'step.finished' && stepResult(r).stepId === 'freshness') as JournalRecord;
    expect(stepResult(freshness)).toMatchObject({ status: 'not-started', summary: 'not started: interrupted at the terminal (SIGINT)' });
    expect(result.stdout).toMatch(/\n {6}○ not started · interrupted at the terminal \(SIGINT\)\n/);
    expect(result.stdout).not.toMatch(/✘ failed/);
    expect(result.stdout).not.toContain('Also failed');
    expect(result.stdout).toMatch(/Not started:\n  • Each mart's newest date against its SLA [^\n]*(\n|$)/);
    const incident = records.find((r) => r.type === 'incident.opened')?.incident as string;
    const postmortem = await runCliProcess(['postmortem', incident], { env, stdin: 'ignore' });
    expect(postmortem.stdout).toMatch(/\*\*Each mart's newest date[^*]*\*\* \(not started\)/);
    expect(postmortem.stdout).not.toMatch(/\*\*Each mart's newest date[^*]*\*\* \(failed\)/);
  });

  it('a closed standard output (`| head`) stops the diagnosis in order, with no stack trace', async () => {
    const { checkout, env } = await setUp();
    checkout.behave({ 'uv run sqlmesh audit': { stdout: 'auditing\n', sleepMs: 60_000 } });
    const child = execa(process.execPath, [...cliArgs, 'diagnose', 'duckdb'], {
      cwd: projectRoot,
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      buffer: { stdout: false },
      encoding: 'utf8',
      timeout: 90_000,
    });
    // Read the first piece of output, then stop reading, as `head -1` does.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await child;

    expect(result.exitCode).toBe(141);
    expect(result.stderr).toContain('databox: its output was closed (EPIPE): killing what runs and recording its end in the journal…');
    expect(result.stderr).toContain('databox: its output was closed (EPIPE): nothing more was run; the journal has what ran');
    expect(result.stderr).not.toMatch(/Unhandled 'error' event|\n\s+at |still stopping/);
    for (const call of checkout.calls()) await until(`the stopped ${call.command} to be gone`, () => !alive(call.pid), 10_000);
    const records = journal(checkout);
    const diagnosis = records.find((r) => r.type === 'run.finished');
    expect(diagnosis?.data).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(diagnosis?.data)).toContain('stopped before it finished: its output was closed (EPIPE)');
    // A diagnosis cut short is no diagnosis: no verdict is drawn from the checks that never ran.
    expect(records.some((r) => r.type === 'diagnosis.verdict')).toBe(false);
    // The step it was in ended killed, or the steps after the stop were never started: each says why.
    const steps = records.filter((r) => r.type === 'step.finished');
    const stopped = steps.filter((r) => /its output was closed \(EPIPE\)/.test(String(stepResult(r).summary)));
    expect(stopped.length).toBeGreaterThan(0);
    for (const step of stopped) expect(String(stepResult(step).summary)).toMatch(/^(killed by SIGTERM|not started): its output was closed \(EPIPE\)$/);
    expect(steps.map((r) => stepResult(r).stepId)).toEqual(['open', 'disk', 'scan', 'audit'].slice(0, steps.length));
  });

  it('standard output and error both into a pipe closed early (`2>&1 | head`) stop the diagnosis the same way, exit 141', async () => {
    const { checkout, env } = await setUp();
    checkout.behave({ 'uv run sqlmesh audit': { stdout: 'auditing\n', sleepMs: 60_000 } });
    const statusFile = path.join(checkout.stateDir, '..', 'cli-status');
    // The stop notice goes to standard error, which is the closed pipe too: it must fail as quietly as the output did.
    const inShell = `${[process.execPath, ...cliArgs, 'diagnose', 'duckdb'].map(shellWord).join(' ')} 2>&1 | head -1; echo "\${PIPESTATUS[0]}" >${shellWord(statusFile)}`;
    const shell = await execa('bash', ['-c', inShell], { cwd: projectRoot, env, extendEnv: false, stdin: 'ignore', reject: false, encoding: 'utf8', timeout: 90_000 });

    expect(shell.stdout).not.toMatch(/Unhandled 'error' event|EPIPE/);
    expect(fs.readFileSync(statusFile, 'utf8')).toBe('141\n');
    // Every step's child was killed with it: none is left running without its CLI.
    for (const call of checkout.calls()) await until(`the stopped ${call.command} to be gone`, () => !alive(call.pid), 10_000);
    const records = journal(checkout);
    const diagnosis = records.find((r) => r.type === 'run.finished');
    expect(diagnosis?.data).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(diagnosis?.data)).toContain('stopped before it finished: its output was closed (EPIPE)');
    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stdout).toContain('nothing; no database is held by a plan');
  });

  it('a closed terminal (SIGHUP) during a long step stops it in order and exits 129, without crashing Node on the gone terminal', async () => {
    const { checkout, env } = await setUp();
    checkout.behave({ 'task full-refresh': { stdout: 'dlt: loading raw_ebird\n', sleepMs: 60_000 } });
    const errFile = path.join(checkout.stateDir, '..', 'cli-stderr');
    const statusFile = path.join(checkout.stateDir, '..', 'cli-status');
    // In a pseudo-terminal (util-linux `script`), under a shell that outlives the hang-up to write down how the CLI ended.
    const inShell = `trap : HUP; ${[process.execPath, ...cliArgs, 'recover', 'duckdb', 'path=a', '--approver', 'bob'].map(shellWord).join(' ')} 2>${shellWord(errFile)}; echo $? >${shellWord(statusFile)}`;
    const terminal = execa('script', ['-qec', `sh -c ${shellWord(inShell)}`, '/dev/null'], { cwd: projectRoot, env, extendEnv: false, stdin: 'pipe', reject: false, encoding: 'utf8', timeout: 90_000 });
    let stdout = '';
    let answered = false;
    terminal.stdout?.on('data', (chunk: Buffer | string) => {
      stdout += chunk.toString();
      const hash = /short hash \(([0-9a-f]{8})\)/.exec(stdout);
      if (hash && !answered) {
        answered = true;
        terminal.stdin?.write(`${hash[1]}\n`);
      }
    });
    await until('task full-refresh to start', () => checkout.calls().some((call) => call.command === 'task full-refresh'));
    // The terminal goes away: its pseudo-terminal is hung up, as when a terminal window is closed.
    terminal.kill('SIGKILL');
    await terminal;
    await until('the CLI to end', () => fs.existsSync(statusFile) && fs.readFileSync(statusFile, 'utf8').endsWith('\n'), 60_000);
    const stderr = fs.readFileSync(errFile, 'utf8');
    expect(stderr).not.toMatch(/Assertion failed|Native stack trace/);
    // Whichever tells it first: its SIGHUP, or a write to it failing (EIO).
    expect(stderr).toMatch(/databox: the terminal was closed \((SIGHUP|EIO)\): nothing more was run; the journal has what ran/);
    expect(fs.readFileSync(statusFile, 'utf8')).toBe('129\n');
    const recovery = journal(checkout).find((r) => r.type === 'run.finished' && (r.data.runId as string).endsWith('/1'));
    expect(JSON.stringify(recovery?.data)).toMatch(/stopped before it finished: the terminal was closed \((SIGHUP|EIO)\)/);
  });
});
