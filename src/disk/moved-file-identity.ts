// What a move recorded of the file it moved (inode, size, write time), and why the file at its new name now is not it.
import fs from 'node:fs';

const recordedFile = /^inode (\d+), (\d+) bytes, last written (\S+)$/;

/** What to record of what was moved to `to`, in words a journal reader can read too; a directory is said so (not pinned). */
export function movedIdentity(to: string): string | undefined {
  try {
    const stat = fs.statSync(to);
    if (stat.isDirectory()) return 'a directory';
    return stat.isFile() ? `inode ${stat.ino}, ${stat.size} bytes, last written ${stat.mtime.toISOString()}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the file at `from` is not the one a recovery moved there (`recorded`, as movedIdentity said it): another file in its
 * place (another inode), or the same one written since (size, write time). Its change time is not compared: a diagnosis'
 * probe may hard-link it. Undefined when it is that file, when nothing is there (said elsewhere), or when nothing was
 * recorded to tell it by.
 */
export function notTheMovedFile(from: string, recorded: string): string | undefined {
  const was = recordedFile.exec(recorded);
  if (!was) return undefined;
  let now: fs.Stats;
  try {
    now = fs.statSync(from);
  } catch {
    return undefined;
  }
  const [, inode, bytes, modifiedAt] = was;
  const nowSaid = `inode ${now.ino}, ${now.size} bytes, last written ${now.mtime.toISOString()}`;
  if (now.isFile() && String(now.ino) === inode && String(now.size) === bytes && now.mtime.toISOString() === modifiedAt) return undefined;
  // Not told apart further: a file removed and another written under its name may get the same inode back.
  return `${from} is not what the recovery moved there: it recorded ${recorded}; it is ${now.isFile() ? nowSaid : 'not a regular file'} now`;
}
