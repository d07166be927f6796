// A journal that fails verification, not repaired yet: its lines from the bad one on are read as they are, each marked unverified.
import { replayable, type JournalVerification } from '../journal/accepted-damage.js';
import type { JournalRecord } from '../journal/record.js';
import { journalRepairCommand } from '../commands/paste-able.js';

/** The lines read past the damage: from the first bad line to the journal's last line. */
export interface PastTheDamage {
  from: number;
  to: number;
}

/**
 * The verification with every line from its first bad one on replayed as it reads (as `journal repair` would keep
 * them) and marked unverified, so an incident recorded after the damage still has its postmortem, none of it passed
 * off as verified: lines that link up among themselves may have been rewritten and hashed again together. Where the
 * head file shows the end was rewritten, no line before is proven either: every line is marked. A missing head or a
 * cut end leaves no line past the damage to read.
 */
export function withLinesPastTheDamage(verify: JournalVerification, text: string): JournalVerification & { pastTheDamage?: PastTheDamage } {
  const problem = verify.problem;
  if (!problem) return verify;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (problem.line > lines.length) return verify;
  const records = [...verify.records];
  const lineOf = new Map(verify.lineOf ?? []);
  const unverified = new Set(verify.unverified);
  if (problem.rewritten) for (const record of records) unverified.add(record);
  for (let index = problem.line - 1; index < lines.length; index += 1) {
    for (const record of replayable([lines[index] as string]) as JournalRecord[]) {
      records.push(record);
      lineOf.set(record, index + 1);
      unverified.add(record);
    }
  }
  return { ...verify, records, lineOf, unverified, pastTheDamage: { from: problem.line, to: lines.length } };
}

/** What the terminal and the upload's comment say of a postmortem built from a journal that fails verification. */
export function damageWords(problem: { line: number }, lineCount: number): string {
  const rest = problem.line <= lineCount ? `; lines ${problem.line}–${lineCount} are shown as they read, each marked unverified, until \`${journalRepairCommand}\` accepts the damage` : '; the postmortem stops there';
  return `the journal failed verification at line ${problem.line}${rest}`;
}
