// What identifies the journal and its head file on disk (device, inode, size, modification and change times): a look
// that finds both as they were at the last verification is answered by it, without reading the whole journal again.
import fs from 'node:fs';
import { headFile } from './head.js';

/**
 * How long after a file last changed its identity is trusted: a change within the file system's timestamp granularity
 * of the last one, keeping the size, could leave every part of it the same (git's "racily clean" files).
 */
export const settledMs = 1_000;

/** The journal's identity and its head's, as a verification saw them. */
export interface FilesIdentity {
  journal: string;
  head: string;
}

/** A file's identity from its stat (bigint: nanosecond times), or 'none' when there is no file. */
export function identityOfStat(stat: fs.BigIntStats | undefined): string {
  return stat ? `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : 'none';
}

/** The identity of the file open at `fd`: taken straight after this process's own write, what it wrote and nothing since. */
export function identityOfOpen(fd: number): string {
  return identityOfStat(fs.fstatSync(fd, { bigint: true }));
}

function identityOf(file: string): { said: string; changedMs: number } {
  const stat = fs.statSync(file, { throwIfNoEntry: false, bigint: true });
  if (!stat) return { said: 'none', changedMs: 0 };
  return { said: identityOfStat(stat), changedMs: Number(stat.ctimeMs > stat.mtimeMs ? stat.ctimeMs : stat.mtimeMs) };
}

/** The journal's and its head's identity as they are now, settled or not: what a look compares with a trusted one. */
export function currentIdentity(journalFile: string): FilesIdentity {
  return { journal: identityOf(journalFile).said, head: identityOf(headFile(journalFile)).said };
}

/**
 * The journal's and its head's identity, taken before they are read, or undefined when either changed too recently (at
 * `now`) to be told apart from a change to come. Taken first, a change made during the read makes the next look differ.
 */
export function verifiedIdentity(journalFile: string, now: Date): FilesIdentity | undefined {
  const journal = identityOf(journalFile);
  const head = identityOf(headFile(journalFile));
  if (now.getTime() - Math.max(journal.changedMs, head.changedMs) < settledMs) return undefined;
  return { journal: journal.said, head: head.said };
}
