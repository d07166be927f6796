// What the journal's lock and the bot's instance lock share: reading a lock file as it is, and breaking exactly the stale one.
import fs from 'node:fs';

/** A lock file's bytes, inode and modification time when it was judged, so that exact lock (and no newer one) is removed. */
export interface LockFileSeen {
  raw: string;
  ino: number;
  mtimeMs: number;
}

/** The break file guards the moment a stale lock is removed; one older than this was left by a crash in that moment. */
const breakStaleMs = 5_000;

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Removes a file that may already be gone (fs.rmSync with force takes an lstat and a check of its own first). */
export function removeIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The lock file as it is now, or undefined when there is none. */
export function readLockFile(file: string): LockFileSeen | undefined {
  try {
    const stat = fs.statSync(file);
    return { raw: fs.readFileSync(file, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a stale lock, but only the very lock judged stale: breakers take turns through a break file (O_EXCL), and each
 * checks under it that the lock is still the same file with the same bytes. Two processes that judged it stale at once
 * cannot remove a lock the quicker one has taken meanwhile. False when another breaker holds the turn.
 */
export function breakStale(file: string, seen: LockFileSeen): boolean {
  const breaker = `${file}.break`;
  try {
    fs.writeFileSync(breaker, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > breakStaleMs) removeIfThere(breaker);
    } catch (statError) {
      if (errorCode(statError) !== 'ENOENT') throw statError;
    }
    return false;
  }
  try {
    const now = readLockFile(file);
    if (now && now.ino === seen.ino && now.raw === seen.raw) removeIfThere(file);
    return true;
  } finally {
    removeIfThere(breaker);
  }
}
