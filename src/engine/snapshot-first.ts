// Which steps of a plan that changes MotherDuck the engine's named snapshot of the database comes before: every step that changes it.
import { changesData } from './step-passed.js';
import { stepKind } from './steps/index.js';

/**
 * Whether, in a plan that changes MotherDuck, the engine takes a named snapshot of the database right before `step`, so
 * that what it changes can be gone back on: before every step that changes the database, a plain INSERT that only adds
 * rows or a load as much as a DELETE; not before one whose change is elsewhere, which a snapshot of the database would
 * keep nothing of (other databases, a clone made from it, rows kept in a file, Dagster's daemon or schedules).
 */
export function snapshotFirst(step: { kind: string; mutates: boolean; destructive: boolean; guard?: boolean }): boolean {
  const kind = stepKind(step.kind);
  const otherDatabases = typeof kind.changesOtherDatabases === 'function' ? kind.changesOtherDatabases(step as never) : kind.changesOtherDatabases === true;
  if (otherDatabases) return false;
  return step.destructive || (changesData(step) && kind.changesElsewhere === undefined);
}
