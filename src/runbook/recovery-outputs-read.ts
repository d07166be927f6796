// A rollback step that reads a recovery step's outputs must be bound to that step (onlyIfRan) when it may have none.
import { stepKind } from '../engine/steps/index.js';
import { placeholderUses } from './template.js';
import type { Step } from './schema.js';

/** The recovery steps whose outputs a step reads ({{recovery.<step>.<output>}}, not the optional {{…?}}), each with the first placeholder that reads it. */
export function recoveryStepsRead(step: Step): { id: string; placeholder: string }[] {
  const expressions = stepKind(step.kind)
    .templates(step)
    .flatMap((use) => (use.as === 'list' ? [{ expression: use.template, optional: false }] : placeholderUses(use.template)));
  const read = new Map<string, string>();
  for (const { expression, optional } of expressions) {
    const [head, id] = expression.split('.');
    if (!optional && head === 'recovery' && id !== undefined && !read.has(id)) read.set(id, `{{${expression}}}`);
  }
  return [...read].map(([id, placeholder]) => ({ id, placeholder }));
}

/**
 * Why a recovery step may end, its plan going on, without the outputs it gives when it ends "ok" (skipped, or
 * another status it accepts); undefined when it always ends "ok" or stops the recovery.
 */
export function mayEndWithoutOutputs(step: Step): string | undefined {
  if ('ifMissing' in step && step.ifMissing === 'skip') return 'it has ifMissing: skip, so it is skipped when there is nothing to move';
  if ('ifTableMissing' in step && step.ifTableMissing === 'skip') return 'it has ifTableMissing: skip, so it is skipped when the table is not there';
  if (step.onlyIf) return 'it has an onlyIf, so it is skipped when that does not hold';
  if (step.onlyIfGiven !== undefined) return `it has onlyIfGiven: ${step.onlyIfGiven}, so it is left out when that is not given`;
  const otherwise = step.acceptStatuses.filter((status) => status !== 'ok');
  if (otherwise.length > 0) return `it accepts ${otherwise.map((status) => `"${status}"`).join(', ')} as well as "ok"`;
  return undefined;
}
