// Runs whose end the journal lost with lines cut from its end: said "end unknown (lines lost)", never left looking as if still running.
import type { AcceptedDamage } from '../journal/accepted-damage.js';
import type { JournalRecord, VerifyProblem } from '../journal/record.js';
import type { Run } from '../incidents/state.js';

/**
 * The line before which lines were lost from the journal's end: a cut end accepted (the acceptance is then the line
 * after the cut, or the record of the cut a writer journaled before appending past it), or not accepted yet (the
 * failure is then the line after the last one, or that record). Undefined when none were.
 */
export function linesLostFromEndBefore(verify: { problem?: VerifyProblem; accepted?: readonly AcceptedDamage[]; pastTheDamage?: unknown }): number | undefined {
  for (const damage of verify.accepted ?? []) {
    if (!damage.headMissing && damage.acceptedAt <= damage.line) return damage.line;
    if (damage.lostFromEndBefore.length > 0) return damage.lostFromEndBefore[0];
  }
  const problem = verify.problem;
  if (problem?.endCut) return problem.line;
  return problem && !problem.headMissing && !problem.rewritten && !verify.pastTheDamage ? problem.line : undefined;
}

/** Of a run that started and has no end on record, whose lines all come before lines lost from the end: where they were lost. */
export function endLostBefore(run: Run, runLines: readonly JournalRecord[], lineOf: (record: JournalRecord) => number | undefined, lostBefore: number | undefined): number | undefined {
  if (lostBefore === undefined || !run.startedAt || run.finishedAt) return undefined;
  const last = runLines.at(-1);
  const line = last ? lineOf(last) : undefined;
  return line !== undefined && line < lostBefore ? lostBefore : undefined;
}

/** "end unknown (lines lost from the journal's end before line 105)" */
export function endLostWords(before: number): string {
  return `end unknown (lines lost from the journal's end before line ${before})`;
}
