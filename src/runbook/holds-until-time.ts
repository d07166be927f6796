// A verdict's holdsUntil.at must name a diagnosis step's output that holds a time: any other text would hold no hold.
import { stepKind } from '../engine/steps/index.js';
import type { Step } from './schema.js';
import { placeholderUses, withoutPlaceholders } from './template.js';

/** The diagnosis steps' outputs that hold a moment, as {{steps.<id>.<output>}}. */
function timeOutputsOf(diagnosisSteps: readonly Step[]): string[] {
  return diagnosisSteps.flatMap((step) => (stepKind(step.kind).timeOutputs ?? []).map((output) => `steps.${step.id}.${output}`));
}

/**
 * Why `at` gives no time, or undefined: it must be one placeholder and nothing else, naming an output of a diagnosis
 * step that holds a moment (dagster-health's dueTickAt). A text output (dueTick: "schedule …'s next tick") reads as no
 * time, which would drop the hold on every diagnosis.
 */
export function holdsUntilAtProblem(at: string, diagnosisSteps: readonly Step[]): string | undefined {
  const uses = placeholderUses(at);
  const named = uses.length === 1 && withoutPlaceholders(at).trim() === '' ? (uses[0]?.expression.trim() as string) : undefined;
  const times = timeOutputsOf(diagnosisSteps);
  if (named !== undefined && times.includes(named)) return undefined;
  const offered = times.length > 0 ? `{{${times.join('}}, {{')}}}` : 'none (no diagnosis step has one: a dagster-health step gives dueTickAt)';
  return `"${at}" gives no time: holdsUntil.at must be just one diagnosis output that holds a time, else no hold is kept. Outputs that do: ${offered}`;
}
