// Plans that waited for an approval past their deadline: expired as of it in the postmortem, as the status and an approval see them.
import type { Incident, IncidentState, Run } from '../incidents/state.js';

/**
 * Marks the incident's plans still waiting in the journal at `now`, past their deadline, as expired, as `/databox status`
 * and an approval see them: only the bot's sweep or a late click writes a plan's expiry, and a terminal alone does
 * neither. Returns those plans: no journal line tells their expiry, so the timeline adds it.
 */
export function expirePastDeadline(incident: Incident, state: IncidentState, now: Date): Run[] {
  const overdue = incident.runs.filter((run) => run.status === 'pending' && run.expiresAt !== undefined && Date.parse(run.expiresAt) <= now.getTime());
  for (const run of overdue) {
    // As the bot's sweep records it: a plan another had made stale says so still, once expired.
    const changedBy = state.staleBy(run);
    Object.assign(run, { status: 'expired', ...(changedBy ? { outdatedBy: changedBy.id } : {}) });
  }
  return overdue;
}

/** When a plan expired: at its deadline, which the journal's line of it (a sweep's, a late click's) comes after. */
export function expiredAt(run: Pick<Run, 'expiresAt'> | undefined, recordedAt: string): string {
  return run?.expiresAt ?? recordedAt;
}
