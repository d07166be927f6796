// Damage a person looked at and accepted (`journal repair`): nothing is rewritten. The acceptance, itself a chained line,
// names the first bad line and pins every byte before it with a digest, so the journal verifies again from there on.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { genesisHash, seqGuess, verifyChain, type JournalRecord, type LinesProgress, type VerifyResult } from './record.js';
import { lossRecordedAt } from './torn-tail.js';
import { endCutRecordedAt } from './end-cut.js';
import { movedLines, outOfOrderWords, type OutOfOrder } from './out-of-order.js';

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
  /** The acceptance's own line, when it was written, and who accepted. */
  acceptedAt: number;
  acceptedOn: string;
  by: string | null;
  /** The lines of it that cannot be verified (see judgeStretch): the rest of the stretch checks out line by line. */
  unverifiedLines: number[];
  /** Those of them sound on their own whose link to the line before cannot be checked, that line failing on its own. */
  unchecked: UncheckedLine[];
  /** Lines after a gap in the numbers: lines were lost before each (what they held is gone, nothing to mark). */
  lostBefore: number[];
  /** Of those, the records journaled at start of lines cut from the end (end-cut.ts): lost from its end, then appended past. */
  lostFromEndBefore: number[];
  /** Where the lines go back in the numbers, all of them there: moved or swapped, not lost (both lines marked). */
  outOfOrder: OutOfOrder[];
}

/** A line that verifies on its own after one that does not: what links it to the chain cannot be checked. */
export interface UncheckedLine {
  line: number;
  follows: number;
  /** The line before names no hash that can be read (not JSON, or cut short), rather than one this line does not link to. */
  unreadable: boolean;
}

/** "line 12 cannot be checked: it follows unreadable line 11" */
export function uncheckedWords({ line, follows, unreadable }: UncheckedLine): string {
  return `line ${line} cannot be checked: ${unreadable ? `it follows unreadable line ${follows}` : `it does not link to line ${follows}, which fails on its own`}`;
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
function staleReason(lines: readonly string[], acceptance: { at: number; record: JournalRecord<DamageAcceptance> }): { words: string; changedAt?: number } {
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
  const words = `an acceptance of it at line ${acceptance.at} (by ${acceptance.record.actor ?? 'someone'}) does not match the bytes before it${where}`;
  return { words, ...(first >= 0 ? { changedAt: first + 1 } : {}) };
}

/** A line as a record that verifies on its own (its form, its hash, its bytes), whatever comes before it. */
function soundAlone(line: string): JournalRecord | undefined {
  const one = verifyChain([line], 0, {});
  return one.problem ? undefined : one.records[0];
}

/**
 * The line before the one being checked, as far as the next can be linked to it: its line, its number (a line that
 * fails on its own takes the number after the line before it: its own may be the damage), and its hash, which for a
 * line that fails on its own is the one its bytes still name (the hash it was written with, when only its content was
 * edited or garbled), none when that does not read; and the last line up to it whose hash reads, sound or not.
 */
interface Before {
  line: number;
  seq: number;
  hash?: string;
  sound: boolean;
  lastRead?: { hash: string; seq: number };
}

const genesisBefore: Before = { line: 0, seq: 0, hash: genesisHash, sound: true, lastRead: { hash: genesisHash, seq: 0 } };

/** What the line at `index` (`record` if it is sound on its own) leaves for the next to link to, given the one before it. */
function beforeNext(line: string, index: number, previous: Before, record: JournalRecord | undefined): Before {
  if (record) return { line: index + 1, seq: record.seq, hash: record.hash, sound: true, lastRead: { hash: record.hash, seq: record.seq } };
  const hash = namedHash(line);
  const seq = previous.seq + 1;
  return { line: index + 1, seq, hash, sound: false, lastRead: hash === undefined ? previous.lastRead : { hash, seq } };
}

/** The same, for the line at `index` after lines that verified (the line before a stretch, or the first bad line). */
function beforeAt(lines: readonly string[], index: number): Before {
  if (index < 0) return genesisBefore;
  const line = lines[index] as string;
  if (index === 0) return beforeNext(line, 0, genesisBefore, soundAlone(line));
  const previous = soundAlone(lines[index - 1] as string);
  const lastRead = previous ? { hash: previous.hash, seq: previous.seq } : undefined;
  return beforeNext(line, index, { line: index, seq: previous?.seq ?? index, sound: previous !== undefined, lastRead }, soundAlone(line));
}

/** The hash a line that fails on its own still names: its `hash` field as parsed, or as its last bytes read when it does not parse. */
function namedHash(line: string): string | undefined {
  try {
    const hash = (JSON.parse(line) as { hash?: unknown } | null)?.hash;
    if (typeof hash === 'string') return hash;
  } catch {
    // Not JSON (garbled, cut short): its last field, the hash, may still read as written.
  }
  return /,"hash":"([0-9a-f]{64})"\}$/.exec(line)?.[1];
}

