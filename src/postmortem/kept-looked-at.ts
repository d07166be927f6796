// Whether a file a plan kept is still there, looked at only where that plan's checkout is: DATABOX_ROOT names it here.
import fs from 'node:fs';
import { knownGone } from '../disk/known-gone.js';
import type { Run } from '../incidents/state.js';
import type { KeptNow } from './kept-on-disk.js';

/** The folder itself, links resolved, when it is here; else as written (a checkout on another machine). */
function sameFolderAs(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/**
 * How a postmortem written with `checkoutHere` (DATABOX_ROOT as set where it is written; undefined when it is not set)
 * says each kept file. A path absent here proves nothing of the host the plan ran on (a state dir copied to a laptop
 * names files still on the production host), so a file is looked at only where its run's checkout is DATABOX_ROOT; a
 * run recorded without its checkout (journals from before) is taken to be that of DATABOX_ROOT when it is set.
 */
export function keptLookedAt(checkoutHere: string | undefined): (file: string, run: Run) => KeptNow {
  const here = checkoutHere === undefined ? undefined : sameFolderAs(checkoutHere);
  return (file, run) => {
    if (here === undefined) return { unchecked: 'DATABOX_ROOT is not set where this was written' };
    if (!isFolder(here)) return { unchecked: `DATABOX_ROOT names no folder where this was written (${checkoutHere})` };
    if (run.root !== undefined && sameFolderAs(run.root) !== here) {
      return { unchecked: `its plan ran in ${run.root}; DATABOX_ROOT is ${checkoutHere} where this was written` };
    }
    return knownGone(file) ? 'gone' : 'there';
  };
}
