// A recovery of something else than its incident's diagnosis looked at (another source), said alike everywhere.
import type { Runbook } from '../runbook/schema.js';
import type { Incident, Run } from './state.js';

/** A scenario's parameters as its runbook declares them, looked up when needed; undefined when unknown. */
export type ParametersOf = () => Runbook['parameters'] | undefined;

/**
 * What a recovery was given in place of what the diagnosis looked at, among the runbook's choices of what to work on (an
 * enum: a source), said as `name=value` each, then and now; undefined when it recovered what the diagnosis looked at. A
 * window's days or a moment chosen otherwise are the same thing recovered more or less widely, said elsewhere.
 * parametersOf: the runbook's parameters, asked for only when a value differs (the CLI's status loads the runbooks then).
 */
export function otherThanDiagnosed(incident: Incident, parametersOf: ParametersOf, params: Readonly<Record<string, string>>): { was: string; now: string } | undefined {
  const looked = incident.diagnosis?.params ?? {};
  const changed = Object.keys(looked).filter((name) => params[name] !== undefined && params[name] !== looked[name]);
  if (changed.length === 0) return undefined;
  const parameters = parametersOf();
  const differing = changed.filter((name) => parameters?.[name]?.type === 'enum');
  if (differing.length === 0) return undefined;
  return { was: differing.map((name) => `${name}=${String(looked[name])}`).join(' '), now: differing.map((name) => `${name}=${String(params[name])}`).join(' ') };
}

/** "not recovered: the diagnosis was of source=ebird; Path B: … ran for source=noaa instead", or undefined. */
export function recoveredElsewhere(incident: Incident, recovery: Run, parametersOf: ParametersOf): string | undefined {
  const elsewhere = otherThanDiagnosed(incident, parametersOf, recovery.params);
  return elsewhere && `not recovered: the diagnosis was of ${elsewhere.was}; ${recovery.title} ran for ${elsewhere.now} instead`;
}

/**
 * For a validation that passed over a recovery of something else than the diagnosis looked at (the last recovery or
 * rollback of the incident that started before it, a cleanup being neither): where the incident stands, "not
 * recovered: … instead, and its validation passed"; undefined for any other run.
 */
export function validatedElsewhere(incident: Incident, validation: Run, parametersOf: ParametersOf): string | undefined {
  if (validation.kind !== 'validation' || validation.status !== 'succeeded') return undefined;
  const before = incident.runs.slice(0, incident.runs.findIndex((r) => r.id === validation.id));
  const checked = before.filter((r) => (r.kind === 'recovery' || r.kind === 'rollback') && !r.cleanup && r.startedAt).at(-1);
  if (checked?.kind !== 'recovery' || checked.status !== 'succeeded') return undefined;
  const said = recoveredElsewhere(incident, checked, parametersOf);
  return said && `${said}, and its validation passed`;
}
