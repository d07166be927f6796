// Why the runbooks folder cannot be listed, said as what to change (DATABOX_RUNBOOKS_DIR), not as the system's error text.

const fix = 'set it to the folder of runbook files, or unset it to use the bundled runbooks/';

/** The line for a runbooks folder `dir` whose listing failed with `error`. */
export function runbooksFolderUnreadable(dir: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `there is no folder ${dir} (DATABOX_RUNBOOKS_DIR): ${fix}`;
    case 'ENOTDIR':
      return `${dir} is a file, not a folder (DATABOX_RUNBOOKS_DIR): ${fix}`;
    case 'EACCES':
    case 'EPERM':
      return `the folder ${dir} (DATABOX_RUNBOOKS_DIR) may not be read by this user (uid ${process.getuid?.() ?? '?'}): give it read access to the folder (chmod, chown, or its group), or ${fix}`;
    default:
      // Rare (ELOOP, EIO): the code is all there is to say.
      return `the folder ${dir} (DATABOX_RUNBOOKS_DIR) cannot be read (${error.code ?? error.message}): ${fix}`;
  }
}
