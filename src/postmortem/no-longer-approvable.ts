// How the postmortem names a plan still pending that another plan's changes made no longer approvable (not "pending").
import type { IncidentState, Run } from '../incidents/state.js';

/** "no longer approvable (plan `…` changed its database)" for such a plan, as an approval would be refused; else `words`. */
export function orNoLongerApprovable(run: Run, state: Pick<IncidentState, 'staleBy'>, words: string): string {
  const changedBy = run.status === 'pending' ? state.staleBy(run) : undefined;
  return changedBy ? `no longer approvable (plan \`${changedBy.id}\` changed its database)` : words;
}