/**
 * What a line sound on its own links to: the line before it (by the hash it names, if it fails on its own), or, past
 * lines whose hash does not read, the last line before them whose hash does (those were put in). Undefined when neither.
 */
function linkedTo(record: JournalRecord, before: Before): { seq: number } | undefined {
  if (before.hash !== undefined && record.prev === before.hash) return before;
  return !before.sound && before.lastRead && record.prev === before.lastRead.hash ? before.lastRead : undefined;
}

/**
 * Lines after `from` that fail on their own (their hash, their form, their link to the line before): named beside the
 * first; those sound on their own that do not link to a line sound on its own (breaks: either of the two was changed);
 * and those sound on their own whose link cannot be checked, as they follow a line whose hash does not read.
 */
function furtherBadLines(
  lines: readonly string[],
  from: number,
  moved: ReturnType<typeof movedLines>,
  most = 10,
): { bad: number[]; breaks: number[]; unchecked: UncheckedLine[]; outOfOrder: OutOfOrder[] } {
  const bad: number[] = [];
  const breaks: number[] = [];
  const unchecked: UncheckedLine[] = [];
  const outOfOrder: OutOfOrder[] = [];
  // The first bad line, as far as the line after it can be linked to it.
  let before = beforeAt(lines, from - 1);
  for (let index = from; index < lines.length && bad.length + breaks.length + unchecked.length < most; index += 1) {
    const line = lines[index] as string;
    const record = soundAlone(line);
    const to = record && linkedTo(record, before);
    if (!record || (to && record.seq !== to.seq + 1)) bad.push(index + 1);
    // Linked to a line elsewhere in the journal: moved, not changed; said where the order goes back.
    else if (!to && moved(record)) {
      if (before.sound && before.line > 0 && record.seq < before.seq) outOfOrder.push({ line: index + 1, seq: record.seq, after: before.seq });
    }
    // Both sound on their own, not linked: either may be the changed one (see linkBreakWords).
    else if (!to && before.sound && before.line > 0 && record.seq === before.seq + 1) breaks.push(index + 1);
    else if (!to && before.hash !== undefined) bad.push(index + 1);
    else if (!to) unchecked.push({ line: index + 1, follows: before.line, unreadable: true });
    before = beforeNext(line, index, before, record);
  }
  return { bad, breaks, unchecked, outOfOrder };
}

/** "line 41 does not link to line 40: one of the two was changed" (each verifies on its own, so neither can be named). */
export function linkBreakWords(line: number): string {
  return `line ${line} does not link to line ${line - 1}: one of the two was changed`;
}

/**
 * Which lines of an accepted stretch (indexes `from` up to the acceptance at `to`) cannot be verified, rather than all
 * of them: a line that fails on its own, and a line the next one does not follow (its `prev` is another hash while its
 * number says it comes next or earlier: this one was changed and hashed again, or put in, or the next one's link was),
 * both marked, as either may be the changed one. A line whose number skips past the one before it
 * (and does not link to it) follows lines that were lost: neither is marked, the loss is said on its own. A line after
 * one that fails on its own links to the hash that line's bytes still name; where none reads, or it does not link to
 * it, its place in the chain cannot be checked, and it is marked too, however sound on its own. The rest verify line by
 * line, each followed by the next, and are shown as verified.
 */
