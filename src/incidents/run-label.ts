// What a run is called to the operator, in Slack and at the terminal: its kind, or "Cleanup" for a path that only tidies up;
// and where an incident stands, by its latest run.
import type { Incident, Run } from './state.js';

const labels: Record<string, string> = { diagnosis: 'Diagnosis', validation: 'Validation', recovery: 'Recovery', rollback: 'Rollback', inspection: 'Inspection' };

export function runLabel(run: Run): string {
  // A cleanup (dropping an incident's leftover clones) recovers nothing: "Recovery succeeded" would say it did.
  if (run.kind === 'recovery' && run.cleanup) return 'Cleanup';
  // A clone that a later plan swaps in has not recovered anything yet either.
  if (run.kind === 'recovery' && run.continuesWith) return 'First stage of the recovery';
  return labels[run.kind] ?? `${run.kind.charAt(0).toUpperCase()}${run.kind.slice(1)}`;
}

/** Where an incident stands, by its latest run: "recovery succeeded", "validation failed", "waiting for approval". */
export function incidentStatus(incident: Incident): string {
  const last = incident.runs.at(-1);
  if (!last) return 'opened';
  const labels: Record<string, string> = {
    pending: last.needsApproval ? 'waiting for approval' : 'starting',
    approved: 'approved, starting',
    running: `${last.kind} running`,
    succeeded: last.kind === 'diagnosis' ? 'diagnosis finished' : `${runLabel(last).toLowerCase()} succeeded`,
    failed: `${runLabel(last).toLowerCase()} failed`,
    rejected: 'plan rejected',
    expired: 'plan expired',
    interrupted: `${last.kind} interrupted`,
  };
  return labels[last.status] ?? last.status;
}
