// Which of the postmortem's summary rows and times rest on journal lines accepted unverified: each says so, naming them.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import type { PastTheDamage } from './past-the-damage.js';

/** The records of these runs: each line that names one of them by its run id (proposed, decided, started, steps, end). */
export function recordsOfRuns(records: readonly JournalRecord[], runs: readonly Run[]): JournalRecord[] {
  const ids = new Set(runs.map((run) => run.id));
  return records.filter((record) => ids.has(String((record.data as { runId?: unknown }).runId)));
}

/** "lines 12 and 15"; a run of three or more in order as one range ("lines 1–86"), so a long stretch reads at a glance. */
export function lineList(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const parts: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end + 1 < lines.length && (lines[end + 1] as number) === (lines[end] as number) + 1) end += 1;
    if (end - i >= 2) parts.push(`${lines[i]}–${lines[end]}`);
    else parts.push(...lines.slice(i, end + 1).map(String));
    i = end + 1;
  }
  return parts.length === 1 ? `lines ${parts[0]}` : `lines ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * A mark for a row built from `from` when any of them is unverified (" _(unverified: built from journal line 12, …)_"),
 * else nothing: a time or a count from a line nobody can vouch for is not read as fact. Past the damage of a journal
 * not repaired (`past`), lines are read as they are, accepted by nobody; where its end was rewritten and hashed again,
 * every line not accepted before may be the rewrite's, and is said so, with the line `journal verify` names.
 */
export function unverifiedMark(from: Iterable<JournalRecord>, unverified: ReadonlySet<JournalRecord>, lineOf: (record: JournalRecord) => number | undefined, past?: PastTheDamage): string {
  if (unverified.size === 0) return '';
  const accepted = new Set<number>();
  const rewritten = new Set<number>();
  const read = new Set<number>();
  for (const record of from) {
    const line = unverified.has(record) ? lineOf(record) : undefined;
    if (line === undefined) continue;
    if (past?.rewritten && !past.acceptedUnverified.has(record)) rewritten.add(line);
    else if (past && line >= past.from) read.add(line);
    else accepted.add(line);
  }
  if (accepted.size + rewritten.size + read.size === 0) return '';
  const sorted = (lines: Set<number>) => [...lines].sort((a, b) => a - b);
  const rewrittenWords = rewritten.size > 0 ? lineList(sorted(rewritten)) : '';
  const acceptedWords = accepted.size > 0 ? `${lineList(sorted(accepted))}, accepted after ${accepted.size > 1 ? 'they' : 'it'} failed verification` : '';
  const readWords = read.size > 0 ? `${lineList(sorted(read))}, read as ${read.size > 1 ? 'they are' : 'it is'}: the journal fails verification at line ${past?.from}` : '';
  const rewrite = rewritten.size > 0 ? `the journal's end was rewritten at or before line ${past?.from}; ` : '';
  return ` _(unverified: ${rewrite}built from journal ${[rewrittenWords, acceptedWords, readWords].filter(Boolean).join('; and ')})_`;
}

/** The mark a timeline entry from an unverified line carries: accepted after it failed, read past the damage, or of a rewritten end. */
export function unverifiedEntryMark(record: JournalRecord | undefined, line: number | undefined, past?: PastTheDamage): string {
  if (past?.rewritten && record && !past.acceptedUnverified.has(record)) return ` _(unverified: the journal's end was rewritten at or before line ${past.from})_`;
  return past !== undefined && line !== undefined && line >= past.from
    ? ` _(unverified: read as it is, as the journal fails verification at line ${past.from})_`
    : ' _(unverified: a journal line accepted after it failed verification)_';
}
