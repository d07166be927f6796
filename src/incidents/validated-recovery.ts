// The validation that passed after a recovery of the incident itself: the incident is recovered, not merely "changed since".
import type { Incident, Run } from './state.js';
import type { Runbook } from '../runbook/schema.js';
import { partOfWindow } from './part-of-window.js';
import { validatedElsewhere } from './recovered-elsewhere.js';

/**
 * When `changedBy` (the run that last changed the incident's database) is a recovery of this incident that succeeded,
 * and the latest validation started after it passed: that validation. Undefined otherwise, and for one that leaves the
 * incident open all the same: passed on one part of a longer window, or over a recovery of another source than
 * diagnosed (`parameters`: its runbook's, to tell).
 */
export function validationThatPassed(incident: Incident, changedBy: Run, parameters: Runbook['parameters']): Run | undefined {
  if (changedBy.incidentId !== incident.id || changedBy.kind !== 'recovery' || changedBy.status !== 'succeeded') return undefined;
  const after = incident.runs.slice(incident.runs.findIndex((run) => run.id === changedBy.id) + 1);
  const validation = after.filter((run) => run.kind === 'validation' && run.startedAt !== undefined).at(-1);
  if (validation?.status !== 'succeeded' || !validation.finishedAt) return undefined;
  return partOfWindow(validation) || validatedElsewhere(incident, validation, () => parameters) ? undefined : validation;
}
