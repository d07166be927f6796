// A journal file gone while its head names records (moved away, deleted): said, and never replaced by a new journal.
import fs from 'node:fs';
import { headFile, readHead } from './head.js';

/** The code of the error a write meets when the journal is gone and its head names records: kept until it is back. */
export const journalMissingCode = 'EJOURNALMISSING';

/**
 * Why there is no journal to read or write at `file` although its head names records, and what to do; undefined when
 * the file is there, or no head names a record (a state dir where nothing was recorded yet). A new journal created in
 * its place would read as every record cut from the end, and the moved one, put back, as damaged.
 */
export function journalMissingWords(file: string): string | undefined {
  if (fs.existsSync(file)) return undefined;
  const head = readHead(file);
  if (!head || head.seq === 0) return undefined;
  const headPath = headFile(file);
  return (
    `the journal ${file} is missing but its head ${headPath} names record ${head.seq}: put it back ` +
    `(it was moved or deleted; nothing creates a new journal beside a head that names records, which would hide them). ` +
    `If it is lost for good, move the head aside too (\`mv ${headPath} ${headPath}.lost\`): a new journal then begins`
  );
}

/** The error a write meets instead of creating the journal: a storage error, so the event is kept until the file is back. */
export function journalMissingError(words: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(words), { code: journalMissingCode, path: file });
}
