// The journal's identity right after this process's own append, made trustworthy at once by setting its modification
// time back: any later write by anyone sets it to the time of that write, which can never equal the time set here.
import fs from 'node:fs';
import { identityOfStat, settledMs } from './verified-identity.js';

/** The identity of the journal open at `fd` (bigint: nanosecond times). */
export function identityOfOpen(fd: number): string {
  return identityOfStat(fs.fstatSync(fd, { bigint: true }));
}

/**
 * The journal's identity after an append of this process, its modification time set `settledMs` back; undefined when
 * the time cannot be set (a journal owned by another user: only its owner may set its times).
 *
 * Why set back: the identity taken right after a write is "racily clean" (verified-identity.ts): a same-size edit by
 * another process within the file system's timestamp granularity of the write would keep both times. Set back by more
 * than that granularity, the modification time differs from whatever time a later write gets, and setting it again to
 * this value (touch -d) changes the change time, which nobody can set.
 */
export function identityAfterOwnWrite(fd: number): string | undefined {
  const stat = fs.fstatSync(fd);
  try {
    fs.futimesSync(fd, stat.atime, new Date(Date.now() - settledMs));
  } catch {
    return undefined;
  }
  return identityOfOpen(fd);
}
