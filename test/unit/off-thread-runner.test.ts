// The command thread (src/process/off-thread-runner.ts): real commands started on a worker thread behave as they do
// with runCommand on this one: output, exit codes, the PID and streamed output, redaction, spooling, timeouts and aborts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { offThreadRunner } from '../../src/process/off-thread-runner.js';
import { createRedactor } from '../../src/redact.js';
import { execa } from 'execa';
import { projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';
import { processAlive } from '../../src/process/alive.js';

const tempDir = useTempDirs('databox-off-thread-');
const secret = 'Sup3r-Secret-Value-42';
const botRedactor = createRedactor([secret]);
const run = offThreadRunner(botRedactor, [secret]);
const script = (name: string) => path.join(scriptsDir, name);

describe('offThreadRunner', { timeout: 60_000 }, () => {
  it('starts its thread, and the reader and session threads, before any command without keeping the process alive', async () => {
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const { stdout } = await execa(tsx, [path.join(projectRoot, 'test', 'fixtures', 'threads', 'start-early.ts')], { timeout: 30_000 });
    const { before, after } = JSON.parse(stdout) as { before: number; after: number };
    expect(after - before, 'three worker threads (each an OS thread at least)').toBeGreaterThanOrEqual(3);
  });

  it('returns the exit code and output, tells the PID at start and streams the output as it comes', async () => {
    const started: number[] = [];
    const chunks: string[] = [];
    const result = await run({ argv: [script('exit-with.sh'), '3'], cwd: scriptsDir, timeoutMs: 10_000, onStart: (pid) => started.push(pid), onOutput: (text) => chunks.push(text) });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    expect(started).toHaveLength(1);
    expect(started[0]).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(result.output);
    expect(result.output.length).toBeGreaterThan(0);
  });

  it("redacts with the secrets it was built with when asked to, and spools the whole output to the file", async () => {
    const spoolFile = path.join(tempDir(), 'out.log');
    const total = 300_000;
    const result = await run({ argv: [script('print-around.mjs'), '1000', secret, String(total)], cwd: scriptsDir, timeoutMs: 30_000, redact: botRedactor, spoolFile });
    expect(result).toMatchObject({ exitCode: 0, redacted: true, outputBytes: total });
    expect(result.output).not.toContain(secret);
    expect(result.output).toMatch(/\[REDACT/);
    expect(result.spool?.file).toBe(spoolFile);
    const spooled = fs.readFileSync(spoolFile, 'utf8');
    expect(spooled).not.toContain(secret);
    expect(spooled).toMatch(/\[REDACT/);
  });

  it('runs a request that brings another redactor here, redacted by that one', async () => {
    const other = 'Other-Secret-Value-99';
    const result = await run({ argv: [script('print-around.mjs'), '10', other, '2000'], cwd: scriptsDir, timeoutMs: 30_000, redact: createRedactor([other]) });
    expect(result).toMatchObject({ exitCode: 0, redacted: true });
    expect(result.output).not.toContain(other);
    expect(result.output).toMatch(/\[REDACT/);
  });

  it('starts commands in the environment as it is now, not as it was when the thread started', async () => {
    const print = () => run({ argv: [process.execPath, '-e', 'process.stdout.write(process.env.DATABOX_LATE_VARIABLE ?? "unset")'], cwd: scriptsDir, timeoutMs: 10_000 });
    expect((await print()).output).toBe('unset');
    process.env.DATABOX_LATE_VARIABLE = 'set later';
    try {
      expect((await print()).output).toBe('set later');
    } finally {
      delete process.env.DATABOX_LATE_VARIABLE;
    }
  });

  it('starts its commands at the niceness it was given: they inherit the thread’s', async () => {
    const niceness = (runner: typeof run) => runner({ argv: [process.execPath, '-e', "process.stdout.write(String(require('node:os').getPriority()))"], cwd: scriptsDir, timeoutMs: 10_000 });
    expect((await niceness(run)).output).toBe('0');
    expect((await niceness(offThreadRunner(botRedactor, [secret], 7))).output).toBe('7');
  });

  it('says why a command could not start', async () => {
    const result = await run({ argv: ['no-such-command-databox'], cwd: scriptsDir, timeoutMs: 5_000 });
    expect(result.spawnError).toBe('could not start "no-such-command-databox": it is not on PATH');
  });

  it('kills the whole tree on timeout, and when the signal aborts', async () => {
    const timedPid = path.join(tempDir(), 'timed.pid');
    const timed = await run({ argv: [script('spawn-tree.mjs'), timedPid], cwd: scriptsDir, timeoutMs: 1_500 });
    expect(timed.timedOut).toBe(true);
    expect(processAlive(Number(fs.readFileSync(timedPid, 'utf8')))).toBe(false);

    const abortedPid = path.join(tempDir(), 'aborted.pid');
    const controller = new AbortController();
    const running = run({ argv: [script('spawn-tree.mjs'), abortedPid], cwd: scriptsDir, timeoutMs: 20_000, signal: controller.signal });
    while (!fs.existsSync(abortedPid) || fs.readFileSync(abortedPid, 'utf8').trim() === '') await new Promise((resolve) => setTimeout(resolve, 20));
    const grandchild = Number(fs.readFileSync(abortedPid, 'utf8'));
    expect(processAlive(grandchild)).toBe(true);
    controller.abort();
    const aborted = await running;
    expect(aborted).toMatchObject({ timedOut: false });
    expect(aborted.durationMs).toBeLessThan(4_500);
    expect(processAlive(grandchild)).toBe(false);
  });

  it('kills what is still running when its thread is stopped, and starts a new thread for the next command', async () => {
    const runner = offThreadRunner(botRedactor, [secret]);
    const pidFile = path.join(tempDir(), 'stopped.pid');
    const running = runner({ argv: [script('spawn-tree.mjs'), pidFile], cwd: scriptsDir, timeoutMs: 60_000 });
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') await new Promise((resolve) => setTimeout(resolve, 20));
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await runner.stopThread();
    await expect(running).rejects.toThrow(/^the command thread stopped \(exit code \d+\); the command it was running \(.*spawn-tree\.mjs\) was stopped$/);
    const deadline = Date.now() + 5_000;
    while (processAlive(grandchild) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processAlive(grandchild)).toBe(false);
    expect((await runner({ argv: [script('exit-with.sh'), '0'], cwd: scriptsDir, timeoutMs: 10_000 })).exitCode).toBe(0);
    await runner.stopThread();
  });
});
