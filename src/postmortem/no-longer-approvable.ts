// How the postmortem names a plan still pending that can no longer be approved (not "pending"): another plan's changes, or a newer verdict.
import { olderVerdictBlocking, olderVerdictShort } from '../incidents/older-diagnosis-plan.js';
import type { IncidentState, Run } from '../incidents/state.js';
import { changedByPlanOf } from '../incidents/changed-by-plan.js';

/**
 * "no longer approvable (plan `…` changed its database)" (or Dagster's schedules, as changedByPlanOf says what it changed), or "(made on an older diagnosis, …)", for such a plan, as an
 * approval would be refused; else `words`.
 */
export function orNoLongerApprovable(run: Run, state: Pick<IncidentState, 'staleBy' | 'incident'>, words: string): string {
  const changedBy = run.status === 'pending' ? state.staleBy(run) : undefined;
  if (changedBy) return `no longer approvable (plan \`${changedBy.id}\` changed ${changedByPlanOf(changedBy)})`;
  const incident = state.incident(run.incidentId);
  const newer = incident && olderVerdictBlocking(incident, run);
  return newer ? `no longer approvable (${olderVerdictShort(run, newer)})` : words;
}
