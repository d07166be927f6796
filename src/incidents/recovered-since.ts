// Incidents a later incident fixed since: its recovery of the same scenario, with the same parameters, on the same
// database, stands and its validation passed. An incident rolled back a week ago is then no one's to finish: the status
// settles it, saying by which, instead of listing it as unfinished among the ones that matter.
import type { Incident, Run } from './state.js';

export interface RecoveredSince {
  incident: string;
  recovery: string;
  /** When the validation after that recovery passed. */
  validatedAt: string;
}

interface Fix extends RecoveredSince {
  lockKey: string;
  recoveredAt: string;
}

/** One string for a scenario and its parameters, the same for the same parameters in any order. */
export function sameDiagnosisKey(scenario: string, params: Record<string, string>): string {
  return JSON.stringify([scenario, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/**
 * The incident's fix, when it stands at one: its latest standing recovery succeeded, and a validation after it passed,
 * that the status does not flag (a recovery of another source than diagnosed, one another incident's undid since).
 */
function fixOf(incident: Incident, stands: (run: Run) => boolean, flagged: (run: Run) => boolean): Fix | undefined {
  const recovery = incident.runs.filter(stands).at(-1);
  if (!recovery?.startedAt || recovery.status !== 'succeeded' || flagged(recovery)) return undefined;
  const after = incident.runs.slice(incident.runs.indexOf(recovery) + 1);
  const validation = after.filter((r) => r.kind === 'validation' && r.startedAt).at(-1);
  if (validation?.status !== 'succeeded' || !validation.finishedAt || flagged(validation)) return undefined;
  return { incident: incident.id, recovery: recovery.id, validatedAt: validation.finishedAt, lockKey: recovery.lockKey, recoveredAt: recovery.startedAt };
}

/**
 * For each incident, the latest later incident's fix (fixOf) of its scenario with the same parameters, on the database
 * its plans changed (any, when it planned none), whose recovery started after anything happened in it (`activity`).
 */
export function recoveredSince(
  incidents: readonly Incident[],
  activity: ReadonlyMap<string, string>,
  stands: (run: Run) => boolean,
  flagged: (run: Run) => boolean,
): Map<string, RecoveredSince> {
  const fixes = new Map<string, Fix[]>();
  for (const incident of incidents) {
    const fix = incident.diagnosis && !incident.abandoned ? fixOf(incident, stands, flagged) : undefined;
    if (!fix || !incident.diagnosis) continue;
    const key = sameDiagnosisKey(incident.scenario, incident.diagnosis.params ?? {});
    const group = fixes.get(key) ?? [];
    group.push(fix);
    fixes.set(key, group);
  }
  for (const group of fixes.values()) group.sort((a, b) => b.recoveredAt.localeCompare(a.recoveredAt));
  const found = new Map<string, RecoveredSince>();
  for (const incident of incidents) {
    if (!incident.diagnosis || incident.abandoned) continue;
    const since = activity.get(incident.id) ?? '';
    const database = incident.runs.filter((r) => r.mutates).at(-1)?.lockKey;
    for (const fix of fixes.get(sameDiagnosisKey(incident.scenario, incident.diagnosis.params ?? {})) ?? []) {
      if (fix.recoveredAt <= since) break;
      if (fix.incident === incident.id || (database !== undefined && fix.lockKey !== database)) continue;
      found.set(incident.id, { incident: fix.incident, recovery: fix.recovery, validatedAt: fix.validatedAt });
      break;
    }
  }
  return found;
}