function judgeStretch(
  lines: readonly string[],
  from: number,
  to: number,
  moved: ReturnType<typeof movedLines>,
): { unverified: number[]; unchecked: UncheckedLine[]; lostBefore: number[]; lostFromEndBefore: number[]; outOfOrder: OutOfOrder[] } {
  const unverified = new Set<number>();
  const unchecked: UncheckedLine[] = [];
  const lostBefore: number[] = [];
  const lostFromEndBefore: number[] = [];
  const outOfOrder: OutOfOrder[] = [];
  let before = beforeAt(lines, from - 1);
  for (let index = from; index < to; index += 1) {
    const next = soundAlone(lines[index] as string);
    const linked = next && linkedTo(next, before);
    if (!next) unverified.add(index);
    else if (linked) {
      // Linked, but numbered as no line after it is: its number was changed (and its hash made again).
      if (next.seq !== linked.seq + 1) unverified.add(index);
    } else if (moved(next)) {
      // The line it was written after is elsewhere in the journal: nothing lost, the lines moved. Where the order goes
      // back, both lines are marked: their place is not the one they were written in.
      if (before.sound && before.line > 0 && next.seq < before.seq) {
        unverified.add(index - 1);
        unverified.add(index);
        outOfOrder.push({ line: index + 1, seq: next.seq, after: before.seq });
      }
    } else if (before.hash !== undefined && next.seq > before.seq + 1) (endCutRecordedAt(lines[index] as string) ? lostFromEndBefore : lostBefore).push(index + 1);
    // Not followed: the line before it is not the one it was written after (the first line: it names no line before).
    // Either of the two may be the changed one (this one's link edited and hashed again, or the one before): both marked.
    else if (before.sound) {
      unverified.add(index);
      if (before !== genesisBefore) unverified.add(index - 1);
    }
    else {
      unverified.add(index);
      unchecked.push({ line: index + 1, follows: before.line, unreadable: before.hash === undefined });
    }
    before = beforeNext(lines[index] as string, index, before, next);
  }
  return { unverified: [...unverified].sort((a, b) => a - b).map((index) => index + 1), unchecked, lostBefore, lostFromEndBefore, outOfOrder };
}

/**
 * Records of lines that failed verification, as far as they read as records (a type, and data that is an object):
 * replayed, as a journal that fails verification is; anything else is left out, never replayed half-formed.
 */
