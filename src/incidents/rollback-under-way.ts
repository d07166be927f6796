// Whether a recovery's rollback is under way or done: a rollback offer for it, shown again, would be one too many.
import type { Incident, Run } from './state.js';

const activeRollback = new Set(['pending', 'approved', 'running', 'succeeded']);

/** Rolled back already, or on its way (a plan asked for, approved, running). */
export function rollbackUnderWay(incident: Incident, recovery: Run): boolean {
  return incident.runs.some((other) => other.rollbackOf === recovery.id && activeRollback.has(other.status));
}
