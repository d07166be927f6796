// A plan for a recovery path the loaded runbooks no longer have: edited while it waited, it cannot be run or validated.
import type { Runbook } from '../runbook/schema.js';
import type { Run } from './state.js';

/** Why a recovery or rollback plan cannot be approved: its runbook, or its path in it, is gone; undefined when both are there. */
export function planPathGone(run: Run, scenario: string | undefined, runbooks: ReadonlyMap<string, Runbook>): string | undefined {
  if (!run.pathId || (run.kind !== 'recovery' && run.kind !== 'rollback')) return undefined;
  const rb = scenario === undefined ? undefined : runbooks.get(scenario);
  if (rb?.recovery.some((p) => p.id === run.pathId)) return undefined;
  const gone = rb ? `the ${rb.id} runbook no longer has path ${run.pathId.toUpperCase()}` : `there is no longer a ${scenario ?? 'matching'} runbook`;
  return `${gone}, which this plan is for: the runbooks were probably edited since the plan was made. Nothing was run; propose it again from the runbooks as they are now`;
}
