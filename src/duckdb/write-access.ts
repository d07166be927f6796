// Whether this process could write the database the way DuckDB does: the file itself, its write-ahead log if one is
// there, and the folder beside it, where DuckDB creates the log (and a recovery moves files). A file that only reads
// passes every read-only check while every run that writes fails.
import fs from 'node:fs';
import path from 'node:path';

/** Why this process may not write `target` (a folder: create or rename in it), or undefined. */
function denied(target: string): string | undefined {
  try {
    fs.accessSync(target, fs.statSync(target).isDirectory() ? fs.constants.W_OK | fs.constants.X_OK : fs.constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'denied';
    if (code === 'EROFS') return 'on a read-only file system';
    const stat = fs.statSync(target);
    // EPERM, not EACCES: not the mode or the owner, which root would pass, but an attribute (chattr +i, +a) or the like.
    const why = code === 'EPERM' ? '; the mode allows it, so most likely an immutable or append-only attribute (lsattr shows it; chattr -i clears it)' : '';
    return `${code}: mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}, owner uid ${stat.uid}${why}`;
  }
}

const who = () => `this process (uid ${process.getuid?.() ?? 'unknown'})`;

/**
 * Says why nothing can be created, moved or renamed in `folder` by this process (a read-only file system, a mode or an
 * owner), or undefined: a recovery moves files there. A folder that is not there is no such problem here.
 */
export function folderWriteProblem(folder: string): string | undefined {
  if (!fs.existsSync(folder)) return undefined;
  const problem = denied(folder);
  return problem && `the folder ${folder} cannot be written by ${who()}: ${problem}`;
}

/** Says why `file` cannot be written as DuckDB writes it, or undefined. Through a link, DuckDB writes beside its target. */
export function writeProblem(file: string): string | undefined {
  const real = fs.realpathSync(file);
  const named = real === file ? file : `${file} (a link to ${real})`;
  const onFile = denied(real);
  if (onFile) return `${named} cannot be written by ${who()}: ${onFile}`;
  const wal = `${real}.wal`;
  const onWal = fs.existsSync(wal) ? denied(wal) : undefined;
  if (onWal) return `the write-ahead log ${wal} beside ${named} cannot be written by ${who()}: ${onWal}`;
  const folder = path.dirname(real);
  const onFolder = denied(folder);
  return onFolder ? `the folder ${folder} of ${named} cannot be written by ${who()}, and DuckDB creates the write-ahead log (.wal) there: ${onFolder}` : undefined;
}
