// Load-time checks of a runbook's verdicts as a list: each id once, and no verdict hidden behind an earlier one with the same condition.
import type { RunbookProblem } from './check.js';
import type { Condition, Runbook } from './schema.js';

/** A condition as text that is the same for the same condition however it is written: keys sorted, `status: x` as `[x]`. */
function canonical(cond: Condition): string {
  if ('any' in cond) return `any(${cond.any.map(canonical).join(',')})`;
  if ('all' in cond) return `all(${cond.all.map(canonical).join(',')})`;
  return JSON.stringify([cond.step, Array.isArray(cond.status) ? cond.status : [cond.status]]);
}

export function verdictProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const ids = new Map<string, number>();
  const conditions = new Map<string, number>();
  rb.diagnosis.verdicts.forEach((v, i) => {
    const at = ['diagnosis', 'verdicts', i];
    // The journal and the postmortem name a verdict by its id: two verdicts with one id could not be told apart there.
    const sameId = ids.get(v.id);
    if (sameId !== undefined) problems.push({ at: [...at, 'id'], message: `duplicate verdict id "${v.id}" (verdict ${sameId} has it)` });
    else ids.set(v.id, i);
    if (!v.when) return;
    // The engine takes the first verdict whose condition holds, so this one could never be chosen.
    const key = canonical(v.when);
    const earlier = conditions.get(key);
    if (earlier !== undefined) {
      problems.push({ at: [...at, 'when'], message: `the same condition as verdict ${earlier} ("${rb.diagnosis.verdicts[earlier]?.id}"), which is chosen first: this verdict could never be` });
    } else conditions.set(key, i);
  });
  return problems;
}
