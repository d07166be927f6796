// A file as a plan or a diagnosis found it (size, write time, inode, change time), and how it differs now: a file replaced or rewritten since is told apart.
import fs from 'node:fs';
import { formatBytes } from './volume-usage.js';
import { minuteUtc } from '../timestamps.js';

/** A regular file as it was found (a backup's size and age are what its approver judges it by). */
export interface FileAsPlanned {
  bytes: number;
  modifiedAt: string;
  /** The inode and its change time, which a copy made with its times kept (cp -p, rsync -a, touch -r) cannot keep. */
  inode?: number;
  changedAt?: string;
  /**
   * A file the stack may write meanwhile (a database that opened at diagnosis, which Dagster's loads keep writing): only
   * another file in its place (another inode), or none, counts as a change; its size and times moving do not.
   */
  writtenMeanwhile?: true;
}

/** What was at a path: a regular file, or nothing at all. */
export type FileSeen = FileAsPlanned | { absent: true };

/**
 * What is at `file` now: a regular file, `absent`, or undefined for anything else (a directory), which is not pinned.
 * A database with a write-ahead log beside it keeps no change time: every probe that finds the log damaged opens the
 * file through a hard link (duckdb/probe.ts), which moves it; its inode, size and write time still tell another file.
 */
export function fileAt(file: string): FileSeen | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { absent: true } : undefined;
  }
  if (!stat.isFile()) return undefined;
  const changedAt = fs.existsSync(`${file}.wal`) ? {} : { changedAt: stat.ctime.toISOString() };
  return { bytes: stat.size, modifiedAt: stat.mtime.toISOString(), inode: stat.ino, ...changedAt };
}

/** The file at `file` now, when it is a regular file. */
export function regularFileAt(file: string): FileAsPlanned | undefined {
  const seen = fileAt(file);
  return seen && !('absent' in seen) ? seen : undefined;
}

/**
 * Whether two names are the same file: the same device and inode, through any symbolic link, `..` or hard link (a
 * hard link is another name, not another file). False when either cannot be looked at.
 */
export function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Its size and age, as a plan shows them. */
export const shownFile = (file: FileAsPlanned) => `${formatBytes(file.bytes)}, last written ${minuteUtc(file.modifiedAt)}`;

/** To the byte and the second: two files a refusal tells apart may round to the same size and minute. */
const exactly = (file: FileSeen) => ('absent' in file ? 'not there' : `${file.bytes} bytes, last written ${file.modifiedAt.slice(0, 19).replace('T', ' ')} UTC`);

/** "it was …; it is … now" when what is at the path now is not what was found, or undefined when it is the same. */
export function fileChange(was: FileSeen, now: FileSeen | undefined): string | undefined {
  const how = howChanged(was, now);
  return how ? `it was ${exactly(was)}; it is ${how} now` : undefined;
}

function howChanged(was: FileSeen, now: FileSeen | undefined): string | undefined {
  if (!now) return 'no longer a regular file';
  if ('absent' in was || 'absent' in now) return 'absent' in was && 'absent' in now ? undefined : 'absent' in now ? 'gone' : exactly(now);
  if (was.writtenMeanwhile) return was.inode !== undefined && now.inode !== was.inode ? `another file (${exactly(now)}) put in its place` : undefined;
  if (now.bytes !== was.bytes || now.modifiedAt !== was.modifiedAt) return exactly(now);
  if (was.inode !== undefined && now.inode !== was.inode) return 'another file with the same size and time (a copy that kept its times)';
  if (was.changedAt !== undefined && now.changedAt !== undefined && now.changedAt !== was.changedAt) {
    return 'the same size and time, but its change time (ctime) moved since (a rewrite that kept its times, or only its mode, links or name)';
  }
  return undefined;
}
