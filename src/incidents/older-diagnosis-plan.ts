// A plan made on one of its incident's verdicts, once a newer diagnosis gave another: no longer approvable, naming that one.
import { utcTime } from './approval-policy.js';
import type { Diagnosis, Incident, Run } from './state.js';

/** Journaled on a plan still waiting when its incident is diagnosed again: its message says it can no longer be approved. */
export const diagnosedAgainType = 'run.diagnosed-again';

/**
 * The diagnosis a recovery plan is made on, recorded as it is proposed: the incident's latest verdict. None for a plan
 * that works on what an earlier plan left (a swap continuing its clone, a cleanup of clones), whose own diagnosis is
 * that earlier plan's, nor for one proposed on an incident with no verdict (typed without incident=): no verdict was
 * its evidence, and its plan says so.
 */
export function madeOnDiagnosisOf(incident: Incident, plan: { kind: Run['kind']; continues?: string; cleanup?: boolean }): string | undefined {
  if (plan.kind !== 'recovery' || plan.continues !== undefined || plan.cleanup) return undefined;
  return incident.diagnosis?.runId;
}

/** The incident's latest verdict, when it is not the one `plan` was made on: the plan describes what that one no longer says. */
export function newerVerdictThan(incident: Incident, plan: Pick<Run, 'madeOnDiagnosis'>): Diagnosis | undefined {
  const latest = incident.diagnosis;
  return plan.madeOnDiagnosis !== undefined && latest !== undefined && latest.runId !== plan.madeOnDiagnosis ? latest : undefined;
}

/**
 * The newer verdict that makes `plan`, still waiting for approval, no longer approvable: the one test behind its
 * message, the status (Slack and a terminal) and the postmortem, so none of them calls it waiting.
 */
export function olderVerdictBlocking(incident: Incident, plan: Run): Diagnosis | undefined {
  return plan.status === 'pending' && plan.needsApproval ? newerVerdictThan(incident, plan) : undefined;
}

/** Plans of `incident` waiting for approval, made on an older verdict, that have not been noted against `newer` yet. */
export function waitingOnOlderVerdict(incident: Incident): { plan: Run; newer: Diagnosis }[] {
  return incident.runs.flatMap((plan) => {
    const newer = olderVerdictBlocking(incident, plan);
    if (!newer || plan.diagnosedAgain?.runId === newer.runId) return [];
    return [{ plan, newer }];
  });
}

/** Such a plan in a few words, for a status line or a postmortem's summary: which diagnosis it was made on, which replaced it. */
export function olderVerdictShort(plan: Pick<Run, 'madeOnDiagnosis'>, newer: Diagnosis): string {
  return `made on an older diagnosis, ${plan.madeOnDiagnosis}; diagnosed again since, ${newer.runId}`;
}

/**
 * Why `plan` can no longer be approved, and what to do instead: the same words on its message, in a refused approval
 * (Slack or a terminal) and in the journal.
 */
export function olderVerdictWords(plan: Pick<Run, 'incidentId' | 'madeOnDiagnosis'>, newer: Diagnosis): string {
  const instead = newer.paths.length > 0 ? 'propose again from that verdict if a recovery is still needed' : 'the newest verdict offers no recovery; if one is still needed, propose it again';
  return `this plan was made on an older diagnosis of incident ${plan.incidentId} (diagnosis ${plan.madeOnDiagnosis}), and the incident was diagnosed again since (diagnosis ${newer.runId} at ${utcTime(newer.at)}, verdict "${newer.title}"). Nothing of this plan ran: ${instead}`;
}
