// Damage a person looked at and accepted (`journal repair`): nothing is rewritten. The acceptance, itself a chained line,
// names the first bad line and pins every byte before it with a digest, so the journal verifies again from there on.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { genesisHash, verifyChain, type JournalRecord, type VerifyResult } from './record.js';
import { lossRecordedAt } from './torn-tail.js';

export const damageAcceptedType = 'journal.damage-accepted';

export interface DamageAcceptance {
  /** The first line that failed verification, and why. */
  line: number;
  reason: string;
  /** SHA-256 of the journal's bytes before the acceptance's own line: exactly what was looked at and accepted. */
  digest: string;
  /** Where the journal was copied, as it was, before it was accepted. */
  copy: string;
  /** What was accepted is a journal with no head file: lines cut from its end before this line could not be told. */
  headMissing?: boolean;
}

export interface AcceptedDamage extends DamageAcceptance {
  /** The acceptance's own line, and who accepted. */
  acceptedAt: number;
  by: string | null;
  /** The lines of it that cannot be verified (see judgeStretch): the rest of the stretch checks out line by line. */
  unverifiedLines: number[];
  /** Lines after a gap in the numbers: lines were lost before each (what they held is gone, nothing to mark). */
  lostBefore: number[];
}

export interface JournalVerification extends VerifyResult {
  accepted: AcceptedDamage[];
  /** Records of accepted lines that cannot be verified (AcceptedDamage.unverifiedLines): shown as they read, marked. */
  unverified: Set<JournalRecord>;
}

