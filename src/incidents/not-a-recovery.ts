// Why a run asked to be rolled back is not one to roll back, naming the incident's recoveries that are.
import { endedWords, runLabel } from './run-label.js';
import type { Incident, Run } from './state.js';

/** "dbx-…/3 is a validation, not a recovery: the recovery of dbx-… that ran is dbx-…/2 (Path A: …, succeeded); roll that back". */
export function notARecovery(run: Run, incident: Incident): string {
  const kind = runLabel(run).toLowerCase();
  const ran = incident.runs.filter((r) => r.kind === 'recovery' && r.pathId && !r.cleanup && r.startedAt !== undefined);
  const which =
    ran.length === 0
      ? `no recovery of ${incident.id} has run, so there is nothing to roll back`
      : `${ran.length === 1 ? `the recovery of ${incident.id} that ran is` : `the recoveries of ${incident.id} that ran are`} ${ran.map((r) => `${r.id} (${r.title}, ${endedWords(r)})`).join(', ')}: roll ${ran.length === 1 ? 'that' : 'one of those'} back`;
  return `${run.id} is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}, not a recovery: ${which}`;
}
