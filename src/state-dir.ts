// The state dir (DATABOX_STATE_DIR) made ready at start: created when missing, and refused at once when this process may never write to it.
import fs from 'node:fs';
import { ConfigError } from './config.js';

/**
 * A full disk is not refused here: it may empty, and the bot keeps diagnosing meanwhile (see the journal). A folder
 * this process has no right to write to (another user's bind mount, a read-only volume) never will be: the bot would
 * run refusing every change, so it does not start.
 */
export function prepareStateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ConfigError(
      `invalid configuration: DATABOX_STATE_DIR ${dir} cannot be created or written (${code ?? message}; this process runs as uid ${process.getuid?.() ?? '?'}): the journal, the steps' outputs and the postmortems are kept there`,
    );
  }
}