export function digestOf(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The acceptance of the damage at line `bad`: that line itself (a gap before it: lines lost from the end, then this)
 * or one after it, whose digest is of everything before it.
 */
function acceptanceOf(lines: readonly string[], bad: number): { at: number; record: JournalRecord<DamageAcceptance>; stale?: boolean } | undefined {
  let stale: { at: number; record: JournalRecord<DamageAcceptance>; stale: true } | undefined;
  for (let index = bad - 1; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (!line.includes(damageAcceptedType)) continue;
    let record: JournalRecord<DamageAcceptance>;
    try {
      record = JSON.parse(line) as JournalRecord<DamageAcceptance>;
    } catch {
      continue;
    }
    if (record?.type !== damageAcceptedType || record.data?.line !== bad) continue;
    if (record.data.digest === digestOf(index === 0 ? '' : `${lines.slice(0, index).join('\n')}\n`)) return { at: index + 1, record };
    stale ??= { at: index + 1, record, stale: true };
  }
  return stale;
}

/**
 * Why an acceptance does not hold: the bytes before it are not those it pins (changed since). The copy kept when it
 * was made says where, so the person looks at the new change, not again at the damage they accepted.
 */
function staleReason(lines: readonly string[], acceptance: { at: number; record: JournalRecord<DamageAcceptance> }): string {
  const { copy } = acceptance.record.data;
  let kept: string[] | undefined;
  try {
    // A path the journal names, read only when it is a plain file of a journal's size: never a FIFO or a device.
    const stat = fs.lstatSync(copy);
    kept = stat.isFile() && stat.size <= 1024 ** 3 ? fs.readFileSync(copy, 'utf8').split('\n') : undefined;
  } catch {
    kept = undefined;
  }
  const first = kept ? lines.slice(0, acceptance.at - 1).findIndex((line, i) => line !== kept?.[i]) : -1;
  const where = first >= 0 ? `: line ${first + 1} differs from the copy it names (${copy})` : kept ? '' : ` (the copy it names, ${copy}, cannot be read to say where)`;
  // Neutral on purpose: it may be a real acceptance of bytes changed since, or a line someone wrote to look like one.
  return `an acceptance of it at line ${acceptance.at} (by ${acceptance.record.actor ?? 'someone'}) does not match the bytes before it${where}`;
}

/** Lines after `from` that fail on their own (their hash, their form, their link to the line before): named beside the first. */
function furtherBadLines(lines: readonly string[], from: number, most = 10): number[] {
  const bad: number[] = [];
  let previous: JournalRecord | undefined;
  for (let index = from; index < lines.length && bad.length < most; index += 1) {
    // One line at a time, against the one before it when that one was sound.
    const one = verifyChain([lines[index] as string], 0, previous ? { prev: previous.hash, seq: previous.seq + 1 } : {});
    if (one.problem) bad.push(index + 1);
    previous = one.problem ? undefined : one.records[0];
  }
  return bad;
}

/** A line as a record that verifies on its own (its form, its hash, its bytes), whatever comes before it. */
function soundAlone(line: string): JournalRecord | undefined {
  const one = verifyChain([line], 0, {});
  return one.problem ? undefined : one.records[0];
}

/**
 * Which lines of an accepted stretch (indexes `from` up to the acceptance at `to`) cannot be verified, rather than all
 * of them: a line that fails on its own, and a line the next one does not follow (its `prev` is another hash while its
 * number says it comes next or earlier: this one was changed and hashed again, or put in), which may be the line just
 * before the stretch, the first bad line being the one that noticed. A line whose number skips past the one before it
 * (and does not link to it) follows lines that were lost: neither is marked, the loss is said on its own. The rest
 * verify line by line, each followed by the next, and are shown as verified.
 */
function judgeStretch(lines: readonly string[], from: number, to: number): { unverified: number[]; lostBefore: number[] } {
  const unverified = new Set<number>();
  const lostBefore: number[] = [];
  const genesis = { hash: genesisHash, seq: 0 };
  let line: Pick<JournalRecord, 'hash' | 'seq'> | undefined = from === 0 ? genesis : soundAlone(lines[from - 1] as string);
  for (let index = from; index < to; index += 1) {
    const next = soundAlone(lines[index] as string);
    if (!next) unverified.add(index);
    else if (line && next.prev === line.hash) {
      // Linked, but numbered as no line after it is: its number was changed (and its hash made again).
      if (next.seq !== line.seq + 1) unverified.add(index);
    } else if (line && next.seq > line.seq + 1) lostBefore.push(index + 1);
    // Not followed: the line before it is not the one it was written after (the first line: it names no line before).
    else if (line) unverified.add(line === genesis ? index : index - 1);
    line = next;
  }
  return { unverified: [...unverified].sort((a, b) => a - b).map((index) => index + 1), lostBefore };
}

/**
 * Records of lines that failed verification, as far as they read as records (a type, and data that is an object):
 * replayed, as a journal that fails verification is; anything else is left out, never replayed half-formed.
 */
export function replayable(lines: readonly string[]): JournalRecord[] {
  return lines.flatMap((line) => {
    if (!line.trim()) return [];
    try {
      const record = JSON.parse(line) as JournalRecord;
      const whole = typeof record === 'object' && record !== null && !Array.isArray(record) && typeof record.type === 'string';
      return whole && typeof record.data === 'object' && record.data !== null && !Array.isArray(record.data) ? [record] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Acceptances of a missing head file among verified records: no line failed (the head's absence is no chain problem),
 * so they are found by themselves, each at the line it names and pinning exactly the bytes before it.
 */
function acceptedMissingHeads(lines: readonly string[], verified: readonly JournalRecord[], from: number): AcceptedDamage[] {
  return verified.flatMap((record, index) => {
    const data = record.data as unknown as DamageAcceptance;
    const at = from + index + 1;
    if (record.type !== damageAcceptedType || data.headMissing !== true || data.line !== at) return [];
    if (data.digest !== digestOf(at === 1 ? '' : `${lines.slice(0, at - 1).join('\n')}\n`)) return [];
    return [{ ...data, acceptedAt: at, by: record.actor, unverifiedLines: [], lostBefore: [] }];
  });
}

/**
 * Verifies the chain as verifyLines does, except that a stretch of bad lines followed by an acceptance of exactly
 * those bytes is taken as it is, and the chain is verified again from the acceptance on.
 */
export function verifyJournal(text: string): JournalVerification {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: JournalRecord[] = [];
  const accepted: AcceptedDamage[] = [];
  const unverified = new Set<JournalRecord>();
  const lineOf = new Map<JournalRecord, number>();
  let from = 0;
  let start: { prev?: string; seq?: number } = { prev: genesisHash, seq: 1 };
  for (;;) {
    const checked = verifyChain(lines, from, start);
    records.push(...checked.records);
    checked.records.forEach((record, index) => lineOf.set(record, from + index + 1));
    if (!checked.problem) {
      accepted.push(...acceptedMissingHeads(lines, checked.records, from));
      return { records, intactCount: records.length, accepted, unverified, lineCount: lines.length, lineOf };
    }
    const acceptance = acceptanceOf(lines, checked.problem.line);
    if (!acceptance || acceptance.stale) {
      const more = furtherBadLines(lines, checked.problem.line);
      const lost = lossRecordedAt(lines[checked.problem.line - 1] as string);
      const reason = lost ? `${checked.problem.reason}; as the record at this line says, ${lost}` : checked.problem.reason;
      const why = acceptance ? `${reason}; ${staleReason(lines, acceptance)}` : reason;
      const problem = { line: checked.problem.line, reason: more.length > 0 ? `${why}; further lines that fail on their own: ${more.join(', ')}` : why };
      return { records, intactCount: records.length, problem, accepted, unverified, lineCount: lines.length, lineOf };
    }
    const judged = judgeStretch(lines, checked.problem.line - 1, acceptance.at - 1);
    const marked = new Set(judged.unverified);
    // The line before the stretch, verified as far as its own link goes, may be the one the first bad line does not follow.
    const before = records.at(-1);
    if (before && marked.has(checked.problem.line - 1) && lineOf.get(before) === checked.problem.line - 1) unverified.add(before);
    for (let index = checked.problem.line - 1; index < acceptance.at - 1; index += 1) {
      for (const record of replayable([lines[index] as string])) {
        records.push(record);
        if (marked.has(index + 1)) unverified.add(record);
        lineOf.set(record, index + 1);
      }
    }
    // Each acceptance is a step forward: one that is the bad line itself is verified as the first of what follows.
    accepted.push({ ...acceptance.record.data, acceptedAt: acceptance.at, by: acceptance.record.actor, unverifiedLines: judged.unverified, lostBefore: judged.lostBefore });
    from = acceptance.at - 1;
    start = {};
  }
}
