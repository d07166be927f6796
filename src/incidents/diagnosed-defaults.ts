// A typed recover on an incident takes what its diagnosis found (the missed window, say) for the parameters it leaves out.
import { UserError } from '../errors.js';
import type { RecoveryPath } from '../runbook/schema.js';
import type { Incident } from './state.js';

/** The operator's own values, plus the diagnosis' suggestion for each parameter of the path they did not give. */
export function withDiagnosedDefaults(recovery: RecoveryPath, incident: Incident | undefined, given: Record<string, string>): Record<string, string> {
  const suggested = incident?.diagnosis?.suggested ?? {};
  const filled = { ...given };
  for (const name of recovery.parameters) {
    if ((filled[name] === undefined || filled[name] === '') && suggested[name]) filled[name] = suggested[name];
  }
  return filled;
}

/** A refusal for a parameter still missing says why nothing filled it in: no diagnosis, or one that found nothing to suggest. */
export function explainMissing(error: unknown, incident: Incident | undefined): unknown {
  if (!(error instanceof UserError) || !/^missing /m.test(error.message)) return error;
  const why = !incident
    ? 'give it, or add incident=<id> of an incident whose diagnosis found it'
    : !incident.diagnosis
      ? `incident ${incident.id} has no diagnosis to take it from: give it, or diagnose first`
      : `the diagnosis of incident ${incident.id} ("${incident.diagnosis.title}") found nothing to fill it in: give it`;
  return new UserError(`${error.message}\n(${why})`);
}
