// What a run is called to the operator, in Slack and at the terminal: its kind, or "Cleanup" for a path that only tidies up.
import type { Run } from './state.js';

const labels: Record<string, string> = { diagnosis: 'Diagnosis', validation: 'Validation', recovery: 'Recovery', rollback: 'Rollback', inspection: 'Inspection' };

export function runLabel(run: Run): string {
  // A cleanup (dropping an incident's leftover clones) recovers nothing: "Recovery succeeded" would say it did.
  if (run.kind === 'recovery' && run.cleanup) return 'Cleanup';
  // A clone that a later plan swaps in has not recovered anything yet either.
  if (run.kind === 'recovery' && run.continuesWith) return 'First stage of the recovery';
  return labels[run.kind] ?? `${run.kind.charAt(0).toUpperCase()}${run.kind.slice(1)}`;
}

/** Where an incident stands after a rollback that succeeded: back where it was, never a green "succeeded". */
export const rolledBackWords = 'rolled back, so not recovered: diagnose again';

/** How a run ended, in a word or two: a plan stopped before its first step is "not started", not "interrupted". */
export function endedWords(run: Pick<Run, 'status' | 'startedAt'>): string {
  return run.status === 'interrupted' && run.startedAt === undefined ? 'not started' : run.status;
}
