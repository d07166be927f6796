// The command host (src/process/off-thread-runner.ts): real commands started from a host process behave as they do
// with runCommand in this one: output, exit codes, the PID and streamed output, redaction, spooling, timeouts and aborts;
// and they are not this process's children (it is never forked to start them).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** The first whole line a process writes to `file`, waited for (up to 30 s). */
async function firstLineOf(file: string): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.includes('\n')) return text.slice(0, text.indexOf('\n'));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing written to ${file} in 30 s`);
}
const script = (name: string) => path.join(scriptsDir, name);

describe('offThreadRunner', { timeout: 60_000 }, () => {
  it('starts its host, and the reader and session threads, before any command without keeping the process alive', async () => {
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const { stdout } = await execa(tsx, [path.join(projectRoot, 'test', 'fixtures', 'threads', 'start-early.ts')], { timeout: 30_000 });
    const { before, after, hosts } = JSON.parse(stdout) as { before: number; after: number; hosts: number };
    expect(after - before, 'two worker threads (each an OS thread at least)').toBeGreaterThanOrEqual(2);
    expect(hosts, 'one host process, a child of this one').toBe(1);
  });

  it('starts its host from the build it is given (as the tests\' bots do), else from the sources beside it under tsx', async () => {
    const built = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'process', 'off-thread-runner.js')).href;
    const hostCommandLine = async (runner: ReturnType<typeof offThreadRunner>) => {
      try {
        const parent = await runner({ argv: [process.execPath, '-e', 'process.stdout.write(String(process.ppid))'], cwd: scriptsDir, timeoutMs: 10_000 });
        return fs.readFileSync(`/proc/${parent.output}/cmdline`, 'utf8').split('\0');
      } finally {
        await runner.stopHost();
      }
    };
    const fromBuild = await hostCommandLine(offThreadRunner(botRedactor, [secret], 0, built));
    expect(fromBuild).toContain(path.join(projectRoot, 'dist', 'src', 'process', 'command-host.js'));
    expect(fromBuild.join(' ')).not.toContain('tsx');
    const fromSources = await hostCommandLine(offThreadRunner(botRedactor, [secret]));
    expect(fromSources).toContain(path.join(projectRoot, 'src', 'process', 'command-host.ts'));
  });

  it('starts commands from its host: they are not children of this process, which is never forked for them', async () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-host-test-token';
    const runner = offThreadRunner(botRedactor, [secret]);
    try {
      const parent = await runner({ argv: [process.execPath, '-e', 'process.stdout.write(String(process.ppid))'], cwd: scriptsDir, timeoutMs: 10_000 });
      const hostPid = Number(parent.output);
      expect(hostPid).toBeGreaterThan(1);
      expect(hostPid).not.toBe(process.pid);
      expect(fs.readFileSync(`/proc/${hostPid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1], 'the host is this process\'s child').toBe(String(process.pid));
      const env = fs.readFileSync(`/proc/${hostPid}/environ`, 'utf8').split('\0');
      expect(env.some((entry) => entry.startsWith('PATH=')), 'the host has the environment').toBe(true);
      expect(env.filter((entry) => entry.startsWith('SLACK_')), 'but no Slack credentials in it').toEqual([]);
    } finally {
      delete process.env.SLACK_BOT_TOKEN;
      await runner.stopHost();
    }
  });

  it('returns the exit code and output, tells the PID at start and streams the output as it comes', async () => {
    const started: number[] = [];
    const chunks: string[] = [];
    const result = await run({ argv: [script('exit-with.sh'), '3'], cwd: scriptsDir, timeoutMs: 10_000, onStart: (pid) => started.push(pid), onOutput: (text) => void chunks.push(text) });
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

  it('writes a slowly printing command\'s lines to its spool file as they come, redacted, while it still runs', async () => {
    const spoolFile = path.join(tempDir(), 'outputs', 'dbx-1', '1-load.log');
    const stop = new AbortController();
    let settled = false;
    // Three lines 200 ms apart, then a prompt without a line end; it runs on until it is stopped.
    const running = run({ argv: [script('print-slowly.mjs'), '3', '200', secret], cwd: scriptsDir, timeoutMs: 60_000, redact: botRedactor, spoolFile, signal: stop.signal });
    void running.finally(() => (settled = true));
    const spooled = async (wanted: string) => {
      // A generous deadline, not a timing: the lines are due within a second or so of being printed.
      const deadline = Date.now() + 20_000;
      while (!(fs.existsSync(spoolFile) && fs.readFileSync(spoolFile, 'utf8').includes(wanted)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return fs.existsSync(spoolFile) ? fs.readFileSync(spoolFile, 'utf8') : '';
    };
    try {
      expect(await spooled('line 3')).toBe('line 1 loaded with [REDACTED]\nline 2 loaded with [REDACTED]\nline 3 loaded with [REDACTED]\n');
      // The prompt has no line end: it follows after a short pause.
      expect(await spooled('input:')).toMatch(/line 3 loaded with \[REDACTED\]\nwaiting for input: $/);
      expect(settled, 'the command still runs').toBe(false);
    } finally {
      stop.abort();
    }
    const result = await running;
    expect(result.signal).toBe('SIGTERM');
    expect(fs.readFileSync(spoolFile, 'utf8')).not.toContain(secret);
  });

  it('runs a request that brings another redactor here, redacted by that one', async () => {
    const other = 'Other-Secret-Value-99';
    const result = await run({ argv: [script('print-around.mjs'), '10', other, '2000'], cwd: scriptsDir, timeoutMs: 30_000, redact: createRedactor([other]) });
    expect(result).toMatchObject({ exitCode: 0, redacted: true });
    expect(result.output).not.toContain(other);
    expect(result.output).toMatch(/\[REDACT/);
  });

  it('slows a command that prints faster than this process takes its output in, rather than fill the host\'s memory', async () => {
    const marker = path.join(tempDir(), 'done');
    const started: number[] = [];
    const running = run({ argv: [script('print-then-mark.sh'), String(64_000_000), marker], cwd: scriptsDir, timeoutMs: 60_000, onStart: (pid) => started.push(pid), onOutput: () => {} });
    while (started.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // This process takes nothing in for 2 s, its event loop held up as a busy bot's can be.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000);
    expect(fs.existsSync(marker), 'the command waits for its output to be taken in').toBe(false);
    const result = await running;
    expect(result.outputBytes).toBe(64_000_000);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('its host ignores the terminal\'s and the service manager\'s signals, and goes when the bot is killed', async () => {
    // One process (node with tsx's loader, not the tsx command, which would run the script in a child of its own).
    const tsxLoader = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const parent = execa(process.execPath, ['--import', tsxLoader, path.join(projectRoot, 'test', 'fixtures', 'threads', 'command-host-parent.ts')], { timeout: 60_000, reject: false });
    let hostPid = 0;
    parent.stdout?.on('data', (chunk: Buffer) => (hostPid ||= Number(chunk.toString().trim())));
    while (!hostPid) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.kill(hostPid, signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processAlive(hostPid), 'a Ctrl-C or a stop of the whole group leaves the stopping to the bot').toBe(true);
    parent.kill('SIGKILL');
    await parent;
    const deadline = Date.now() + 5_000;
    while (processAlive(hostPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processAlive(hostPid), 'no host is left behind by a bot that died').toBe(false);
  });

  it('when the bot is killed, its host reads its commands\' output on into their spool files until they end, then goes', async () => {
    const spoolFile = path.join(tempDir(), 'outputs', 'dbx-1', '1-load.log');
    const tsxLoader = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const parent = execa(process.execPath, ['--import', tsxLoader, path.join(projectRoot, 'test', 'fixtures', 'threads', 'command-host-orphan.ts'), spoolFile, secret], { timeout: 60_000, reject: false });
    let commandPid = 0;
    parent.stdout?.on('data', (chunk: Buffer) => (commandPid ||= Number(chunk.toString().trim())));
    const spooled = () => (fs.existsSync(spoolFile) ? fs.readFileSync(spoolFile, 'utf8') : '');
    const lastLine = () => Number(/line (\d+) loaded with \[REDACTED\]\n$/.exec(spooled())?.[1] ?? 0);
    const waitFor = async (done: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    try {
      await waitFor(() => commandPid > 0 && lastLine() >= 2);
      const hostPid = Number(fs.readFileSync(`/proc/${commandPid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      parent.kill('SIGKILL');
      const ended = await Promise.race([parent.then(() => true), new Promise((resolve) => setTimeout(resolve, 20_000, false))]);
      expect(ended, 'the killed bot\'s output ends with it: the host, running on, does not hold it open').toBe(true);
      const atKill = lastLine();
      expect(atKill).toBeGreaterThanOrEqual(2);
      await waitFor(() => lastLine() >= atKill + 10);
      expect(lastLine(), 'the command prints on, and its output still reaches the spool file').toBeGreaterThanOrEqual(atKill + 10);
      expect(processAlive(commandPid)).toBe(true);
      expect(processAlive(hostPid), 'the host stays while its command runs').toBe(true);
      // The bot's next start stops what it left running (restart-pickup.ts): its host goes once the command has ended.
      process.kill(-commandPid, 'SIGTERM');
      await waitFor(() => !processAlive(hostPid));
      expect(processAlive(hostPid), 'no host is left behind once its commands have ended').toBe(false);
      const lines = spooled().trimEnd().split('\n');
      expect(lines, 'every line, in order, none lost').toEqual(lines.map((_, at) => `line ${at + 1} loaded with [REDACTED]`));
    } finally {
      parent.kill('SIGKILL');
      if (commandPid && processAlive(commandPid)) process.kill(-commandPid, 'SIGKILL');
    }
  });

  it('starts commands in the environment as it is now, not as it was when the host started', async () => {
    const print = () => run({ argv: [process.execPath, '-e', 'process.stdout.write(process.env.DATABOX_LATE_VARIABLE ?? "unset")'], cwd: scriptsDir, timeoutMs: 10_000 });
    expect((await print()).output).toBe('unset');
    process.env.DATABOX_LATE_VARIABLE = 'set later';
    try {
      expect((await print()).output).toBe('set later');
    } finally {
      delete process.env.DATABOX_LATE_VARIABLE;
    }
  });

  it('starts its commands at the niceness it was given: they inherit the host’s', async () => {
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

  it('kills what is still running when its host is stopped, and starts a new host for the next command', async () => {
    const runner = offThreadRunner(botRedactor, [secret]);
    const pidFile = path.join(tempDir(), 'stopped.pid');
    const running = runner({ argv: [script('spawn-tree.mjs'), pidFile], cwd: scriptsDir, timeoutMs: 60_000 });
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') await new Promise((resolve) => setTimeout(resolve, 20));
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await runner.stopHost();
    await expect(running).rejects.toThrow(/^the command host stopped \(exit code 0\); the command it was running \(.*spawn-tree\.mjs\) was stopped$/);
    const deadline = Date.now() + 5_000;
    while (processAlive(grandchild) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processAlive(grandchild)).toBe(false);
    expect((await runner({ argv: [script('exit-with.sh'), '0'], cwd: scriptsDir, timeoutMs: 10_000 })).exitCode).toBe(0);
    await runner.stopHost();
  });

  it('starts a daemon from its host, in this process\'s environment as it is now, and leaves it running when the host stops', async () => {
    const runner = offThreadRunner(botRedactor, [secret]);
    const logFile = path.join(tempDir(), 'daemon.log');
    const daemon = "process.stdout.write(JSON.stringify({ ppid: process.ppid, marker: process.env.DATABOX_DAEMON_MARKER, slack: process.env.SLACK_BOT_TOKEN ?? null }) + '\\n'); setInterval(() => {}, 1000);";
    let pid: number | undefined;
    try {
      runner.startHost();
      process.env.DATABOX_DAEMON_MARKER = 'set-after-the-host-started';
      process.env.SLACK_BOT_TOKEN = 'xoxb-daemon-test-token';
      const started = await runner.startDetached({ argv: [process.execPath, '-e', daemon], cwd: scriptsDir, logFile, settleMs: 500 });
      pid = started.pid;
      expect(started).toMatchObject({ alive: true, exitCode: null });
      // Its line is read from the log once written: on a loaded machine a Node daemon may take longer than the settle to print it.
      const said = JSON.parse(await firstLineOf(logFile)) as { ppid: number; marker?: string; slack: string | null };
      expect(said.ppid, 'forked by the host, not by this process').not.toBe(process.pid);
      expect(fs.readFileSync(`/proc/${said.ppid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1], 'its parent is the host, this process\'s child').toBe(String(process.pid));
      expect(said.marker).toBe('set-after-the-host-started');
      expect(said.slack, 'no Slack credentials').toBeNull();
      await runner.stopHost();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(processAlive(pid as number), 'the daemon outlives the host').toBe(true);
    } finally {
      delete process.env.DATABOX_DAEMON_MARKER;
      delete process.env.SLACK_BOT_TOKEN;
      if (pid) process.kill(pid, 'SIGKILL');
      await runner.stopHost();
    }
  });
});