function replayable(lines: readonly string[]): JournalRecord[] {
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

/** The records of lines `from` (an index) up to `to` as they read (see replayable), each with its line in `lineOf`. */
function readAsTheyAre(lines: readonly string[], from: number, to: number, lineOf: Map<JournalRecord, number>): JournalRecord[] {
  const read: JournalRecord[] = [];
  for (let index = from; index < to; index += 1) {
    for (const record of replayable([lines[index] as string])) {
      read.push(record);
      lineOf.set(record, index + 1);
    }
  }
  return read;
}

/**
 * Acceptances among verified records of damage no chain link shows, each pinning exactly the bytes before it: a missing
 * head file (at the line it names), or an end rewritten so the chain holds again, which only the head file told (at or
 * before the line it names: where the rewrite began cannot be told, so no line before the acceptance can be verified).
 * `taken` are the acceptances of failed links already found (their first line verified again from them).
 */
function acceptedInChain(lines: readonly string[], verified: readonly JournalRecord[], from: number, taken: ReadonlySet<number>): AcceptedDamage[] {
  return verified.flatMap((record, index) => {
    const data = record.data as unknown as DamageAcceptance;
    const at = from + index + 1;
    if (record.type !== damageAcceptedType || taken.has(at) || !Number.isSafeInteger(data.line) || data.line < 1 || data.line > at) return [];
    // A missing head is accepted at its own line, or after lines written since a writer journaled it missing (head-missing.ts).
    if (data.headMissing === true ? data.line > at : data.line === at) return [];
    if (data.digest !== digestOf(at === 1 ? '' : `${lines.slice(0, at - 1).join('\n')}\n`)) return [];
    // A missing head hides only a cut end: the lines are as the acceptance pins them, none marked. A rewritten end may
    // have begun anywhere before, so every line before is marked.
    const unverifiedLines = data.headMissing === true ? [] : Array.from({ length: at - 1 }, (_, n) => 1 + n);
    return [{ ...data, acceptedAt: at, acceptedOn: record.at, by: record.actor, unverifiedLines, unchecked: [], lostBefore: [], lostFromEndBefore: [], outOfOrder: [] }];
  });
}

/**
 * Whether the chain stopped at line `line` only because it does not link to the line before, verified in this pass
 * (`verified`, ending with it): the line itself is sound on its own, and the one before is no acceptance (where the
 * chain starts again, its link unchecked).
 */
function isBrokenLink(lines: readonly string[], line: number, verified: readonly JournalRecord[]): boolean {
  const before = verified.at(-1);
  const record = soundAlone(lines[line - 1] as string);
  return before !== undefined && before.type !== damageAcceptedType && record !== undefined && record.seq === before.seq + 1 && record.prev !== before.hash;
}

/**
 * Verifies the chain as verifyLines does, except that a stretch of bad lines followed by an acceptance of exactly
 * those bytes is taken as it is, and the chain is verified again from the acceptance on.
 */
export function verifyJournal(text: string, progress?: LinesProgress): JournalVerification {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: JournalRecord[] = [];
  const accepted: AcceptedDamage[] = [];
  const unverified = new Set<JournalRecord>();
  const lineOf = new Map<JournalRecord, number>();
  const taken = new Set<number>();
  const moved = movedLines(lines);
  let from = 0;
  let start: { prev?: string; seq?: number } = { prev: genesisHash, seq: 1 };
  const result = (problem?: JournalVerification['problem'], afterTheDamage?: JournalRecord[]): JournalVerification => {
    // In line order, whichever way each was found.
    accepted.sort((a, b) => a.acceptedAt - b.acceptedAt);
    return { records, intactCount: records.length, ...(problem ? { problem, afterTheDamage } : {}), accepted, unverified, lineCount: lines.length, lineOf };
  };
  for (;;) {
    const checked = verifyChain(lines, from, start, progress);
    // One by one: push(...records) passes each as an argument, and past about 125,000 lines that overflows the stack.
    checked.records.forEach((record, index) => {
      records.push(record);
      lineOf.set(record, from + index + 1);
    });
    for (const damage of acceptedInChain(lines, checked.records, from, taken)) {
      accepted.push(damage);
      const marked = new Set(damage.unverifiedLines);
      for (const record of records) if (marked.has(lineOf.get(record) ?? 0)) unverified.add(record);
    }
    if (!checked.problem) return result();
    const found = checked.problem.line;
    let acceptance = acceptanceOf(lines, found);
    // A line sound on its own that does not link to the verified line before it: the break is between the two, and
    // either may be the changed one, so the failure is the pair, from the line before on (unless accepted as it was).
    const pair = (!acceptance || acceptance.stale) && isBrokenLink(lines, found, checked.records);
    if (pair) {
      const dropped = records.pop();
      if (dropped) lineOf.delete(dropped);
      acceptance = acceptanceOf(lines, found - 1) ?? acceptance;
    }
    const problemLine = pair ? found - 1 : found;
    if (!acceptance || acceptance.stale) {
      const more = furtherBadLines(lines, found, moved);
      const endCut = pair ? undefined : endCutRecordedAt(lines[found - 1] as string);
      const lost = lossRecordedAt(lines[found - 1] as string) ?? endCut;
      const first = pair ? linkBreakWords(found) : checked.problem.reason;
      // What the journal itself recorded of a cut comes first, the check's finding after it, without its guess.
      const reason = lost ? `as the record at this line says, ${lost} (the check found: ${first.replace(seqGuess, '')})` : first;
      const stale = acceptance ? staleReason(lines, acceptance) : undefined;
      const why = stale ? `${reason}; ${stale.words}` : reason;
      // The new damage is where the journal now differs from the copy kept when the old one was accepted: named first.
      const changedSince = stale?.changedAt !== undefined && acceptance ? { changedSince: { line: stale.changedAt, acceptedAt: acceptance.at } } : {};
      const further = more.bad.length > 0 ? `; further lines that fail on their own: ${more.bad.join(', ')}` : '';
      const breaks = more.breaks.map((line) => `; ${linkBreakWords(line)}`).join('');
      const unchecked = more.unchecked.map((line) => `; ${uncheckedWords(line)}`).join('');
      const reordered = more.outOfOrder.length > 0 ? `; ${outOfOrderWords(more.outOfOrder)}` : '';
      // The lines from the bad one on, read here once as they are, for whoever shows them (the postmortem) to mark.
      const past = readAsTheyAre(lines, problemLine - 1, lines.length, lineOf);
      return result({ line: problemLine, reason: `${why}${further}${breaks}${unchecked}${reordered}`, ...(endCut ? { endCut: true } : {}), ...changedSince }, past);
    }
    const judged = judgeStretch(lines, problemLine - 1, acceptance.at - 1, moved);
    const marked = new Set(judged.unverified);
    // The line before the stretch, verified as far as its own link goes, may be the one the first bad line does not follow.
    const before = records.at(-1);
    if (before && marked.has(problemLine - 1) && lineOf.get(before) === problemLine - 1) unverified.add(before);
    for (const record of readAsTheyAre(lines, problemLine - 1, acceptance.at - 1, lineOf)) {
      records.push(record);
      if (marked.has(lineOf.get(record) as number)) unverified.add(record);
    }
    // Each acceptance is a step forward: one that is the bad line itself is verified as the first of what follows.
    const { record } = acceptance;
    accepted.push({ ...record.data, acceptedAt: acceptance.at, acceptedOn: record.at, by: record.actor, unverifiedLines: judged.unverified, unchecked: judged.unchecked, lostBefore: judged.lostBefore, lostFromEndBefore: judged.lostFromEndBefore, outOfOrder: judged.outOfOrder });
    taken.add(acceptance.at);
    from = acceptance.at - 1;
    start = {};
  }
}
