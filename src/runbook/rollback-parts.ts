// What a rollback is made of: its inspect steps, guards, previews and steps, in that order; every check of a rollback's parts, at load and when one is made, lists them here.
import type { TemplateUse } from '../engine/steps/define-step-kind.js';
import { previewTemplates, stepTemplates } from './recovery-outputs-read.js';
import type { Preview, RecoveryPath, Step } from './schema.js';

/** One part of a rollback: the list it is in (rollback.<list>[index]), what messages call it, and the part itself. */
export type RollbackPart =
  | { list: 'inspect' | 'guards' | 'steps'; index: number; what: 'inspect step' | 'guard' | 'step'; part: Step }
  | { list: 'previews'; index: number; what: 'preview'; part: Preview };

/** Every part of a path's rollback (none when it has no rollback); each may be bound to a recovery step (onlyIfRan). */
export function rollbackParts(rollback: RecoveryPath['rollback']): RollbackPart[] {
  if (!rollback) return [];
  return [
    ...rollback.inspect.map((part, index) => ({ list: 'inspect' as const, index, what: 'inspect step' as const, part })),
    ...rollback.guards.map((part, index) => ({ list: 'guards' as const, index, what: 'guard' as const, part })),
    ...rollback.previews.map((part, index) => ({ list: 'previews' as const, index, what: 'preview' as const, part })),
    ...rollback.steps.map((part, index) => ({ list: 'steps' as const, index, what: 'step' as const, part })),
  ];
}

/** Every template of a rollback part, all filled in when its plan is made. */
export function rollbackPartTemplates(part: RollbackPart): TemplateUse[] {
  return part.list === 'previews' ? previewTemplates(part.part) : stepTemplates(part.part);
}
