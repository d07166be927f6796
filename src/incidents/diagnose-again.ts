// The command that diagnoses an incident again, as the thread and the terminal advise it: one that is not refused.
import { followUpCommand } from './reporter.js';
import type { Incident } from './state.js';

/**
 * With the parameters its diagnosis ran with; for an incident never diagnosed (a recovery typed straight away), those
 * of its latest recovery that the diagnosis takes (a backfill's source and window), so the command is not refused.
 */
export function diagnoseAgainCommand(incident: Incident, diagnosisParameters: readonly string[]): string {
  const recovered = incident.runs.filter((run) => run.kind === 'recovery').at(-1)?.params ?? {};
  const params = incident.diagnosis?.params ?? Object.fromEntries(Object.entries(recovered).filter(([name]) => diagnosisParameters.includes(name)));
  return `${followUpCommand({ scenario: incident.scenario, params })} incident=${incident.id}`;
}
