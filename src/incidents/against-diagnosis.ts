// Whether a typed recovery goes against its incident's diagnosis (a path the verdict did not offer), and what to say about it.
import type { RecoveryPath } from '../runbook/schema.js';
import type { Incident } from './state.js';

/**
 * What the plan should warn of when the incident's verdict did not offer this path: the operator may know better (a
 * typed command is never refused for it), but the approver must see that the evidence pointed elsewhere. A path that
 * works on what an earlier step left (needsIncident: a clone's swap, a cleanup) is offered by that step, not the verdict.
 */
export function againstDiagnosis(incident: Incident, recovery: RecoveryPath): string | undefined {
  const diagnosis = incident.diagnosis;
  if (!diagnosis || recovery.needsIncident || diagnosis.paths.includes(recovery.id)) return undefined;
  const offered = diagnosis.paths.length === 0 ? 'offered no recovery' : `offered ${diagnosis.paths.map((p) => `path ${p.toUpperCase()}`).join(' or ')}`;
  return `The diagnosis of this incident (verdict "${diagnosis.title}") ${offered}, not path ${recovery.id.toUpperCase()}: this plan was typed against it. Read the evidence in the thread before approving.`;
}
