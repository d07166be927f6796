// A condition written as a runbook writes it, in YAML's flow style: what a load error offers to write instead.
import type { Condition } from './schema.js';

export function conditionYaml(cond: Condition): string {
  if ('any' in cond) return `{ any: [${cond.any.map(conditionYaml).join(', ')}] }`;
  if ('all' in cond) return `{ all: [${cond.all.map(conditionYaml).join(', ')}] }`;
  return `{ step: ${cond.step}, status: ${Array.isArray(cond.status) ? `[${cond.status.join(', ')}]` : cond.status} }`;
}

/** `cond` also asking that `step` ended one of `statuses`: a member added to its all, or an all of the two. */
export function narrowedCondition(cond: Condition, step: string, statuses: readonly string[]): string {
  const named: Condition = { step, status: statuses.length === 1 ? (statuses[0] as string) : [...statuses] };
  return conditionYaml({ all: 'all' in cond ? [...cond.all, named] : [cond, named] });
}
