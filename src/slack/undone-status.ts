// Where an incident stands once what recovered it was undone (rolled back, or another incident's recovery went back to a
// moment before it), as the top of its thread says it: someone skimming the channel reads "not recovered" first, then
// what happened and when, not the success it once was.
import { endedWords, runLabel } from '../incidents/run-label.js';
import type { UndoneByOther } from '../incidents/recoveries-undone.js';
import type { Incident, Run } from '../incidents/state.js';
import { atUtc } from '../timestamps.js';

/** When a run ended (or started, or was proposed), with the day when that is not the day the incident was opened. */
function when(run: Run, incident: Incident): string {
  return atUtc(run.finishedAt ?? run.startedAt ?? run.proposedAt, incident.openedAt);
}

/** "recovery dbx-…/2 succeeded at 14:02 UTC" */
function ran(run: Run, incident: Incident): string {
  return `${runLabel(run).toLowerCase()} ${run.id} ${endedWords(run)} ${when(run, incident)}`;
}

/** After a rollback of the incident's recovery that succeeded. */
export function rolledBackStatus(incident: Incident, rollback: Run): string {
  const recovery = incident.runs.find((run) => run.id === rollback.rollbackOf);
  return `not recovered: ${recovery ? `${ran(recovery, incident)}, then ` : ''}rolled back by ${rollback.id} ${when(rollback, incident)}; diagnose again`;
}

/** After another incident's recovery undid the incident's (undoneIncidents). */
export function undoneStatus(incident: Incident, undone: UndoneByOther): string {
  const { recovery, by, backTo } = undone;
  return `not recovered: ${ran(recovery, incident)}, then was undone ${when(by, incident)} by plan ${by.id} of incident ${by.incidentId}, which went back to ${backTo}; diagnose again`;
}
