// Why a step was skipped on its condition (onlyIf), in the operator's words: what it runs on, and how the steps it reads ended.
import { orList } from '../or-list.js';
import type { Condition } from '../runbook/schema.js';
import { stepsNamed } from './conditions.js';

/** "step 1 (open)": a step as the run's messages number it (the terminal's [1/6], Slack's "1."). */
function stepName(id: string, order: readonly string[]): string {
  const index = order.indexOf(id);
  return index >= 0 ? `step ${index + 1} (${id})` : `step ${id}`;
}

/** "step 1 (open) is ok or read-only"; a group inside another in parentheses, so "and" and "or" read as written. */
function conditionWords(condition: Condition, order: readonly string[], nested: boolean): string {
  if ('all' in condition || 'any' in condition) {
    const members = 'all' in condition ? condition.all : condition.any;
    const text = members.map((member) => conditionWords(member, order, true)).join('all' in condition ? ', and ' : ', or ');
    return nested && members.length > 1 ? `(${text})` : text;
  }
  const statuses = Array.isArray(condition.status) ? condition.status : [condition.status];
  return `${stepName(condition.step, order)} is ${orList(statuses)}`;
}

/**
 * "runs only when step 1 (open) is ok or read-only; it was missing": the summary of a step whose condition did not hold
 * (its status already says skipped). `order`: the run's step ids, for their numbers; `statuses`: how the steps before it ended.
 */
export function skippedOnCondition(condition: Condition, order: readonly string[], statuses: ReadonlyMap<string, string>): string {
  const read = stepsNamed(condition);
  const ended = (id: string) => {
    const status = statuses.get(id);
    return status === undefined ? 'had not run' : `was ${status}`;
  };
  const endings = read.length === 1 ? `it ${ended(read[0] as string)}` : read.map((id) => `${stepName(id, order)} ${ended(id)}`).join(', ');
  return `runs only when ${conditionWords(condition, order, false)}; ${endings}`;
}
