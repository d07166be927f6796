// A last line cut short is either a write that never finished (never acknowledged, harmless) or, when the head says it
// was written, an acknowledged event cut afterwards: one the bot acted on and told Slack of is lost, which is damage.
import type { JournalHead } from './head.js';
import { genesisHash, verifyChain, type JournalRecord, type VerifyResult } from './record.js';

/** The event of a torn last line that the head says was written, as far as what is left of it says. */
export interface AcknowledgedTorn {
  /** Its line in the file, and its sequence number (read from it, else the one after the line before). */
  line: number;
  seq: number;
  type?: string;
  incident?: string;
  /** Records written after it that were cut with it (the head, or the process the file was cut under, knew of them). */
  alsoLost?: { from: number; to: number };
}

/**
 * The torn last line's event when the head names it (or a later line) as written: the head is written only once a line
 * is on disk, so such a line was acknowledged whole and was cut since. Undefined for a write that never finished.
 */
export function acknowledgedTorn(journal: Buffer, start: number, head: JournalHead | undefined): AcknowledgedTorn | undefined {
  if (!head) return undefined;
  const torn = journal.subarray(start).toString('utf8');
  let line = 1;
  for (let at = journal.indexOf(0x0a); at !== -1 && at < start; at = journal.indexOf(0x0a, at + 1)) line += 1;
  const before = start === 0 ? undefined : journal.subarray(journal.lastIndexOf(0x0a, start - 2) + 1, start - 1).toString('utf8');
  const seq = Number(/^\{"seq":(\d+)[,}]/.exec(torn)?.[1] ?? (before === undefined ? 1 : seqOf(before) + 1));
  if (!Number.isSafeInteger(seq) || head.seq < seq) return undefined;
  // Only what was written whole: a type or an incident cut in the middle is left out rather than guessed.
  const type = /"type":"([^"\\]*)"/.exec(torn)?.[1];
  const incident = incidentOfTorn(torn);
  return { line, seq, ...(type ? { type } : {}), ...(incident ? { incident } : {}) };
}

/** The incident a torn line names, when that much of it was written whole. */
export function incidentOfTorn(torn: string): string | undefined {
  return /"incident":"(dbx-[0-9]{8}-[0-9a-f]+)"/.exec(torn)?.[1];
}

function seqOf(line: string): number {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** What happened, in words for the log, the thread, the terminal and the journal's own record of it. */
export function acknowledgedTornWords(torn: AcknowledgedTorn): string {
  const what = torn.type ? `${torn.type}${torn.incident ? ` of ${torn.incident}` : ''}` : torn.incident ? `an event of ${torn.incident}` : 'its event cannot be read';
  const more = torn.alsoLost;
  const after = !more ? '' : more.from === more.to ? `; 1 more line written after it (record ${more.from}) was cut from the journal's end with it` : `; ${more.to - more.from + 1} more lines written after it (records ${more.from}–${more.to}) were cut from the journal's end with it`;
  return (
    `the journal's last line, line ${torn.line} (${what}), was written and acknowledged (its head file says so) and is now cut short: ` +
    `an acknowledged event is lost (the file was cut or damaged after it was written; not a crash while writing it)${after}`
  );
}

/**
 * What a `journal.repaired` line says of an acknowledged event it found lost: the line after the gap it leaves, so the
 * failure there says why rather than only that a number is skipped. Undefined for any other line, or one edited since.
 */
export function lossRecordedAt(line: string): string | undefined {
  const own = verifyChain([line], 0, {});
  const record = own.records[0] as JournalRecord<{ reason?: unknown; acknowledged?: unknown }> | undefined;
  if (own.problem || record?.type !== 'journal.repaired' || typeof record.data.acknowledged !== 'object') return undefined;
  return typeof record.data.reason === 'string' ? record.data.reason : undefined;
}

/**
 * A failure at a torn last line not set aside yet (`journal verify` reads, it does not repair) that the head says was
 * written: the reason says an acknowledged event is lost, naming it, rather than only that the line is not JSON.
 */
export function withAcknowledgedTorn<R extends VerifyResult>(result: R, text: string, head: JournalHead | undefined): R {
  const problem = result.problem;
  if (!problem || text === '' || text.endsWith('\n')) return result;
  const bytes = Buffer.from(text);
  const torn = acknowledgedTorn(bytes, bytes.lastIndexOf(0x0a) + 1, head);
  if (!torn || torn.line !== problem.line) return result;
  return { ...result, problem: { ...problem, reason: `${problem.reason}; ${acknowledgedTornWords(torn)}` } };
}

/**
 * Whether the last line (from byte `start`, no newline after it) is a whole record chained to the line before it (or
 * the first line): then it was written in full but for its newline, and is no torn line.
 */
export function completeLine(text: Buffer, start: number): boolean {
  let link: { prev: string; seq: number } | undefined = { prev: genesisHash, seq: 1 };
  if (start > 0) {
    const before = text.subarray(text.lastIndexOf(0x0a, start - 2) + 1, start - 1).toString('utf8');
    try {
      const previous = JSON.parse(before) as JournalRecord;
      link = typeof previous?.hash === 'string' && typeof previous.seq === 'number' ? { prev: previous.hash, seq: previous.seq + 1 } : undefined;
    } catch {
      link = undefined;
    }
  }
  return link !== undefined && !verifyChain([text.subarray(start).toString('utf8')], 0, link).problem;
}

/** A last line cut short while it was written and never acknowledged, still in the file: no damage, set aside by the next writer. */
export interface UnacknowledgedTorn {
  /** Its line in the file. */
  line: number;
  bytes: number;
}

/**
 * The journal's last line when a write cut it short and nobody was told it was done (the head names an earlier line):
 * what only reads the journal verifies the lines before it and says this of it, as a writer sets it aside. Undefined
 * for a whole last line (one lacking only its newline included), an acknowledged one cut since (damage), or no head.
 */
export function unacknowledgedTornTail(journal: Buffer, head: JournalHead | undefined): UnacknowledgedTorn | undefined {
  if (!head || journal.length === 0 || journal.at(-1) === 0x0a) return undefined;
  const start = journal.lastIndexOf(0x0a) + 1;
  if (completeLine(journal, start) || acknowledgedTorn(journal, start, head)) return undefined;
  let line = 1;
  for (let at = journal.indexOf(0x0a); at !== -1 && at < start; at = journal.indexOf(0x0a, at + 1)) line += 1;
  return { line, bytes: journal.length - start };
}

/** What `journal verify`, the postmortem and `status` say of it. */
export function unacknowledgedTornWords(torn: UnacknowledgedTorn): string {
  return (
    `the journal's last line, line ${torn.line}, was cut short (a crash or a full disk while it was written) and never acknowledged: ` +
    'no event is lost and there is nothing to accept; the next write sets it aside'
  );
}
