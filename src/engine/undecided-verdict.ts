// Whether a diagnosis' verdict is given only because an earlier verdict could not be told: a step that earlier verdict reads could not see, so it might have held.
import type { Condition, Verdict } from '../runbook/schema.js';
import { stepPassed, type StepAcceptance } from './step-passed.js';
import { isUnseeing } from './unseeing-status.js';

/** A step that ended without seeing, and the earlier verdict it leaves undecided. */
export interface Undecided {
  stepId: string;
  status: string;
  verdict: Verdict;
}

/** Whether a verdict names `status` for `step` anywhere in its condition: then the runbook says what that ending means. */
function names(condition: Condition, step: string, status: string): boolean {
  if ('any' in condition) return condition.any.some((c) => names(c, step, status));
  if ('all' in condition) return condition.all.some((c) => names(c, step, status));
  return condition.step === step && (Array.isArray(condition.status) ? condition.status.includes(status) : condition.status === status);
}

/** Whether `condition` may have held had the steps in `unseen` seen: each of them read as ending whatever its part asks. */
function mayHaveHeld(condition: Condition, statuses: ReadonlyMap<string, string>, unseen: ReadonlySet<string>): boolean {
  if ('any' in condition) return condition.any.some((c) => mayHaveHeld(c, statuses, unseen));
  if ('all' in condition) return condition.all.every((c) => mayHaveHeld(c, statuses, unseen));
  if (unseen.has(condition.step)) return true;
  const status = statuses.get(condition.step);
  return status !== undefined && (Array.isArray(condition.status) ? condition.status.includes(status) : condition.status === status);
}

/**
 * For the verdict `chosen` (the first that holds): an earlier verdict reading a step that did not pass because it could
 * not see (a query whose column is misnamed, failed; a scan killed on its timeout), with a status no verdict up to the
 * chosen one names, may have held had that step seen, and the verdict given only when it does not would be given on
 * what nobody saw (path A offered as "the results table reports nothing"). A verdict after the chosen one naming that
 * status does not say what it means here: it is reached only when the chosen one does not hold. A status that answers
 * (a disk nearly full, a file damaged) is what the step saw, whichever verdict names it.
 */
export function undecidedBefore(verdicts: readonly Verdict[], chosen: Verdict, statuses: ReadonlyMap<string, string>, steps: readonly (StepAcceptance & { id: string; kind: string })[]): Undecided | undefined {
  const conditions = verdicts.slice(0, verdicts.indexOf(chosen) + 1).flatMap((v) => (v.when ? [v.when] : []));
  const unseen = [...statuses].filter(([id, status]) => {
    const step = steps.find((s) => s.id === id);
    return step !== undefined && !stepPassed(step, status) && isUnseeing(step.kind, status) && !conditions.some((c) => names(c, id, status));
  });
  if (unseen.length === 0) return undefined;
  const unseenIds = new Set(unseen.map(([id]) => id));
  for (const verdict of verdicts.slice(0, verdicts.indexOf(chosen))) {
    if (!verdict.when || !mayHaveHeld(verdict.when, statuses, unseenIds)) continue;
    const read = unseen.find(([id]) => mayHaveHeld(verdict.when as Condition, statuses, new Set([id])));
    const [stepId, status] = read ?? (unseen[0] as [string, string]);
    return { stepId, status, verdict };
  }
  return undefined;
}
