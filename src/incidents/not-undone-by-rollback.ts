// What a recovery's rollback cannot undo of what it changed (a backfill's runs), as its step kinds say: said where the rollback is offered.
import { mayHaveChanged } from '../engine/may-have-changed.js';
import { stepKinds, type AnyStepKind } from '../engine/steps/index.js';
import type { Run } from './state.js';

export function notUndoneByRollback(recovery: Pick<Run, 'steps' | 'results'>): string[] {
  return recovery.results.flatMap((result) => {
    const step = recovery.steps.find((s) => s.id === result.stepId);
    const kind = (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step?.kind);
    const said = step && kind?.notUndoneByRollback && mayHaveChanged(step.kind, result) ? (kind.notUndoneByRollback as (s: unknown, r: typeof result) => string)(step, result) : undefined;
    return said ? [said] : [];
  });
}
