// A journal this process may read but not write (mode 0444, another user's file, a read-only mount): said in one
// sentence naming the file, the uid it runs as, and the file's mode and owner, so the fix is plain.
import fs from 'node:fs';
import { UserError } from '../errors.js';
import { requireReadableJournal } from './journal-unreadable.js';

/** The journal cannot be written by this process: every front end refuses with this message what it would record. */
export class JournalReadOnly extends UserError {}

/** The uid this process runs as, as the messages name it. */
export function processUid(): string {
  return String(process.getuid?.() ?? '?');
}

/** " (mode 0444, owned by uid 0)": what decides who may write `file`; nothing when it cannot be looked at. */
function modeAndOwner(file: string): string {
  try {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return stat ? ` (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owned by uid ${stat.uid})` : '';
  } catch {
    return '';
  }
}

/** "uid 1000 may not write F (mode 0444, owned by uid 0)": a permission refusal of `file`, said with what decides it. */
export function permissionWords(file: string): string {
  return `uid ${processUid()} may not write ${file}${modeAndOwner(file)}`;
}

/** Whether a file-system error is this process lacking the right to write (not a full disk or a missing folder). */
function isPermissionCode(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/**
 * Why this process may not write the journal `file` ("the journal F cannot be written by uid 1000 (mode 0444, owned
 * by uid 0)"), or undefined when it may, or when there is no journal yet (the state dir's own check
 * says whether one can be created).
 */
export function journalWriteDenied(file: string): string | undefined {
  return journalWriteRefusal(file)?.said;
}

/** journalWriteDenied's sentence, with the file system's code for it (EROFS: a read-only volume, not a right missing). */
export function journalWriteRefusal(file: string): { said: string; code: string } | undefined {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!isPermissionCode(code)) return undefined;
    if (code === 'EROFS') return { code, said: `the journal ${file} cannot be written by uid ${processUid()}: it is on a read-only file system` };
    return { code: code as string, said: `the journal ${file} cannot be written by uid ${processUid()}${modeAndOwner(file)}` };
  }
}

/**
 * Throws a JournalReadOnly, `denied` followed by `advice`, when this process may not write the journal `file`; a
 * journal it may not even read is said as that first (JournalUnreadable), the more basic of the two.
 */
export function requireWritableJournal(file: string, advice: string): void {
  requireReadableJournal(file);
  const denied = journalWriteDenied(file);
  if (denied) throw new JournalReadOnly(`${denied}; ${advice}`);
}
