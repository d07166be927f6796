// Which verdict an incident is about (the one its recovery was proposed on), told from the checks diagnosed after it.
import type { Diagnosis, Incident } from './state.js';

/**
 * The verdict that led to the incident's first recovery; with no recovery proposed, the latest verdict (nothing was
 * done, so the latest is what the incident found). A diagnosis after a recovery checks it, and does not replace it.
 */
export function verdictOfRecord(incident: Pick<Incident, 'diagnosis' | 'recoveredOn'>): Diagnosis | undefined {
  return incident.recoveredOn ?? incident.diagnosis;
}

/** The verdicts given after the verdict of record: follow-up checks, in order. */
export function followUpVerdicts(incident: Pick<Incident, 'diagnosis' | 'recoveredOn' | 'verdicts'>): Diagnosis[] {
  const ofRecord = verdictOfRecord(incident);
  const verdicts = incident.verdicts ?? [];
  const at = ofRecord ? verdicts.indexOf(ofRecord) : -1;
  return at < 0 ? [] : verdicts.slice(at + 1);
}
