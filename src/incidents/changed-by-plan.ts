// What a plan that ran changed, by its steps: the database it holds, only its marts (a restate), or only what lies elsewhere (Dagster's schedules, its daemon), named wherever a plan it made stale is refused.
import path from 'node:path';
import { changesData } from '../engine/step-passed.js';
import { mayHaveChanged } from '../engine/may-have-changed.js';
import { stepKinds, type AnyStepKind } from '../engine/steps/index.js';
import type { Run } from './state.js';

/** What a changing step changed: its kind's changesElsewhere ("Dagster's schedules"), or a part of the database. */
const database = Symbol('the database');
const marts = Symbol('its marts');
type Changed = string | typeof database | typeof marts;

/**
 * What `by` changed, each step's (those that may have changed something, else every step that changes): its kind's
 * changesElsewhere, the marts where its kind writes only those (writesOnlyMarts), else the database.
 */
function changedBy(by: Pick<Run, 'steps' | 'results'>): Changed[] {
  const changing = by.steps.filter(changesData);
  const ran = changing.filter((step) => by.results.some((r) => r.stepId === step.id && mayHaveChanged(step.kind, r)));
  return [
    ...new Set(
      (ran.length > 0 ? ran : changing).map((step): Changed => {
        const kind = (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind);
        if (kind?.changesElsewhere) return kind.changesElsewhere;
        return (kind?.writesOnlyMarts as ((s: unknown) => boolean) | undefined)?.(step) ? marts : database;
      }),
    ),
  ];
}

const listed = (names: readonly string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? ''));

/**
 * What `by` changed, as a noun: `databaseSaid` ("databox.duckdb", "its database"), `martsSaid` where it wrote only the
 * marts (a restate), "Dagster's schedules" where it changed only those, or a list of them. A plan with no changing step
 * is said to have changed the database, as a plan that holds it may.
 */
export function changedByPlan(by: Pick<Run, 'steps' | 'results'>, databaseSaid: string, martsSaid: string): string {
  const what = changedBy(by);
  const whole = what.length === 0 || what.includes(database);
  // The marts are part of the database: one that changed both changed the database.
  const named = (whole ? what.filter((part) => part !== marts) : what).map((part) => (part === database ? databaseSaid : part === marts ? martsSaid : part));
  return listed(named.length > 0 ? named : [databaseSaid]);
}

/** What `by` changed, said of the plan it made stale: "its database", "its marts", "Dagster's schedules", … */
export function changedByPlanOf(by: Pick<Run, 'steps' | 'results'>): string {
  return changedByPlan(by, 'its database', 'its marts');
}

/**
 * "databox.duckdb has changed", "databox.duckdb's marts changed", "Dagster's schedules changed": what `by` changed, the
 * database by its lock's name. A plan that only started schedules changed no database, and one that only restated
 * the marts left the raw rows as they were: "databox.duckdb has changed" would send the reader to look for a change
 * that is not there.
 */
export function changedByPlanSaid(by: Pick<Run, 'steps' | 'results'>, lockKey: string): string {
  const name = path.basename(lockKey);
  const what = changedByPlan(by, name, `${name}'s marts`);
  return what === name ? `${name} has changed` : `${what} changed`;
}
