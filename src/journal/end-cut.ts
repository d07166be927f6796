// Lines cut from the journal's end, found by a process that starts on it or that it was cut under: journaled before
// anything is appended past the cut, so the gap it leaves reads as lines lost from the end, not as a line removed in the
// middle.
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

/** The process that found the cut while it ran (it had written or read the lines since lost), and how many bytes went. */
export interface CutWhileRunning {
  pid: number;
  bytesLost?: number;
}

/**
 * What the journal holds of a cut: its last record left, and the last one written (as its head names it, found at
 * start; or as the process the file was cut under saw it, found before its next line).
 */
export function endCutOf(lastSeq: number, head: JournalHead, whileRunning?: CutWhileRunning): EndCut & Partial<CutWhileRunning> {
  const lost = head.seq - lastSeq;
  const which = lost === 1 ? `record ${head.seq}` : `records ${lastSeq + 1}–${head.seq}`;
  const removed = `${lost === 1 ? '1 line was' : `${lost} lines were`} removed from the journal's end`;
  const hash = `hash ${head.hash.slice(0, 12)}…`;
  const reason = whileRunning
    ? `${removed} (${which}${whileRunning.bytesLost === undefined ? '' : `, ${whileRunning.bytesLost} bytes`}) while a process writing to it ran (PID ${whileRunning.pid}; it had seen record ${head.seq}, ${hash}): the file was cut under it, and it recorded this before its next line`
    : `${removed} (${which}; its head file named record ${head.seq}, ${hash}), found by the next process to write to it, which recorded this before anything else`;
  return { lastSeq, headSeq: head.seq, headHash: head.hash, lost, reason, ...whileRunning };
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
