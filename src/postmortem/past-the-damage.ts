// A journal that fails verification, not repaired yet: its lines from the bad one on are read as they are, each marked unverified.
import type { JournalVerification } from '../journal/accepted-damage.js';
import type { JournalRecord } from '../journal/record.js';
import { journalRepairCommand } from '../commands/paste-able.js';

/** The lines read past the damage: from the first bad line to the journal's last line. */
export interface PastTheDamage {
  from: number;
  to: number;
  /** The journal's end was rewritten and hashed again at or before `from`: no line before it is proven either. */
  rewritten?: boolean;
  /** The lines accepted unverified by a `journal repair` before the damage: said accepted, not read past it. */
  acceptedUnverified: ReadonlySet<JournalRecord>;
}

/**
 * The verification with every line from its first bad one on (read once, by the verification itself) replayed as it
 * reads (as `journal repair` would keep them) and marked unverified, so an incident recorded after the damage still has
 * its postmortem, none of it passed off as verified: lines that link up among themselves may have been rewritten and
 * hashed again together. Where the head file shows the end was rewritten, no line before is proven either: every line
 * is marked. A cut end, or a missing head no writer has journaled yet, leaves no line past the damage to read.
 */
export function withLinesPastTheDamage(verify: JournalVerification): JournalVerification & { pastTheDamage?: PastTheDamage } {
  const problem = verify.problem;
  const lineCount = verify.lineCount ?? verify.records.length;
  if (!problem || problem.line > lineCount) return verify;
  const unverified = new Set(verify.unverified);
  if (problem.rewritten) for (const record of verify.records) unverified.add(record);
  const past = verify.afterTheDamage ?? [];
  for (const record of past) unverified.add(record);
  const pastTheDamage = { from: problem.line, to: lineCount, ...(problem.rewritten ? { rewritten: true } : {}), acceptedUnverified: verify.unverified };
  return { ...verify, records: [...verify.records, ...past], unverified, pastTheDamage };
}

/** What the terminal and the upload's comment say of a postmortem built from a journal that fails verification. */
export function damageWords(problem: { line: number }, lineCount: number): string {
  const rest = problem.line <= lineCount ? `; lines ${problem.line}–${lineCount} are shown as they read, each marked unverified, until \`${journalRepairCommand}\` accepts the damage` : '; the postmortem stops there';
  return `the journal failed verification at line ${problem.line}${rest}`;
}
