// Why this process may not reach a file, said with what an operator changes: a loop of links, or a mode and an owner.
import fs from 'node:fs';
import path from 'node:path';

const uid = () => process.getuid?.() ?? '?';

/** `target`'s mode and owner, as ls -l's numbers would say them. */
function modeAndOwner(target: string): string {
  const stat = fs.statSync(target);
  return `mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${stat.uid}, group gid ${stat.gid}`;
}

/**
 * Why `file` cannot be looked at or read, from the error that said so (ELOOP, EACCES), or undefined for any other.
 * EACCES names the first folder on the way this process may not search, or else the file and its mode and owner.
 */
export function accessProblem(file: string, error: NodeJS.ErrnoException): string | undefined {
  if (error.code === 'ELOOP') {
    return `${file} is a symbolic link that leads round to itself (ELOOP: a loop of symbolic links), so no file is behind it: point the link, or DATABOX_DATABASE_PATH, at the database file`;
  }
  if (error.code !== 'EACCES') return undefined;
  const absolute = path.resolve(file);
  const folders = absolute.split(path.sep).slice(1, -1).map((_, index, parts) => path.sep + parts.slice(0, index + 1).join(path.sep));
  for (const folder of ['/', ...folders]) {
    try {
      fs.accessSync(folder, fs.constants.X_OK);
    } catch {
      try {
        return `${file} cannot be reached by this process (uid ${uid()}): EACCES on the folder ${folder} (${modeAndOwner(folder)}), which it may not search: give the bot's user access (chmod, chown, or its group)`;
      } catch {
        break;
      }
    }
  }
  try {
    return `${file} cannot be read by this process (uid ${uid()}): EACCES (${modeAndOwner(absolute)}): give the bot's user read access (chmod, chown, or its group)`;
  } catch {
    return undefined;
  }
}
