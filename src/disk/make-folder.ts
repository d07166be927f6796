// `mkdir -p`, one level at a time, so a refusal is the system's own: Node's recursive mkdir reports a read-only file
// system (EROFS) as ENOENT, and never returns under /proc or /sys (mkdir there says ENOENT, its parent EEXIST, forever).
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
      // Made meanwhile by another process (the bot and a terminal starting together): made is made. A file put there
      // meanwhile is not a folder, and is refused.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(level).isDirectory()) throw error;
    }
  }
}
