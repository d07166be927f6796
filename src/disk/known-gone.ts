// Whether nothing at all is at a path (not even a link to nothing): only a sure "no such file" counts.
import fs from 'node:fs';

/** True only when the path names nothing; a path that cannot be looked at (a folder it may not read) is not known gone. */
export function knownGone(file: string): boolean {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}
