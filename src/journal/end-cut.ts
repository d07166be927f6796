// Lines cut from the journal's end, found by a process that starts on it: journaled before anything is appended past the
// cut, so the gap it leaves reads as lines lost from the end, not as a line removed in the middle.
import { verifyChain, type JournalRecord } from './record.js';
import type { JournalHead } from './head.js';

export const endCutType = 'journal.end-cut';

export interface EndCut {
  /** The journal's last record left (its sequence number), and the last one its head says was written. */
  lastSeq: number;
  headSeq: number;
  headHash: string;
  lost: number;
  reason: string;
}

/** What the journal holds of a cut found at start: its last record left, and the head that says more were written. */
export function endCutOf(lastSeq: number, head: JournalHead): EndCut {
  const lost = head.seq - lastSeq;
  const which = lost === 1 ? `record ${head.seq}` : `records ${lastSeq + 1}–${head.seq}`;
  return {
    lastSeq,
    headSeq: head.seq,
    headHash: head.hash,
    lost,
    reason: `${lost === 1 ? '1 line was' : `${lost} lines were`} removed from the journal's end (${which}; its head file named record ${head.seq}, hash ${head.hash.slice(0, 12)}…), found by the next process to write to it, which recorded this before anything else`,
  };
}

/**
 * What a verified `journal.end-cut` line says, when `line` is one: the failure at it (numbers skipped) is then a cut
 * end appended past, and says so. Undefined for any other line, or one edited since.
 */
export function endCutRecordedAt(line: string): string | undefined {
  const own = verifyChain([line], 0, {});
  const record = own.records[0] as JournalRecord<Partial<EndCut>> | undefined;
  if (own.problem || record?.type !== endCutType) return undefined;
  return typeof record.data.reason === 'string' ? record.data.reason : undefined;
}
