// The bot's lock on its state dir (src/instance-lock.ts): one holder, refused while it lives, taken over once it is gone
// (by its PID here, by its lease elsewhere), renewed, and won by exactly one of several processes starting at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InstanceLock, InstanceLockHeld, instanceLockName, type InstanceHolder } from '../../src/instance-lock.js';
import { identityOf } from '../../src/process/identity.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('instance-lock-');
const taken: InstanceLock[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const lock of taken.splice(0)) lock.release();
});

function lockOn(dir: string, options: ConstructorParameters<typeof InstanceLock>[1] = {}): InstanceLock {
  const lock = new InstanceLock(dir, options);
  taken.push(lock);
  return lock;
}

const holderOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, instanceLockName), 'utf8')) as InstanceHolder;

/** A lock as another bot would have left it, its file last touched `ageMs` ago. */
function plantLock(dir: string, holder: Partial<InstanceHolder>, ageMs = 0): void {
  const file = path.join(dir, instanceLockName);
  fs.writeFileSync(file, JSON.stringify({ since: '2026-05-01T10:00:00.000Z', nonce: 'planted', ...holder }));
  const at = new Date(Date.now() - ageMs);
  fs.utimesSync(file, at, at);
}

describe('InstanceLock', () => {
  it('names its bot in the file, and refuses a second bot on the state dir naming the first, the state dir and what to do', () => {
    const dir = tempDir();
    lockOn(dir).take();
    expect(holderOf(dir)).toMatchObject({ pid: process.pid, host: os.hostname(), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const since = holderOf(dir).since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    const second = lockOn(dir);
    expect(() => second.take()).toThrow(InstanceLockHeld);
    expect(() => second.take()).toThrow(
      new RegExp(
        `^another databox-bot already runs on DATABOX_STATE_DIR ${escapeRegExp(dir)}: PID ${process.pid} on host ${escapeRegExp(os.hostname())}, running since ${since} ` +
          `\\(its lock ${escapeRegExp(path.join(dir, instanceLockName))} was renewed \\d+ ms ago\\)\\. .*stop that bot first, or give this one a DATABOX_STATE_DIR of its own$`,
      ),
    );
    expect(fs.readdirSync(dir), 'no file of the refused attempt is left').toEqual([instanceLockName]);
  });

  it('is removed when released, and can then be taken by the next bot', () => {
    const dir = tempDir();
    const first = lockOn(dir);
    first.take();
    first.release();
    expect(fs.existsSync(path.join(dir, instanceLockName))).toBe(false);
    expect(() => lockOn(dir).take()).not.toThrow();
  });

  it('takes over the lock of a bot on this host that is gone, saying so', async () => {
    const dir = tempDir();
    const gone = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const holder = { ...identityOf(gone.pid as number), pidNamespace: fs.readlinkSync('/proc/self/ns/pid') };
    gone.kill('SIGKILL');
    await gone.catch(() => undefined);
    plantLock(dir, holder);
    const said: string[] = [];
    lockOn(dir, { onTakeOver: (_holder, why) => said.push(why) }).take();
    expect(holderOf(dir).pid).toBe(process.pid);
    expect(said).toEqual([`the bot that held it (PID ${gone.pid} on host ${os.hostname()}, running since 2026-05-01 10:00:00 UTC) is no longer running`]);
  });

  it('judges a lock from another host by its lease: refused while renewed, taken over once well past it', () => {
    const dir = tempDir();
    plantLock(dir, { pid: 1, host: 'databox-bot-old' }, 20_000);
    expect(() => lockOn(dir).take()).toThrow(
      new RegExp(
        '^another databox-bot may still run on .*: PID 1 on host databox-bot-old, running since 2026-05-01 10:00:00 UTC \\(its lock .* was renewed 2\\d\\.\\d s ago\\), ' +
          `and it cannot be checked from here: it runs on another host or in another container \\(databox-bot-old; this is ${escapeRegExp(os.hostname())}\\)\\. ` +
          '.*If it was killed, its lock is taken over once not renewed for 60 s: start this one again in (39|40|41) s$',
      ),
    );
    plantLock(dir, { pid: 1, host: 'databox-bot-old' }, 125_000);
    const said: string[] = [];
    lockOn(dir, { onTakeOver: (_holder, why) => said.push(why) }).take();
    expect(holderOf(dir).pid).toBe(process.pid);
    expect(said).toEqual([
      'the lock of the bot that held it (PID 1 on host databox-bot-old, running since 2026-05-01 10:00:00 UTC) has not been renewed for 2 min 5 s (a running bot renews it every 10.0 s)',
    ]);
  });

  it('says to start again in 1 s, not in 0 or fewer, when the lease it was refused for ran out as the refusal was worded', () => {
    const dir = tempDir();
    const now = Date.now();
    plantLock(dir, { pid: 1, host: 'databox-bot-old' }, 59_500);
    // Judged 59.5 s old, still held; worded 2 s later, when it is past the 60 s (a slow moment, or a clock that jumped).
    let looks = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now + (looks++ === 0 ? 0 : 2_000));
    expect(() => lockOn(dir).take()).toThrow(/start this one again in 1 s$/);
  });

  it('judges a lock from the same host name in another PID namespace (a second container) by its lease, not by a PID of ours', () => {
    const dir = tempDir();
    // PID 1 is alive here whatever it is; in the other container it is that container's bot.
    plantLock(dir, { ...identityOf(), pid: 1, start: '1', pidNamespace: 'pid:[1]' }, 5_000);
    expect(() => lockOn(dir).take()).toThrow(InstanceLockHeld);
    // Not said to run (its PID cannot be looked at), nor left to wait without end: when it can be started again.
    expect(() => lockOn(dir).take()).toThrow(
      new RegExp(
        `^another databox-bot may still run on DATABOX_STATE_DIR ${escapeRegExp(dir)}: PID 1 on host ${escapeRegExp(os.hostname())}, running since 2026-05-01 10:00:00 UTC ` +
          `\\(its lock ${escapeRegExp(path.join(dir, instanceLockName))} was renewed \\d\\.\\d s ago\\), and it cannot be checked from here: it runs in another PID namespace under ` +
          'the same host name: another container, or this one before it was restarted \\(after docker kill or running out of memory\\)\\. Two bots on one state dir would both ' +
          'answer and both watch: if it runs, stop it first, or give this one a DATABOX_STATE_DIR of its own\\. If it was killed, its lock is taken over once not renewed for 60 s: ' +
          'start this one again in (54|55|56) s$',
      ),
    );
  });

  it('leaves alone the lock of a bot that took over the same stale lock a moment sooner, and is refused by it', () => {
    const dir = tempDir();
    plantLock(dir, { pid: 1, host: 'gone-host' }, 120_000);
    const write = fs.writeFileSync;
    let quicker = false;
    vi.spyOn(fs, 'writeFileSync').mockImplementation((file, ...rest) => {
      // Between this bot's look at the stale lock and its break, the quicker one broke it and linked its own.
      if (String(file).endsWith('.break') && !quicker) {
        quicker = true;
        fs.rmSync(path.join(dir, instanceLockName));
        plantLock(dir, { pid: 2, host: 'quicker-host' });
      }
      write(file, ...rest);
    });
    expect(() => lockOn(dir).take()).toThrow(/^another databox-bot may still run on .*: PID 2 on host quicker-host/);
    expect(holderOf(dir).host).toBe('quicker-host');
  });

  it('renews its lease, puts back a lock removed by hand, and stops renewing once another bot holds it', () => {
    const dir = tempDir();
    const file = path.join(dir, instanceLockName);
    const lost: (InstanceHolder | undefined)[] = [];
    const lock = lockOn(dir, { onLost: (holder) => lost.push(holder) });
    lock.take();
    const old = new Date(Date.now() - 30_000);
    fs.utimesSync(file, old, old);
    lock.renew();
    expect(Date.now() - fs.statSync(file).mtimeMs).toBeLessThan(5_000);
    fs.rmSync(file);
    lock.renew();
    expect(holderOf(dir).pid).toBe(process.pid);
    plantLock(dir, { pid: 4242, host: 'elsewhere' });
    lock.renew();
    expect(lost.map((holder) => holder?.host)).toEqual(['elsewhere']);
    lock.release();
    expect(holderOf(dir).host, "the other bot's lock stays").toBe('elsewhere');
  });

  // A bot process up to the take: it says when it is ready, and takes the lock at the time it is then given, to the
  // microsecond (a spin on a wall clock finer than Date.now's), holding what it got for a moment before it says.
  const racer = `
    const { InstanceLock } = await import(${JSON.stringify(path.join(projectRoot, 'dist', 'src', 'instance-lock.js'))});
    const lock = new InstanceLock(process.argv[1]);
    process.stdout.write('ready\\n');
    process.stdin.once('data', (at) => {
      process.stdin.destroy();
      while (performance.timeOrigin + performance.now() < Number(at)) {}
      let result = 'won';
      try { lock.take(); } catch (error) { result = error.name; }
      setTimeout(() => process.stdout.write(result), 300);
    });
  `;

  /** Two processes (the machine's two cores) that take the lock at the same moment: what each got. */
  async function race(dir: string): Promise<string[]> {
    const racers = [0, 1].map(() => execa(process.execPath, ['--input-type=module', '-e', racer, dir], { stdin: 'pipe', buffer: true }));
    const ready = racers.map((child) => new Promise<void>((resolve) => child.stdout?.once('data', () => resolve())));
    await Promise.all(ready);
    const at = performance.timeOrigin + performance.now() + 100;
    for (const child of racers) child.stdin?.write(`${at}\n`);
    return (await Promise.all(racers)).map((result) => String(result.stdout).replace('ready\n', '').trim());
  }

  // A lock made by a look and then a write is won by both racers about every other time: a few rounds show it.
  it.each([
    ['an empty state dir', false],
    ['a lock left by a bot that is gone', true],
  ])('is won by exactly one of two processes taking it at the same moment: %s', async (_name, planted) => {
    for (let round = 0; round < 4; round += 1) {
      const dir = tempDir();
      if (planted) plantLock(dir, { pid: 1, host: 'gone-host' }, 120_000);
      expect((await race(dir)).sort(), `round ${round + 1}`).toEqual(['InstanceLockHeld', 'won']);
      // The winner released its lock as it exited.
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  });
});
