// The journal an answer of "not known" read, named, and said to be empty when it is: a mistyped DATABOX_STATE_DIR reads as an empty journal.
import fs from 'node:fs';

/** Whether the journal has no line: a state dir nothing was recorded in yet (new, or not the bot's). */
export function journalEmpty(file: string): boolean {
  try {
    return fs.statSync(file).size === 0;
  } catch {
    return true;
  }
}

/** "the journal /var/lib/databox/journal.jsonl", with what its emptiness means when it has no line. */
export function journalNamed(file: string): string {
  return journalEmpty(file) ? `the journal ${file}, which is empty (nothing was recorded in this state dir before: is DATABOX_STATE_DIR the one the bot uses?)` : `the journal ${file}`;
}
