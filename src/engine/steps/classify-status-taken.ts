// A classify rule giving a status the engine or the step's kind gives with a meaning of its own: every reader would take the rule's result for that.
import type { StepIssue } from './define-step-kind.js';

/** The statuses the engine gives any step, each with what it means wherever it is read (a verdict, the plan's summary, the postmortem). */
const engineMeanings: Readonly<Record<string, string>> = {
  skipped: 'its onlyIf did not hold, so it did not run (and it passes)',
  interrupted: 'a stop (Ctrl-C, the bot stopping) cut it short',
  timeout: 'it was killed on its timeout',
};

/**
 * Each rule whose status is one the engine, or the kind (`kindMeanings`), gives with a meaning of its own: a failing
 * command read as "skipped" would pass. "failed" is the one taken, as a rule's way of saying the step did not pass.
 */
export function takenStatusIssues(stepId: string, rules: readonly { status: string }[], kindMeanings: Readonly<Record<string, string>> = {}): StepIssue[] {
  const meanings: Readonly<Record<string, string>> = { ...engineMeanings, ...kindMeanings };
  return rules.flatMap((rule, i) => {
    const meaning = Object.hasOwn(meanings, rule.status) ? meanings[rule.status] : undefined;
    if (meaning === undefined) return [];
    return [{ at: ['classify', i, 'status'], message: `"${rule.status}" is how step "${stepId}" is said to have ended when ${meaning}, and every reader would take this rule's result for that: give the rule a status of its own` }];
  });
}
