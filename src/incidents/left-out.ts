// What a plan leaves out because a parameter was not given, in one line for every front end and the postmortem.
import { has, placeholderUses, render, type TemplateContext } from '../runbook/template.js';
import type { Run } from './state.js';

/** "Left out, as plan_id= was not given: Restore the marts to the plan given (what that means)", or undefined. */
export function leftOutLine(run: Pick<Run, 'leftOut'>): string | undefined {
  const steps = run.leftOut ?? [];
  if (steps.length === 0) return undefined;
  return steps.map((step) => `Left out, as ${step.parameter}= was not given: ${step.title}${step.note ? ` (${step.note})` : ''}`).join('. ');
}

/**
 * A step's leftOutNote as the plan says it. One that names what the diagnosis found ({{diagnosis.<step>.<output>}}) is
 * said only when it found it: a placeholder (not {{x?}}) with no value, or an empty one, and the note is not said.
 */
export function leftOutNoteSaid(note: string, values: TemplateContext): string | undefined {
  if (placeholderUses(note).some((use) => !use.optional && !has(use.expression, values))) return undefined;
  return render(note, values);
}
