// Other processes holding a lock on a file, from Linux's /proc/locks: a DuckDB opened read-only elsewhere (a notebook,
// a BI tool) holds a shared lock the bot's own read-only probe goes through, while every writer is refused. Only the
// bot's own PID namespace is listed there (Linux 4.9 and later): a holder in another container is not seen.
import fs from 'node:fs';

export interface LockHolder {
  /** 0 for an open-file-description lock, which /proc/locks shows with no PID (-1). */
  pid: number;
  access: 'read' | 'write';
  /** Its command line as /proc shows it, cut short; empty when it cannot be read. */
  command: string;
}

/** major:minor of a device number as /proc/locks prints it (hex), from stat's st_dev (glibc's encoding). */
function deviceOf(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

function commandOf(pid: number): string {
  try {
    const words = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return words.length > 120 ? `${words.slice(0, 119)}…` : words;
  } catch {
    return '';
  }
}

/** Whether `pid` has `realPath` open, read from its /proc/<pid>/fd links; undefined when they cannot be read. */
function holdsOpen(pid: number, realPath: string): boolean | undefined {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === realPath;
      } catch {
        return false;
      }
    });
  } catch {
    return undefined;
  }
}

/**
 * Every lock another process holds on `filePath` (not this process's own), or an empty list when there is none or
 * /proc/locks cannot be read (not Linux). A lock on the same inode is the file's when the device matches too, or, where
 * a file system shows the device differently (overlayfs), when the holder has the file open.
 */
export function otherLockHolders(filePath: string, procLocks = '/proc/locks'): LockHolder[] {
  let text: string;
  let realPath: string;
  let stat: fs.BigIntStats;
  try {
    text = fs.readFileSync(procLocks, 'utf8');
    realPath = fs.realpathSync(filePath);
    stat = fs.statSync(realPath, { bigint: true });
  } catch {
    return [];
  }
  const device = deviceOf(stat.dev);
  const holders = new Map<string, LockHolder>();
  for (const line of text.split('\n')) {
    // "1: POSIX  ADVISORY  READ 3989 fe:00:260072 0 EOF"; a waiter's line has "->" and holds nothing.
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || fields[1] === '->') continue;
    const [, , , access, pidText, where] = fields as [string, string, string, string, string, string];
    const at = where.lastIndexOf(':');
    if (BigInt(/^\d+$/.test(where.slice(at + 1)) ? where.slice(at + 1) : '-1') !== stat.ino) continue;
    const pid = Number(pidText);
    if (pid === process.pid) continue;
    // Inode numbers repeat across file systems: without the device, only a holder seen with the file open is the file's.
    if (where.slice(0, at) !== device && (pid <= 0 || holdsOpen(pid, realPath) !== true)) continue;
    const holder: LockHolder = { pid: Math.max(pid, 0), access: access === 'WRITE' ? 'write' : 'read', command: pid > 0 ? commandOf(pid) : '' };
    holders.set(`${holder.pid}:${holder.access}`, holder);
  }
  return [...holders.values()];
}
