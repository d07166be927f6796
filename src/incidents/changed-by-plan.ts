// What a plan that ran changed, by its steps: the database it holds, or only what lies elsewhere (Dagster's schedules, its daemon), named in a stale plan's refusal.
import path from 'node:path';
import { changesData } from '../engine/step-passed.js';
import { mayHaveChanged } from '../engine/may-have-changed.js';
import { stepKinds, type AnyStepKind } from '../engine/steps/index.js';
import type { Run } from './state.js';

/**
 * "databox.duckdb has changed", "Dagster's schedules changed": what `by` changed (its steps that may have changed
 * something, else every step that changes), the database by its lock's name. A plan that only started schedules
 * changed no database, and "databox.duckdb has changed" would send the reader to look for a change that is not there.
 */
export function changedByPlanSaid(by: Pick<Run, 'steps' | 'results'>, lockKey: string): string {
  const changing = by.steps.filter(changesData);
  const ran = changing.filter((step) => by.results.some((r) => r.stepId === step.id && mayHaveChanged(step.kind, r)));
  const what = [
    ...new Set(
      (ran.length > 0 ? ran : changing).map((step) => (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind)?.changesElsewhere ?? path.basename(lockKey)),
    ),
  ];
  const database = path.basename(lockKey);
  if (what.length === 0 || (what.length === 1 && what[0] === database)) return `${database} has changed`;
  return `${what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0]} changed`;
}
