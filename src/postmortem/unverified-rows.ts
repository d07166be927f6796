// Which of the postmortem's summary rows and times rest on journal lines accepted unverified: each says so, naming them.
import type { Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';

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
 * else nothing: a time or a count from a line nobody can vouch for is not read as fact. Lines from `pastFrom` on are
 * those of a journal that fails verification there, not repaired: read as they are, accepted by nobody.
 */
export function unverifiedMark(from: Iterable<JournalRecord>, unverified: ReadonlySet<JournalRecord>, lineOf: (record: JournalRecord) => number | undefined, pastFrom?: number): string {
  if (unverified.size === 0) return '';
  const lines = new Set<number>();
  for (const record of from) {
    const line = unverified.has(record) ? lineOf(record) : undefined;
    if (line !== undefined) lines.add(line);
  }
  if (lines.size === 0) return '';
  const sorted = [...lines].sort((a, b) => a - b);
  const accepted = sorted.filter((line) => pastFrom === undefined || line < pastFrom);
  const past = sorted.filter((line) => pastFrom !== undefined && line >= pastFrom);
  const acceptedWords = accepted.length > 0 ? `${lineList(accepted)}, accepted after ${accepted.length > 1 ? 'they' : 'it'} failed verification` : '';
  const pastWords = past.length > 0 ? `${lineList(past)}, read as ${past.length > 1 ? 'they are' : 'it is'}: the journal fails verification at line ${pastFrom}` : '';
  return ` _(unverified: built from journal ${[acceptedWords, pastWords].filter(Boolean).join('; and ')})_`;
}

/** The mark a timeline entry from an unverified line carries: accepted after it failed, or read past the damage. */
export function unverifiedEntryMark(line: number | undefined, pastFrom?: number): string {
  return pastFrom !== undefined && line !== undefined && line >= pastFrom
    ? ` _(unverified: read as it is, as the journal fails verification at line ${pastFrom})_`
    : ' _(unverified: a journal line accepted after it failed verification)_';
}
