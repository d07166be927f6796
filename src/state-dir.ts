// The state dir (DATABOX_STATE_DIR) made ready at start: created when missing, and refused at once when this process may never write to it.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.js';
import { makeFolder } from './disk/make-folder.js';

/** What the error codes a newcomer meets here mean, in words (a read-only volume is not a typo in the path). */
const codeSaid: Record<string, string> = {
  ENOENT: 'ENOENT: a folder on the way cannot hold new folders',
  EROFS: 'EROFS: a read-only file system',
  EACCES: 'EACCES: permission denied',
  ENOTDIR: 'ENOTDIR: a part of the path is a file',
};

/** A symbolic link at `dir` to nothing (a volume not mounted): said as such, where mkdir would say only EEXIST. */
function danglingLink(dir: string): string | undefined {
  try {
    if (!fs.lstatSync(dir).isSymbolicLink() || fs.existsSync(dir)) return undefined;
    return `it is a symbolic link to ${fs.readlinkSync(dir)}, which does not exist (a volume not mounted?)`;
  } catch {
    return undefined;
  }
}

/**
 * A full disk is not refused here: it may empty, and the bot keeps diagnosing meanwhile (see the journal). A folder
 * this process has no right to write to (another user's bind mount, a read-only volume) never will be: the bot would
 * run refusing every change, so it does not start. Returns whether it created the folder: a new, empty state dir, which
 * a mistyped DATABOX_STATE_DIR makes too.
 */
export function prepareStateDir(dir: string): { created: boolean } {
  try {
    const created = !fs.existsSync(dir);
    makeFolder(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    return { created };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const said = danglingLink(dir) ?? (code ? (codeSaid[code] ?? code) : message);
    throw new ConfigError(
      `invalid configuration: DATABOX_STATE_DIR ${dir} cannot be created or written (${said}; this process runs as uid ${process.getuid?.() ?? '?'}): the journal, the steps' outputs and the postmortems are kept there`,
    );
  }
}
