// What a plan that ran changed, by its steps: the database it holds, or only what lies elsewhere (Dagster's schedules, its daemon), named in a stale plan's refusal.
import path from 'node:path';
import { changesData } from '../engine/step-passed.js';
import { mayHaveChanged } from '../engine/may-have-changed.js';
import { stepKinds, type AnyStepKind } from '../engine/steps/index.js';
import type { Run } from './state.js';

/**
 * What `by` changed, each step's (those that may have changed something, else every step that changes): its kind's
 * changesElsewhere, or undefined for the database.
 */
function changedBy(by: Pick<Run, 'steps' | 'results'>): (string | undefined)[] {
  const changing = by.steps.filter(changesData);
  const ran = changing.filter((step) => by.results.some((r) => r.stepId === step.id && mayHaveChanged(step.kind, r)));
  return [...new Set((ran.length > 0 ? ran : changing).map((step) => (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind)?.changesElsewhere))];
}

const listed = (names: readonly string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? ''));

/**
 * "databox.duckdb has changed", "Dagster's schedules changed": what `by` changed, the database by its lock's name. A
 * plan that only started schedules changed no database, and "databox.duckdb has changed" would send the reader to
 * look for a change that is not there.
 */
export function changedByPlanSaid(by: Pick<Run, 'steps' | 'results'>, lockKey: string): string {
  const database = path.basename(lockKey);
  const what = changedBy(by);
  if (what.every((name) => name === undefined)) return `${database} has changed`;
  return `${listed(what.map((name) => name ?? database))} changed`;
}

/** "Dagster's schedules" where `by` changed only what lies outside the database; undefined where it changed the database. */
export function changedOnlyElsewhere(by: Pick<Run, 'steps' | 'results'>): string | undefined {
  const what = changedBy(by);
  return what.length > 0 && !what.includes(undefined) ? listed(what as string[]) : undefined;
}
