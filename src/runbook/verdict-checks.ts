// Load-time checks of a runbook's verdicts as a list: each id once, and no verdict hidden behind an earlier one whose condition holds whenever its own does.
import type { RunbookProblem } from './check.js';
import type { Condition, Runbook } from './schema.js';

/** A condition as text that is the same for the same condition however it is written: keys sorted, `status: x` as `[x]`. */
function canonical(cond: Condition): string {
  if ('any' in cond) return `any(${cond.any.map(canonical).join(',')})`;
  if ('all' in cond) return `all(${cond.all.map(canonical).join(',')})`;
  return JSON.stringify([cond.step, Array.isArray(cond.status) ? cond.status : [cond.status]]);
}

function statusesOf(cond: { status: string | string[] }): string[] {
  return Array.isArray(cond.status) ? cond.status : [cond.status];
}

/**
 * Whether `wide` holds whenever `narrow` does, as far as the conditions' shapes tell (a "no" may be a "cannot tell", a
 * "yes" never a guess): the same step with every status of `narrow` among those of `wide`, member by member.
 */
function holdsWhenever(wide: Condition, narrow: Condition): boolean {
  if ('any' in narrow) return narrow.any.every((member) => holdsWhenever(wide, member));
  if ('all' in wide) return wide.all.every((member) => holdsWhenever(member, narrow));
  if ('any' in wide) return wide.any.some((member) => holdsWhenever(member, narrow));
  if ('all' in narrow) return narrow.all.some((member) => holdsWhenever(wide, member));
  return wide.step === narrow.step && statusesOf(narrow).every((status) => statusesOf(wide).includes(status));
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
      return;
    }
    conditions.set(key, i);
    const when = v.when;
    const wider = rb.diagnosis.verdicts.slice(0, i).findIndex((before) => before.when && holdsWhenever(before.when, when));
    if (wider !== -1) {
      problems.push({
        at: [...at, 'when'],
        message: `verdict ${wider} ("${rb.diagnosis.verdicts[wider]?.id}") comes first and holds whenever this one does, so this verdict could never be chosen: put the narrower verdict first`,
      });
    }
  });
  return problems;
}
