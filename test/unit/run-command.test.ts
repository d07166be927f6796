// Tests runCommand and childEnvironment (src/process/run-command.ts) with real processes started from test/fixtures/scripts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { childEnvironment, headLimit, runCommand, tailLimit, type CommandRequest } from '../../src/process/run-command.js';
import { OutputSpool } from '../../src/process/output-spool.js';
import { createRedactor } from '../../src/redact.js';
import { scriptsDir, useTempDirs } from '../support/fixtures.js';
import { processAlive } from '../../src/process/alive.js';

const tempDir = useTempDirs('databox-run-');
const script = (name: string) => path.join(scriptsDir, name);
const run = (argv: string[], extra: Partial<CommandRequest> = {}) => runCommand({ argv, cwd: scriptsDir, timeoutMs: 10_000, ...extra });

describe('exit codes and output', () => {
  it.each([0, 1, 42, 255])('reports exit code %i with the output', async (code) => {
    const result = await run([script('exit-with.sh'), String(code)]);
    expect(result).toMatchObject({ exitCode: code, timedOut: false, output: `exiting with ${code}\n`, outputBytes: `exiting with ${code}\n`.length });
    expect(result.spawnError).toBeUndefined();
    expect(result.signal).toBeUndefined();
  });

  it('captures stdout and stderr together', async () => {
    const result = await run([script('both-streams.sh')]);
    expect(result.exitCode).toBe(3);
    const lines = result.output.split('\n').filter(Boolean);
    expect(lines.sort()).toEqual(['to-stderr one', 'to-stderr two', 'to-stdout one', 'to-stdout two']);
    // Each stream keeps its own order.
    expect(lines.filter((l) => l.includes('stdout'))).toEqual(['to-stdout one', 'to-stdout two']);
  });

  it('passes arguments as they are, never through a shell', async () => {
    const result = await run(['node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$(echo hi)', 'a;b', '*', "it's"]);
    expect(JSON.parse(result.output)).toEqual(['$(echo hi)', 'a;b', '*', "it's"]);
  });

  it('runs in the given working directory', async () => {
    const cwd = tempDir();
    const result = await runCommand({ argv: ['pwd'], cwd, timeoutMs: 5_000 });
    expect(fs.realpathSync(result.output.trim())).toBe(fs.realpathSync(cwd));
  });

  it('streams output to onOutput as it comes', async () => {
    const seen: string[] = [];
    const result = await run([script('both-streams.sh')], { onOutput: (text) => void seen.push(text) });
    expect(seen.join('').split('\n').filter(Boolean).sort()).toEqual(result.output.split('\n').filter(Boolean).sort());
  });

  it('does not read on while onOutput holds it back: the command waits, and all its output comes once it is let go', async () => {
    const marker = path.join(tempDir(), 'done');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const running = run([script('print-then-mark.sh'), String(4_000_000), marker], { onOutput: () => (calls++ === 0 ? held : undefined) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fs.existsSync(marker), 'its output is not read, so it has not got to the end').toBe(false);
    release();
    const result = await running;
    expect(result.outputBytes).toBe(4_000_000);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('reports a process killed by a signal', async () => {
    const result = await run(['sh', '-c', 'kill -KILL $$']);
    expect(result.signal).toBe('SIGKILL');
    expect(result.exitCode).toBeNull();
    expect(result.timedOut).toBe(false);
    expect(result.spawnError).toBeUndefined();
  });
});

describe('commands that cannot start', () => {
  it('gives spawnError for a command not on PATH', async () => {
    const result = await run(['databox-no-such-command-xyz', '--help']);
    expect(result.spawnError).toBe('could not start "databox-no-such-command-xyz": it is not on PATH');
    expect(result.exitCode).toBeNull();
    expect(result.timedOut).toBe(false);
  });

  it('gives spawnError for a missing working directory', async () => {
    const cwd = path.join(tempDir(), 'gone');
    const result = await runCommand({ argv: ['pwd'], cwd, timeoutMs: 5_000 });
    expect(result.spawnError).toBe(`could not start "pwd": the working directory ${cwd} does not exist`);
  });

  it('gives spawnError for a file that is not executable', async () => {
    const file = path.join(tempDir(), 'not-executable.sh');
    fs.writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const result = await run([file]);
    expect(result.spawnError).toBe(`could not start "${file}": permission denied`);
  });

  it('refuses an empty argv', async () => {
    await expect(run([])).rejects.toThrow('empty argv');
  });
});

describe('timeouts and cancelling', () => {
  const leftovers: number[] = [];
  afterEach(() => {
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  });

  it('kills the whole process tree on timeout, grandchildren included', async () => {
    const pidFile = path.join(tempDir(), 'grandchild.pid');
    const result = await run([script('spawn-tree.mjs'), pidFile], { timeoutMs: 1_500 });
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    leftovers.push(grandchild);
    expect(grandchild).toBeGreaterThan(1);
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('started the grandchild');
    // Well before the 30 s sleep ends and before the 5 s SIGKILL grace: SIGTERM reached the tree.
    expect(result.durationMs).toBeLessThan(4_500);
    expect(() => process.kill(grandchild, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('stops the tree when the signal aborts', async () => {
    const pidFile = path.join(tempDir(), 'grandchild.pid');
    const controller = new AbortController();
    const running = run([script('spawn-tree.mjs'), pidFile], { signal: controller.signal, timeoutMs: 20_000 });
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    leftovers.push(grandchild);
    expect(processAlive(grandchild)).toBe(true);
    controller.abort();
    const result = await running;
    expect(result.timedOut).toBe(false);
    expect(result.durationMs).toBeLessThan(4_500);
    expect(processAlive(grandchild)).toBe(false);
  });

  it('does not report a timeout for a command that finishes in time', async () => {
    const result = await run(['sleep', '0.1'], { timeoutMs: 5_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
  });
});

describe('environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('passes the environment through, without any SLACK_* variable', async () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-0000-test-token';
    process.env.SLACK_SIGNING_SECRET = 'test-signing-secret';
    process.env.SLACK_ANYTHING = 'x';
    process.env.DATABOX_TEST_INHERITED = 'inherited value';
    const result = await run([script('print-env.mjs')], { env: { DATABOX_TEST_ADDED: 'added value', DATABOX_TEST_INHERITED: 'overridden' } });
    const env = JSON.parse(result.output) as Record<string, string>;
    expect(env.DATABOX_TEST_ADDED).toBe('added value');
    expect(env.DATABOX_TEST_INHERITED).toBe('overridden');
    expect(env.PATH).toBe(process.env.PATH);
    expect(Object.keys(env).filter((name) => name.startsWith('SLACK_'))).toEqual([]);
    expect(result.output).not.toContain('xoxb-0000-test-token');
  });

  it('childEnvironment drops SLACK_* and keeps the rest', () => {
    process.env.SLACK_APP_TOKEN = 'xapp-test';
    process.env.NOT_SLACK_TOKEN = 'kept';
    const env = childEnvironment({ EXTRA: '1' });
    expect(env.SLACK_APP_TOKEN).toBeUndefined();
    expect(env.NOT_SLACK_TOKEN).toBe('kept');
    expect(env.EXTRA).toBe('1');
    expect(env.HOME).toBe(process.env.HOME);
  });
});

describe('very long output', () => {
  it('keeps the head and the tail, drops the middle with a marker, and counts every byte', async () => {
    const lines = 240_000; // 24 MB of 100-character lines
    const result = await run([script('flood.mjs'), String(lines)], { timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    expect(result.outputBytes).toBe(lines * 100);
    // Bounded well under what was written: the head and tail limits plus one pipe chunk.
    expect(result.output.length).toBeLessThanOrEqual(headLimit + tailLimit + 64 * 1024 + 100);
    expect(result.output.length).toBeGreaterThan(headLimit + tailLimit - 64 * 1024);
    expect(result.output.startsWith('line 0000001 x')).toBe(true);
    expect(result.output.endsWith(`line ${String(lines).padStart(7, '0')} ${'x'.repeat(86)}\n`)).toBe(true);
    const marker = /\n\[… (\d+) characters omitted …\]\n/.exec(result.output);
    expect(marker).not.toBeNull();
    // What is kept plus what is omitted is everything (the output is ASCII, so characters are bytes).
    const kept = result.output.length - (marker?.[0].length ?? 0);
    expect(kept + Number(marker?.[1])).toBe(lines * 100);
  });
});

describe('secrets in the output stream', () => {
  const secret = 'Sup3r-Secret-Value-42';
  const redact = createRedactor([secret]);
  const pieces = (text: string) => {
    const found: string[] = [];
    for (let length = 6; length <= secret.length; length += 1) {
      for (let start = 0; start + length <= secret.length; start += 1) if (text.includes(secret.slice(start, start + length))) found.push(secret.slice(start, start + length));
    }
    return found;
  };

  it.each([
    ['across a write boundary', 65_536 - 7, 200_000],
    ['across the head cut of a long output', headLimit - 9, 8 * 1024 * 1024],
  ])('a secret %s is redacted whole, never a piece of it kept', async (_name, offset, total) => {
    const result = await run([script('print-around.mjs'), String(offset), secret, String(total)], { redact, timeoutMs: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(result.redacted).toBe(true);
    expect(result.outputBytes).toBe(total);
    expect(pieces(result.output)).toEqual([]);
    expect(result.output).toMatch(/\[REDACT/);
  });
});

describe('output spooled to a file', () => {
  const secret = 'Sup3r-Secret-Value-42';
  const redact = createRedactor([secret]);

  it('streams a 32 MB output to the spool file, redacted as it arrives, holding only a bounded head and tail in memory', async () => {
    const total = 32 * 1024 * 1024;
    // The secret sits in the middle, far from the head and the tail kept in memory: only the stream can catch it.
    const offset = 16 * 1024 * 1024 + 5;
    const spoolFile = path.join(tempDir(), 'outputs', 'dbx-1', '2-1-flood.log');
    const result = await run([script('print-around.mjs'), String(offset), secret, String(total)], { redact, spoolFile, timeoutMs: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(result.outputBytes).toBe(total);
    const kept = fs.readFileSync(spoolFile);
    expect(result.spool).toMatchObject({ file: spoolFile, bytes: kept.length, omittedBytes: 0 });
    expect(result.spool?.problem).toBeUndefined();
    expect(result.spool?.digest).toBe(`sha256:${createHash('sha256').update(kept).digest('hex')}`);
    // All of it, the secret replaced where it was.
    expect(kept.length).toBe(total - secret.length + '[REDACTED]'.length);
    const text = kept.toString('latin1');
    expect(text.indexOf('[REDACTED]')).toBe(offset);
    expect(text).not.toContain(secret.slice(0, 8));
    expect(text.slice(offset + '[REDACTED]'.length, offset + 31)).toBe('abcdefghij klmnopqrs\n');
    // In memory: never more than the head, the tail, a pipe chunk or two and the redactor's overlap.
    expect(result.peakHeldChars).toBeLessThanOrEqual(headLimit + tailLimit + 2 * 64 * 1024 + 2 * 16 * 1024);
    expect(result.output.length).toBeLessThanOrEqual(headLimit + tailLimit + 64 * 1024 + 100);
    expect(result.output).toMatch(/characters omitted/);
  });

  it('keeps the first part and the end of an output past its limit, with a marker between them', async () => {
    const file = path.join(tempDir(), 'capped.log');
    const spool = new OutputSpool(file, { bytes: 1_000, endBytes: 2_000 });
    for (let i = 0; i < 100; i += 1) spool.write(`${String(i).padStart(3, '0')}${'.'.repeat(96)}\n`);
    const kept = await spool.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`000${'.'.repeat(96)}\n`)).toBe(true);
    expect(text).toContain('[… 7000 bytes omitted: the output passed the 1000-byte limit of a kept output …]');
    expect(text.endsWith(`099${'.'.repeat(96)}\n`)).toBe(true);
    expect(text.split('\n').filter((l) => /^\d{3}\./.test(l)).map((l) => Number(l.slice(0, 3)))).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 80 + i)]);
    expect(kept).toMatchObject({ bytes: Buffer.byteLength(text), omittedBytes: 7_000 });
  });

  it('says why when the file cannot be written, and the command runs on with its head and tail', async () => {
    const blocked = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocked, '');
    const result = await run([script('flood.mjs'), '1000'], { redact, spoolFile: path.join(blocked, 'out.log') });
    expect(result.exitCode).toBe(0);
    expect(result.spool?.problem).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    expect(result.output.split('\n').filter(Boolean)).toHaveLength(1000);
  });
});
