// Marks, in a verdict's or follow-up's text, a placeholder the run left without a value, so the text is still posted.
import type { StandIn, Unfilled } from '../runbook/template.js';

/** A placeholder that was marked, and why it had no value ("step scan did not run"), for the log and the journal. */
export interface MarkedPlaceholder {
  placeholder: string;
  why: string;
}

interface StepEnding {
  stepId: string;
  status: string;
}

/** Why {{expression}} had no value after a run whose steps ended as `results` ({{steps.<id>.<output>}} said per step). */
function whyUnfilled({ expression, problem }: Unfilled, results: readonly StepEnding[]): string {
  if (problem === 'not-one-value') return 'a list, not one value';
  const [head, stepId, output] = expression.split('.');
  if (head !== 'steps' || stepId === undefined || output === undefined) return `no value: {{${expression}}} is not set here`;
  const result = results.find((r) => r.stepId === stepId);
  // Skipped on its condition, or never reached (left out, a run cut short): either way it set nothing.
  if (!result || result.status === 'skipped') return `no value: step ${stepId} did not run`;
  return `no value: ${output} is not set when the step ends ${result.status}`;
}

/**
 * A stand-in that renders each unfilled placeholder as "(no value: step scan did not run)" or "(a list, not one
 * value)", and the placeholders it marked: a runbook mistake shows where it is, and never costs the verdict.
 */
export function unfilledMarks(results: readonly StepEnding[]): { standIn: StandIn; marked: MarkedPlaceholder[] } {
  const marked: MarkedPlaceholder[] = [];
  const standIn: StandIn = (unfilled) => {
    const why = whyUnfilled(unfilled, results);
    marked.push({ placeholder: `{{${unfilled.expression}}}`, why });
    return `(${why})`;
  };
  return { standIn, marked };
}
