// What a step's outputs are as the load-time checks read them: each one's shape, and the statuses that leave it unset.
import { forStep, outputFacts, type OutputFacts, type TemplateUse } from '../engine/steps/define-step-kind.js';
import { stepKind } from '../engine/steps/index.js';
import { stepResultFields } from '../engine/template-values.js';
import type { Step } from './schema.js';

/** What {{steps.<id>.…}} and the like can read of a step, by name: its kind's outputs, then the status and summary every step has. */
export function stepOutputFacts(step: Step): Map<string, OutputFacts> {
  const facts = outputFacts(forStep(stepKind(step.kind).outputs, step));
  for (const field of stepResultFields) facts.set(field, { shape: 'text', unsetOn: () => false });
  return facts;
}

/** How a step ended when it was left out of its plan (onlyIfGiven, its parameter not given): it has no result at all. */
export const leftOut = '(left out)';

/** How a step ended when the engine skipped it on its condition (onlyIf): no kind's own "skipped", which may set outputs. */
export const skippedOnItsCondition = '(skipped on its onlyIf)';

/**
 * Whether a step that ended so (a status, leftOut or skippedOnItsCondition) has no value for `output`: the one rule of
 * every load check that asks whether a step can end without an output it reads. Left out, it has none at all. Any
 * result has its status and summary. The engine's endings (skipped on a condition, a crash, a deadline: a status its
 * kind never returns itself) set none of its kind's outputs; its kind's own statuses leave unset what the kind says.
 */
export function unsetWhenEnding(step: Step, output: string, ending: string): boolean {
  if (ending === leftOut) return true;
  if ((stepResultFields as readonly string[]).includes(output)) return false;
  if (!forStep(stepKind(step.kind).statuses, step).includes(ending)) return true;
  return stepOutputFacts(step).get(output)?.unsetOn(ending) ?? false;
}

const shapeWords = { list: 'a list', map: 'a map (a value for each name)' } as const;

/**
 * Why `expression` ({{<steps|diagnosis|recovery>.<id>.<output>}}) cannot be read as `as` reads it: a list or a map where a
 * text or SQL is filled in, one value where forEach wants a list. Undefined when it can, or the step has no such output.
 */
export function outputShapeProblem(step: Step, output: string, as: TemplateUse['as'], expression: string): string | undefined {
  const facts = stepOutputFacts(step);
  const shape = facts.get(output)?.shape;
  if (shape === undefined) return undefined;
  const named = (wanted: string) => [...facts].filter(([, f]) => f.shape === wanted).map(([name]) => name);
  if (as === 'list') {
    if (shape === 'list') return undefined;
    const lists = named('list');
    return `${expression} is ${shape === 'map' ? shapeWords.map : 'one value'}, not a list, and forEach repeats over a list: ${lists.length > 0 ? `name one of ${step.id}'s lists: ${lists.join(', ')}` : `step "${step.id}" (${step.kind}) has no list output`}`;
  }
  if (shape === 'text') return undefined;
  const instead = shape === 'list' ? 'use it in a command\'s forEach, which repeats over a list, or ' : `name one of its values ({{${expression}.<name>}}; a name holding a dot, a table's schema.name, cannot be named so, as the dot ends it: count that one in a step of its own), or `;
  return `${expression} is ${shapeWords[shape]}, not one value, so it does not fill in ${as === 'sql' ? 'SQL' : 'text'}: ${instead}name one of ${step.id}'s text outputs: ${named('text').join(', ')}`;
}
