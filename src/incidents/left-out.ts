// What a plan leaves out because a parameter was not given, in one line for every front end and the postmortem.
import type { Run } from './state.js';

/** "Left out, as plan_id= was not given: Restore the marts to the plan given (what that means)", or undefined. */
export function leftOutLine(run: Pick<Run, 'leftOut'>): string | undefined {
  const steps = run.leftOut ?? [];
  if (steps.length === 0) return undefined;
  return steps.map((step) => `Left out, as ${step.parameter}= was not given: ${step.title}${step.note ? ` (${step.note})` : ''}`).join('. ');
}
