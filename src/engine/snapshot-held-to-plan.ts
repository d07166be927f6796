// Holds the engine's first named snapshot of a plan to the writes its guard counted: a write that commits while
// CREATE SNAPSHOT waits for running writes (MotherDuck's documented behaviour) passed the guard, so it is looked for again.
import { foldDatabaseName } from '../database/sql-literal.js';
import type { ResolvedStep } from './types.js';

/**
 * The plan's steps with its first named snapshot given `heldTo`, the newest write (created_ts) a guard that stops on
 * later writes counted when the plan was made, when that guard reads the same database and nothing of the plan writes
 * before the snapshot; otherwise the steps as they are. Called after readWhenPlanned, which fills in that newest write.
 */
export function snapshotHeldToPlan(steps: readonly ResolvedStep[]): ResolvedStep[] {
  const first = steps.findIndex((step) => step.kind === 'named-snapshot');
  const snapshot = steps[first];
  if (!snapshot || snapshot.kind !== 'named-snapshot') return [...steps];
  if (steps.slice(0, first).some((step) => step.mutates && !step.guard)) return [...steps];
  const guard = steps
    .slice(0, first)
    .find((step) => step.kind === 'snapshot-history' && step.guard && step.stopsOnLaterWrites && step.writesWhenPlanned?.newest && foldDatabaseName(step.database) === foldDatabaseName(snapshot.database));
  const newest = guard?.kind === 'snapshot-history' ? guard.writesWhenPlanned?.newest : undefined;
  if (!newest) return [...steps];
  return steps.map((step, index) => (index === first ? { ...snapshot, heldTo: newest } : step));
}
