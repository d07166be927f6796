// Every step of a runbook, in every phase, with where it is in the file: for the checks that look at all of them.
import { rollbackParts } from './rollback-parts.js';
import type { Runbook, Step } from './schema.js';

export type At = (string | number)[];

export function stepsAt(rb: Runbook): [At, Step][] {
  const list = (steps: readonly Step[], at: At): [At, Step][] => steps.map((step, i) => [[...at, i], step]);
  return [
    ...list(rb.diagnosis.steps, ['diagnosis', 'steps']),
    ...list(rb.validation.steps, ['validation', 'steps']),
    ...rb.recovery.flatMap((p, i) => [
      ...list(p.guards, ['recovery', i, 'guards']),
      ...list(p.steps, ['recovery', i, 'steps']),
      ...rollbackParts(p.rollback).flatMap((part): [At, Step][] => (part.list === 'previews' ? [] : [[['recovery', i, 'rollback', part.list, part.index], part.part]])),
    ]),
  ];
}

/** A place as the refusals write it: recovery[0].steps[3]. */
export const placeOf = (at: At): string => at.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`)).join('');
