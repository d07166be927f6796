// Where the journal fails verification, in the words refusals and the log use: the new damage first, where there is one.
import type { VerifyProblem } from './record.js';

/**
 * "the journal failed verification at line 41 (changed since the damage at line 26 was accepted at line 103)", or "…
 * at line 26": a refusal names the line a person must look at now, not the one already accepted.
 */
export function failedAtWords(problem: VerifyProblem): string {
  const changed = problem.changedSince;
  return changed
    ? `the journal failed verification at line ${changed.line} (changed since the damage at line ${problem.line} was accepted at line ${changed.acceptedAt})`
    : `the journal failed verification at line ${problem.line}`;
}
