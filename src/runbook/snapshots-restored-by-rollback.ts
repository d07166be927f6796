// The engine's named snapshots a path's rollback restores by their names: those whose name ({{recovery.<step>.snapshot}})
// one of its steps reads, as scenario 3's undo_swap does; a rollback that puts kept rows back instead (scenario 2) reads none.
import { stepTemplates } from './recovery-outputs-read.js';
import type { RecoveryPath } from './schema.js';
import { placeholderUses } from './template.js';

/** The ids of the recovery's snapshot steps (`<step>_snapshot`) whose name the rollback's steps read; none without a rollback. */
export function snapshotStepsRestoredByRollback(path: RecoveryPath): ReadonlySet<string> {
  const restored = new Set<string>();
  for (const use of (path.rollback?.steps ?? []).flatMap(stepTemplates)) {
    const expressions = use.as === 'list' ? [use.template] : placeholderUses(use.template).map((placeholder) => placeholder.expression);
    for (const expression of expressions) {
      const [head, stepId, output] = expression.split('.');
      if (head === 'recovery' && stepId?.endsWith('_snapshot') && output === 'snapshot') restored.add(stepId);
    }
  }
  return restored;
}
