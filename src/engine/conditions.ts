// Evaluates a runbook condition against the statuses of a run's steps so far.
import type { Condition } from '../runbook/schema.js';

export function holds(condition: Condition, statuses: ReadonlyMap<string, string>): boolean {
  if ('any' in condition) return condition.any.some((c) => holds(c, statuses));
  if ('all' in condition) return condition.all.every((c) => holds(c, statuses));
  const status = statuses.get(condition.step);
  if (status === undefined) return false;
  return Array.isArray(condition.status) ? condition.status.includes(status) : condition.status === status;
}

/** Each step a condition reads, once, in the order it names them. */
export function stepsNamed(condition: Condition): string[] {
  if ('any' in condition) return [...new Set(condition.any.flatMap(stepsNamed))];
  if ('all' in condition) return [...new Set(condition.all.flatMap(stepsNamed))];
  return [condition.step];
}
