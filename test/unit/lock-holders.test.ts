// Tests otherLockHolders (src/duckdb/lock-holders.ts) on /proc/locks texts written here for a real file: which lines are
// that file's locks, and whose.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { otherLockHolders } from '../../src/duckdb/lock-holders.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('lock-holders-');
const readLink = (link: string) => fs.promises.readlink(link).catch(() => '');

/** A file, and /proc/locks as the kernel would print lines for it: `device` as major:minor in hex. */
function setUp(lines: (where: { device: string; inode: string }) => string[]): { file: string; locks: string } {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  fs.writeFileSync(file, 'x');
  const stat = fs.statSync(file, { bigint: true });
  const major = ((stat.dev >> 8n) & 0xfffn) | ((stat.dev >> 32n) & ~0xfffn);
  const minor = (stat.dev & 0xffn) | ((stat.dev >> 12n) & ~0xffn);
  const device = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
  const locks = path.join(dir, 'locks');
  fs.writeFileSync(locks, lines({ device, inode: String(stat.ino) }).join('\n') + '\n');
  return { file, locks };
}

describe('otherLockHolders', () => {
  it('finds another process\'s read and write locks on the file, naming its command line', () => {
    const { file, locks } = setUp(({ device, inode }) => [
      `1: POSIX  ADVISORY  READ ${process.ppid} ${device}:${inode} 0 EOF`,
      `2: POSIX  ADVISORY  WRITE ${process.ppid} ${device}:${inode} 0 EOF`,
      `3: FLOCK  ADVISORY  WRITE 77 ${device}:${Number(inode) + 1} 0 EOF`,
    ]);
    const holders = otherLockHolders(file, locks);
    expect(holders.map((h) => [h.pid, h.access])).toEqual([
      [process.ppid, 'read'],
      [process.ppid, 'write'],
    ]);
    expect(holders[0]?.command).toMatch(/node/);
  });

  it('leaves out this process\'s own locks, waiters\' lines, and the same inode on another device unless the holder has the file open', () => {
    const { file, locks } = setUp(({ device, inode }) => [
      `1: POSIX  ADVISORY  READ ${process.pid} ${device}:${inode} 0 EOF`,
      `1: -> POSIX  ADVISORY  WRITE ${process.ppid} ${device}:${inode} 0 EOF`,
      `2: POSIX  ADVISORY  READ ${process.ppid} ab:cd:${inode} 0 EOF`,
    ]);
    expect(otherLockHolders(file, locks)).toEqual([]);
  });

  it('takes a lock on the same inode shown under another device (overlayfs) when its holder has the file open', async () => {
    const { file, locks } = setUp(({ inode }) => [`1: POSIX  ADVISORY  READ PID ab:cd:${inode} 0 EOF`]);
    // A real process with the file open (as its standard input, the descriptor handed over as it is).
    const fd = fs.openSync(file, 'r');
    const child = spawn('sleep', ['30'], { stdio: [fd, 'ignore', 'ignore'] });
    fs.closeSync(fd);
    try {
      const real = fs.realpathSync(file);
      for (let i = 0; i < 200 && (await readLink(`/proc/${child.pid}/fd/0`)) !== real; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      fs.writeFileSync(locks, fs.readFileSync(locks, 'utf8').replace('PID', String(child.pid)));
      expect(otherLockHolders(file, locks)).toEqual([{ pid: child.pid, access: 'read', command: 'sleep 30' }]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('takes an open-file-description lock (no PID, shown as -1) on the file\'s own device only, and nothing when /proc/locks cannot be read', () => {
    const { file, locks } = setUp(({ device, inode }) => [`1: OFDLCK ADVISORY  READ -1 ${device}:${inode} 0 EOF`, `2: OFDLCK ADVISORY  WRITE -1 ab:cd:${inode} 0 EOF`]);
    expect(otherLockHolders(file, locks)).toEqual([{ pid: 0, access: 'read', command: '' }]);
    expect(otherLockHolders(file, path.join(path.dirname(locks), 'no-such-file'))).toEqual([]);
  });
});
