// Whether this process could write the database the way DuckDB does: the file itself, and the folder beside it, where
// DuckDB creates its write-ahead log. A file that only reads passes every read-only check while every run that writes fails.
import fs from 'node:fs';
import path from 'node:path';

function denied(target: string): string | undefined {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'denied';
    if (code === 'EROFS') return 'on a read-only file system';
    const stat = fs.statSync(target);
    return `${code}: mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}, owner uid ${stat.uid}`;
  }
}

/** Says why `file` (reached by this path: a link's own folder gets the .wal) cannot be written, or undefined. */
export function writeProblem(file: string): string | undefined {
  const who = `this process (uid ${process.getuid?.() ?? 'unknown'})`;
  const onFile = denied(file);
  if (onFile) return `${file} cannot be written by ${who}: ${onFile}`;
  const folder = path.dirname(file);
  const onFolder = denied(folder);
  return onFolder ? `its folder ${folder} cannot be written by ${who}, and DuckDB creates the write-ahead log (.wal) there: ${onFolder}` : undefined;
}
