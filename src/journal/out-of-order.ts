// Lines that are all in the journal but not in the order written (two swapped, one moved): said as such, not as lines lost.
import { genesisHash, verifyChain, type JournalRecord } from './record.js';

/** A line holding record `seq` right after the line holding the later record `after`: both there, out of order. */
export interface OutOfOrder {
  line: number;
  seq: number;
  after: number;
}

/** "lines 61 and 62 are there but out of order (seq 62 before 61)", one clause for each place the order goes back. */
export function outOfOrderWords(found: readonly OutOfOrder[]): string {
  return found.map(({ line, seq, after }) => `lines ${line - 1} and ${line} are there but out of order (seq ${after} before ${seq})`).join('; ');
}

interface Present {
  seq: number;
  /** How many lines hold it: a line copied in is no line moved. */
  copies: number;
}

/**
 * Where a line that does not follow the line before it was written after, when that line is in the journal elsewhere
 * (or it is the first record): its own line is there once and its link checks out, so nothing between was lost, only
 * moved. Built once per journal, on first use: only a damaged journal asks.
 */
export function movedLines(lines: readonly string[]): (record: JournalRecord) => { seq: number } | undefined {
  let present: Map<string, Present> | undefined;
  const build = (): Map<string, Present> => {
    const byHash = new Map<string, Present>();
    for (const line of lines) {
      const checked = verifyChain([line], 0, {});
      const record = checked.problem ? undefined : checked.records[0];
      if (!record) continue;
      const known = byHash.get(record.hash);
      byHash.set(record.hash, { seq: record.seq, copies: (known?.copies ?? 0) + 1 });
    }
    return byHash;
  };
  return (record) => {
    present ??= build();
    if ((present.get(record.hash)?.copies ?? 0) !== 1) return undefined;
    if (record.prev === genesisHash) return record.seq === 1 ? { seq: 0 } : undefined;
    const before = present.get(record.prev);
    return before && before.copies === 1 && before.seq === record.seq - 1 ? before : undefined;
  };
}
