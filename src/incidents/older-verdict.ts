// A path button or form of one of an incident's verdicts, once a newer diagnosis gave another: refused, naming that one.
import { UserError } from '../errors.js';
import { utcTime } from './approval-policy.js';
import type { Incident, Run } from './state.js';

/**
 * The incident's diagnoses that gave a verdict, in the order their verdicts were journaled: the last is the one
 * `incident.diagnosis` holds. Not the order they were proposed in: a diagnosis proposed later can finish first.
 */
export function diagnosesWithVerdict(incident: Incident): Run[] {
  const journaled = (incident.verdicts ?? []).map((verdict) => verdict.runId);
  const place = (run: Run) => journaled.lastIndexOf(run.id);
  return incident.runs.filter((run) => run.kind === 'diagnosis' && run.verdict !== undefined).sort((a, b) => place(a) - place(b));
}

/** The diagnosis whose verdict was journaled next after `diagnosis`'s: the one whose verdict replaced its. */
export function replacedBy(incident: Incident, diagnosis: Run): Run | undefined {
  const diagnoses = diagnosesWithVerdict(incident);
  const at = diagnoses.findIndex((run) => run.id === diagnosis.id);
  return at === -1 ? undefined : diagnoses[at + 1];
}

/** The diagnosis whose verdict was journaled last before `diagnosis`'s: the one whose verdict its own replaced. */
export function replacedVerdictOf(incident: Incident, diagnosis: Run): Run | undefined {
  const diagnoses = diagnosesWithVerdict(incident);
  const at = diagnoses.findIndex((run) => run.id === diagnosis.id);
  return at > 0 ? diagnoses[at - 1] : undefined;
}

/** When a diagnosis gave its verdict, as a time of day in UTC. */
export const diagnosedAt = (diagnosis: Run): string => utcTime(diagnosis.verdict?.at ?? diagnosis.finishedAt ?? diagnosis.proposedAt);

/** The latest verdict named for the person: its diagnosis, when, and what it said. */
function latestSaid(incident: Incident): string {
  const latest = incident.diagnosis;
  return latest ? `diagnosis ${latest.runId} at ${utcTime(latest.at)}, verdict "${latest.title}"` : 'none';
}

/**
 * Refuses a path chosen on the verdict of `diagnosisId` when it is not the incident's latest: a plan is made on the
 * latest diagnosis, which is not what the clicked message said. `undefined`: a button drawn before buttons named their
 * diagnosis, whose message nobody journaled; taken as before when the incident has a single verdict, refused otherwise.
 * `clicked`: what the person used, a path button or the form it opened.
 */
export function refuseOlderVerdict(incident: Incident, diagnosisId: string | undefined, clicked: 'button' | 'form' = 'button'): void {
  const latest = incident.diagnosis?.runId;
  if (diagnosisId === undefined) {
    const count = diagnosesWithVerdict(incident).length;
    if (count <= 1) return;
    throw new UserError(
      `this button was drawn before path buttons said which diagnosis they belong to, and incident ${incident.id} has been diagnosed ${count} times, so which verdict it is on is not known. Nothing was proposed: use the path buttons on the latest verdict (${latestSaid(incident)}), further down the thread, or type its path's command from that verdict's "Or type" line`,
    );
  }
  if (diagnosisId === latest) return;
  const drawnBy = incident.runs.find((run) => run.id === diagnosisId && run.kind === 'diagnosis');
  if (!drawnBy) throw new UserError(`this ${clicked} names diagnosis ${diagnosisId}, which is not one of incident ${incident.id}'s; nothing was proposed`);
  throw new UserError(
    `this ${clicked} is on an older verdict of incident ${incident.id} (diagnosis ${drawnBy.id} at ${diagnosedAt(drawnBy)}): it was diagnosed again since (${latestSaid(incident)}), and a plan is made on the latest diagnosis. Nothing was proposed: ${incident.diagnosis?.paths.length ? 'use the path buttons on that verdict, further down the thread' : 'the newest verdict offers no recovery'}`,
  );
}
