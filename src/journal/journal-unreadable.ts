// A journal path that holds no journal this process can read (a directory, a file it may not read): said in one sentence.
import fs from 'node:fs';
import { UserError } from '../errors.js';
import { journalMissingWords } from './journal-missing.js';
import { headFile } from './head.js';

/** The journal's path holds something that cannot be read as the journal: every front end refuses with this message. */
export class JournalUnreadable extends UserError {}

/**
 * Throws a JournalUnreadable when `file` is there but cannot be read as the journal: a directory, something other than a
 * file (a FIFO would hold the read forever), or a file this process may not open. Nothing there is an empty journal,
 * unless its head names records: then it was moved or deleted, and is said missing.
 */
export function requireReadableJournal(file: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw cannotOpen(file, error, undefined);
  }
  if (!stat) {
    const missing = journalMissingWords(file);
    if (missing) throw new JournalUnreadable(missing);
    requireReadableHead(file);
    return;
  }
  if (stat.isDirectory()) {
    throw new JournalUnreadable(`the journal ${file} is a directory, not a file, so there is no journal to read there: put the journal file back in its place (or set DATABOX_STATE_DIR to the bot's state dir)`);
  }
  if (!stat.isFile()) {
    throw new JournalUnreadable(`the journal ${file} is not a regular file (a FIFO, a socket or a device), so there is no journal to read there: put the journal file back in its place`);
  }
  try {
    fs.closeSync(fs.openSync(file, 'r'));
  } catch (error) {
    throw cannotOpen(file, error, stat);
  }
  requireReadableHead(file);
}

/**
 * Throws a JournalUnreadable when the journal's head file is there but this process may not read it: the journal
 * could not be checked against it, and a writer could not keep it (it replaces only a head it can read), so its lines
 * would go unanchored without a word. A head that is not there, or a directory, is said by the verification itself.
 */
function requireReadableHead(file: string): void {
  const head = headFile(file);
  try {
    fs.closeSync(fs.openSync(head, 'r'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return;
    throw new JournalUnreadable(
      `the journal's head file ${head} cannot be read by uid ${process.getuid?.() ?? '?'}${modeAndOwnerOf(head)}, so the journal cannot be checked against it, ` +
        `nor lines written to it without it: run this as the user the bot runs as, or give this user read access to it`,
    );
  }
}

/** " (mode 0600, owned by uid 0)", or nothing when the file cannot be looked at. */
function modeAndOwnerOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return ` (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owned by uid ${stat.uid})`;
  } catch {
    return '';
  }
}

function cannotOpen(file: string, error: unknown, stat: fs.Stats | undefined): JournalUnreadable {
  const { code, message } = error as NodeJS.ErrnoException;
  const uid = process.getuid?.() ?? '?';
  if (code === 'EACCES' || code === 'EPERM') {
    const owner = stat ? ` (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owned by uid ${stat.uid})` : '';
    return new JournalUnreadable(
      `the journal ${file} cannot be read by uid ${uid}${owner}: run this as the user the bot runs as, or give this user read access to it and its folder`,
    );
  }
  return new JournalUnreadable(`the journal ${file} cannot be read (${message.split('\n')[0]}; this process runs as uid ${uid})`);
}
