// Which steps are skipped on their own condition (onlyIf) for certain in one case of a verdict's or follow-up's condition: those whose onlyIf holds for no way the steps it names may have ended then.
import { possibleStatuses } from './check.js';
import { conditionMayHold, impliedStatuses } from './condition-may-fail.js';
import type { Step } from './schema.js';
import type { Atom } from './verdict-checks.js';

/**
 * The steps, in run order, that the engine skipped on their onlyIf whenever the steps of `atoms` ended so: their onlyIf
 * holds for no way the steps it names may have ended then. Those steps are the case's, what a step it names as having
 * run tells of the steps its own onlyIf names (it held), those found skipped before, and any other way each could end.
 */
export function skippedForCertain(atoms: readonly Atom[], steps: readonly Step[]): Step[] {
  const known = new Map<string, Set<string | undefined>>(atoms.map((a) => [a.step, new Set([a.status])]));
  const ranOn = atoms.flatMap((a) => (a.status === 'skipped' ? [] : [steps.find((s) => s.id === a.step)?.onlyIf ?? []].flat()));
  for (const [id, statuses] of impliedStatuses({ all: ranOn })) if (!known.has(id)) known.set(id, statuses);
  const skipped: Step[] = [];
  const endings = new Map<string, Set<string | undefined>>();
  for (const step of steps) {
    const ways = known.get(step.id);
    if (ways) {
      endings.set(step.id, ways);
      continue;
    }
    if (step.onlyIf && !conditionMayHold(step.onlyIf, endings)) {
      skipped.push(step);
      endings.set(step.id, new Set(['skipped']));
      continue;
    }
    // Left out (onlyIfGiven, not given), it has no result: a condition on it does not hold then.
    endings.set(step.id, new Set<string | undefined>([...possibleStatuses(step), ...(step.onlyIfGiven !== undefined ? [undefined] : [])]));
  }
  return skipped;
}
