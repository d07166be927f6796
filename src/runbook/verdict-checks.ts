// Load-time checks of a runbook's verdicts as a list: each id once, and no verdict hidden, wholly or in part, behind an earlier one.
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
export function holdsWhenever(wide: Condition, narrow: Condition): boolean {
  if ('any' in narrow) return narrow.any.every((member) => holdsWhenever(wide, member));
  if ('all' in wide) return wide.all.every((member) => holdsWhenever(member, narrow));
  if ('any' in wide) return wide.any.some((member) => holdsWhenever(member, narrow));
  if ('all' in narrow) return narrow.all.some((member) => holdsWhenever(wide, member));
  return wide.step === narrow.step && statusesOf(narrow).every((status) => statusesOf(wide).includes(status));
}

/** One step ending one status; a case is a few of them together (on different steps). */
export type Atom = { step: string; status: string };

/** The most cases a condition is spread into before the partly-hidden check gives up on it (it cannot tell, not "no"). */
const mostCases = 512;

/** The cases in which a condition holds, each a set of steps with one status each, or undefined past mostCases. */
export function casesOf(cond: Condition): Atom[][] | undefined {
  if ('any' in cond) {
    const members = cond.any.map(casesOf);
    if (members.some((m) => m === undefined)) return undefined;
    const all = members.flat() as Atom[][];
    return all.length > mostCases ? undefined : all;
  }
  if ('all' in cond) {
    let product: Atom[][] = [[]];
    for (const member of cond.all) {
      const cases = casesOf(member);
      if (!cases) return undefined;
      // A step cannot end two statuses at once: such a combination is no case at all.
      product = product.flatMap((left) => cases.filter((right) => right.every((a) => left.every((b) => b.step !== a.step || b.status === a.status))).map((right) => [...left, ...right]));
      if (product.length > mostCases) return undefined;
    }
    return product;
  }
  return statusesOf(cond).map((status) => [{ step: cond.step, status }]);
}

export function caseCondition(atoms: Atom[]): Condition {
  return atoms.length === 1 ? (atoms[0] as Atom) : { all: atoms };
}

export function describeCase(atoms: readonly Atom[]): string {
  return atoms.map((a) => `${a.step} ends ${a.status}`).join(' and ');
}

/**
 * The first earlier verdict that takes some of this one's cases but not all (all is reported as never chosen): a wider
 * verdict moved above a narrower one (raw-only above raw-window) would give the wider verdict, and its too-short window,
 * where the narrower one was meant.
 */
function partlyHidden(rb: Runbook, i: number, when: Condition): string | undefined {
  const cases = casesOf(when);
  if (!cases) return undefined;
  for (const [k, before] of rb.diagnosis.verdicts.slice(0, i).entries()) {
    if (!before.when) continue;
    const wide = before.when;
    const taken = cases.filter((atoms) => holdsWhenever(wide, caseCondition(atoms)));
    if (taken.length === 0 || taken.length === cases.length) continue;
    const more = taken.length > 1 ? ` (and ${taken.length - 1} more case${taken.length === 2 ? '' : 's'} of its)` : '';
    // The earlier one narrower, wholly inside this one (specific advice first, the general after): meant, not refused.
    const earlierCases = casesOf(wide);
    if (earlierCases?.every((atoms) => holdsWhenever(when, caseCondition(atoms)))) continue;
    return (
      `verdict ${k} ("${before.id}") comes first and also holds when ${describeCase(taken[0] as Atom[])}${more}, so there this verdict is never chosen: ` +
      'put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win'
    );
  }
  return undefined;
}

export function verdictProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const ids = new Map<string, number>();
  const conditions = new Map<string, number>();
  rb.diagnosis.verdicts.forEach((v, i) => {
    const at = ['diagnosis', 'verdicts', i];
    // The journal and the postmortem name a verdict by its id: two verdicts with one id could not be told apart there.
    const sameId = ids.get(v.id);
    if (sameId !== undefined) problems.push({ at: [...at, 'id'], message: `duplicate verdict id "${v.id}" (diagnosis.verdicts[${sameId}] has it too)` });
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
      return;
    }
    const partly = partlyHidden(rb, i, when);
    if (partly) problems.push({ at: [...at, 'when'], message: partly });
  });
  return problems;
}
