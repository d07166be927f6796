// Creates a folder and the folders above it that are missing, one level at a time, so a refusal is the system's own:
// Node's recursive mkdir reports a read-only file system (EROFS) as ENOENT, "no such file or directory".
import fs from 'node:fs';
import path from 'node:path';

export function makeFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(folder); !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      // Made meanwhile by another process: what was asked for is there.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
