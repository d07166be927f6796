// Which plans waiting beside a plan on its database running it would leave unapprovable: said before it is approved.
import { writesOnlyBeside } from '../engine/step-passed.js';
import type { IncidentState, Run } from './state.js';

/**
 * The plans still approvable on `run`'s database, other than `run`, that it would make stale (staleBy) once it runs:
 * those proposed before it as well as after it (the earlier of two plans says so too, not only the later one). None
 * when it changes nothing the others were made on (only writes beside the database), or when they were made on its changes.
 */
export function plansItWouldVoid(state: IncidentState, run: Run, now: Date): { id: string; title: string }[] {
  if (!run.mutates || writesOnlyBeside(run.steps)) return [];
  return [...state.runs.values()]
    .filter(
      (other) =>
        other.id !== run.id &&
        other.status === 'pending' &&
        other.needsApproval &&
        other.mutates &&
        other.lockKey === run.lockKey &&
        other.continues !== run.id &&
        other.rollbackOf !== run.id &&
        (!other.expiresAt || Date.parse(other.expiresAt) > now.getTime()) &&
        !state.staleBy(other),
    )
    .map((other) => ({ id: other.id, title: other.title }));
}
