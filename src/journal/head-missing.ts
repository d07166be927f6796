// A journal with lines and no head file, found by a process that writes to it: journaled once, so the failure names the
// line where it was first found, which stays put while lines are appended after it.
import { damageAcceptedType } from './accepted-damage.js';
import type { JournalRecord } from './record.js';

export const headMissingType = 'journal.head-missing';

/**
 * The data of the record: how many lines the journal had when its head was found missing, the last one's hash, and
 * whether a directory stood at the head's path (no head can be written there either).
 */
export function headMissingData(lines: number, lastHash: string | undefined, directory = false): Record<string, unknown> {
  return { lines, ...(lastHash ? { lastHash } : {}), ...(directory ? { directory: true } : {}) };
}

/** Whether the record says a directory stood at the head's path when it was found. */
export function foundDirectory(record: JournalRecord): boolean {
  return (record.data as { directory?: unknown }).directory === true;
}

/** Whether a record settles a missing head: its acceptance by `journal repair`, after which a new finding is journaled anew. */
export function acceptsMissingHead(record: JournalRecord): boolean {
  return record.type === damageAcceptedType && (record.data as { headMissing?: unknown }).headMissing === true;
}

/** The record of the head found missing since the last acceptance of a missing head, if one was journaled. */
export function missingHeadFound(records: readonly JournalRecord[]): JournalRecord | undefined {
  let found: JournalRecord | undefined;
  for (const record of records) {
    if (acceptsMissingHead(record)) found = undefined;
    else if (record.type === headMissingType) found ??= record;
  }
  return found;
}
