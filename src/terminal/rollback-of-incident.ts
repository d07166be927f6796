// `rollback <incident-id>`: a rollback undoes one recovery, named by its run id; the incident's recoveries it could be are listed.
import type { IncidentState } from '../incidents/state.js';
import { hasRollbackIn } from '../incidents/standing-changes.js';
import type { Runbook } from '../runbook/schema.js';

/** What to say to a rollback given an incident's id: the incident's recoveries that ran and can be rolled back, by run id. */
export function rollbackOfIncidentWords(incidentId: string, state: IncidentState, runbookOf: (scenario: string) => Runbook | undefined, cliName: string): string {
  const incident = state.incident(incidentId);
  const standing = state.standingRecoveries();
  const hasRollback = hasRollbackIn(state, runbookOf);
  const undoable = (incident?.runs ?? []).filter((run) => run.startedAt && standing(run) && hasRollback(run));
  const takes = `rollback takes the run id of the recovery to undo (${incidentId}/N, shown with its plan), not an incident id`;
  if (undoable.length === 0) return `${takes}, and ${incidentId} has no recovery that ran and can be rolled back`;
  const listed = undoable.map((run) => `${run.id} (${run.title}: ${run.status})`).join('; ');
  return `${takes}. Of ${incidentId}, these can be rolled back: ${listed}. Type \`${cliName} rollback ${undoable.at(-1)?.id}\` for the latest`;
}
