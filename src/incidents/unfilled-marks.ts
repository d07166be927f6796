// Marks, in a verdict's, follow-up's or path's whenFailed text, a placeholder the run left without a value, so the text is still posted.
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

/** Where a text reads the run's steps: its own ({{steps.…}}: a verdict, a follow-up), or the incident's diagnosis' ({{diagnosis.…}}). */
export type StepsRead = 'steps' | 'diagnosis';

/** Why {{expression}} had no value after a run whose steps ended as `results` ({{<read>.<id>.<output>}} said per step). */
function whyUnfilled({ expression, problem }: Unfilled, results: readonly StepEnding[], read: StepsRead): string {
  if (problem === 'not-one-value') return 'a list, not one value';
  const [head, stepId, output] = expression.split('.');
  if (head !== read || stepId === undefined || output === undefined) return `no value: {{${expression}}} is not set here`;
  const result = results.find((r) => r.stepId === stepId);
  // Skipped on its condition, or never reached (left out, a run cut short): either way it set nothing.
  const step = read === 'diagnosis' ? `the diagnosis' step ${stepId}` : `step ${stepId}`;
  if (!result || result.status === 'skipped') return `no value: ${step} did not run`;
  return `no value: ${output} is not set when ${read === 'diagnosis' ? step : 'the step'} ends ${result.status}`;
}

/**
 * A stand-in that renders each unfilled placeholder as "(no value: step scan did not run)" or "(a list, not one
 * value)", and the placeholders it marked: a runbook mistake shows where it is, and never costs the verdict.
 */
export function unfilledMarks(results: readonly StepEnding[], read: StepsRead = 'steps'): { standIn: StandIn; marked: MarkedPlaceholder[] } {
  const marked: MarkedPlaceholder[] = [];
  const standIn: StandIn = (unfilled) => {
    const why = whyUnfilled(unfilled, results, read);
    marked.push({ placeholder: `{{${unfilled.expression}}}`, why });
    return `(${why})`;
  };
  return { standIn, marked };
}

/**
 * What a verdict's opens or a path's whenFailedOpens points to, said with no button when a parameter it fills in had no
 * value: a button without it would open that diagnosis on something else (its default window).
 */
export function opensNotOffered(what: string, title: string, marked: readonly MarkedPlaceholder[], whose: string): string {
  const why = marked.map((m) => `${m.placeholder} has ${m.why}`).join('; ');
  return `What ${what} points to: ${title}, not offered: the runbook fills in its parameters from values ${whose} did not set (${why}).`;
}
