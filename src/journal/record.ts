// The shape of one journal line and the hash chain that makes edits evident.
import { createHash } from 'node:crypto';

export interface JournalRecord<T = Record<string, unknown>> {
  seq: number;
  at: string;
  type: string;
  incident: string | null;
  actor: string | null;
  data: T;
  prev: string;
  hash: string;
}

export const genesisHash = '0'.repeat(64);

/** What the hash covers: the seven fields before it, in this order, as JSON.stringify writes them. */
function hashedText(record: Omit<JournalRecord, 'hash'>): string {
  const { seq, at, type, incident, actor, data, prev } = record;
  return JSON.stringify({ seq, at, type, incident, actor, data, prev });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hashRecord(record: Omit<JournalRecord, 'hash'>): string {
  return sha256(hashedText(record));
}

/** The one way a record is written: its eight fields in this order, as JSON.stringify writes them. */
function canonicalLine(record: JournalRecord): string {
  const { seq, at, type, incident, actor, data, prev, hash } = record;
  return JSON.stringify({ seq, at, type, incident, actor, data, prev, hash });
}

export function serialize(record: Omit<JournalRecord, 'hash'>): { line: string; record: JournalRecord } {
  const text = hashedText(record);
  const hash = sha256(text);
  const { seq, at, type, incident, actor, data, prev } = record;
  // The canonical line is the hashed text with the hash as its last field: built from it, not stringified again.
  return { line: `${text.slice(0, -1)},"hash":"${hash}"}\n`, record: { seq, at, type, incident, actor, data, prev, hash } };
}

export interface VerifyProblem {
  line: number;
  reason: string;
  /** The journal has lines and no head file: its end cannot be checked (see checkHead). */
  headMissing?: boolean;
  /** The head file shows the end was rewritten and hashed again: no line before it is proven, the chain holding or not. */
  rewritten?: boolean;
  /** The line is the record, journaled at start, of lines cut from the journal's end before it (end-cut.ts). */
  endCut?: boolean;
  /** The damage at `line` was accepted (at `acceptedAt`), and the journal changed since at `line` here: the new damage. */
  changedSince?: { line: number; acceptedAt: number };
}

export interface VerifyResult {
  records: JournalRecord[];
  /** Records up to (not including) the first bad line. */
  intactCount: number;
  /** The lines in the file, verified or not (line numbers are lines, not sequence numbers, where the two differ). */
  lineCount?: number;
  /** Each record's line, where lines and sequence numbers may differ (lines lost, or accepted lines that are no record). */
  lineOf?: ReadonlyMap<JournalRecord, number>;
  problem?: VerifyProblem;
  /**
   * With a problem not accepted: the records of the lines from the bad one on, as they read (read once, by the
   * verification), in line order; not among `records`, which stop before it.
   */
  afterTheDamage?: JournalRecord[];
}

/** Checks every line's hash and its link to the line before; stops at the first bad line. */
export function verifyLines(text: string): VerifyResult {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const { records, problem } = verifyChain(lines, 0, { prev: genesisHash, seq: 1 });
  return problem ? { records, intactCount: records.length, problem } : { records, intactCount: records.length };
}

/** Why a line's hash does not fit, where nothing says more (head.ts says "added" of one past the head's last record). */
export const editedWords = '(the line was edited)';

/** Told, every `linesPerProgress` lines, how many of how many a long verification has checked (a start logs it). */
export type LinesProgress = (checked: number, of: number) => void;

export const linesPerProgress = 1_000;

/** The check's guess at a skipped sequence number, said where nothing on the record explains it (accepted-damage.ts). */
export const seqGuess = ' (a line removed or inserted?)';

/**
 * Verifies `lines` from index `from` on. `start` is what the first of them must link to and be numbered: the line
 * before, or, where a person accepted the damage before it (accepted-damage.ts), nothing (undefined: taken as it is).
 */
export function verifyChain(lines: readonly string[], from: number, start: { prev?: string; seq?: number }, progress?: LinesProgress): { records: JournalRecord[]; problem?: VerifyProblem } {
  const records: JournalRecord[] = [];
  let prev = start.prev;
  let seq = start.seq;
  for (let index = from; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const fail = (reason: string) => ({ records, problem: { line: index + 1, reason } });
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      return fail('not valid JSON');
    }
    if (typeof record !== 'object' || record === null || typeof record.hash !== 'string') return fail('not a journal record');
    if (seq !== undefined && record.seq !== seq) return fail(`sequence number ${String(record.seq)} where ${seq} was expected${seqGuess}`);
    if (prev !== undefined && record.prev !== prev) return fail('does not link to the line before it (a line removed, reordered or edited?)');
    if (hashRecord(record) !== record.hash) return fail(`its content does not match its hash ${editedWords}`);
    // The hash covers the known fields; the line must be exactly those fields as written, so nothing can be added beside them.
    if (canonicalLine(record) !== line) return fail('it is not byte for byte the line that was written (a field added, reordered or reformatted)');
    records.push(record);
    prev = record.hash;
    seq = record.seq + 1;
    if (progress && (index + 1) % linesPerProgress === 0) progress(index + 1, lines.length);
  }
  return { records };
}
