// An incident as one of its diagnoses left it: that run's own verdict in place of the incident's latest.
import type { Incident, Run } from './state.js';

/**
 * `incident` with `diagnosis`' verdict as its diagnosis, so an older verdict's message is rendered, and its buttons told
 * spent, from what that diagnosis said, not from a later one. Undefined for a run that gave no verdict.
 */
export function asDiagnosedBy(incident: Incident, diagnosis: Run): Incident | undefined {
  return diagnosis.verdict && { ...incident, diagnosis: diagnosis.verdict };
}
