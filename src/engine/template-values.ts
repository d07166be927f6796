// The values the engine puts into runbook templates beside the parameters; the load-time check reads their names from here.
import type { TemplateContext } from '../runbook/template.js';

/** Values every template of an incident can read. */
export const engineValueNames = ['root', 'database_path', 'state_dir', 'incident_id', 'now', 'diagnosis'] as const;
/**
 * Values only some templates see: a verdict's `steps` (its diagnosis' step outputs), a rollback's `recovery` (the step
 * outputs of the recovery it undoes), a recovery's `previews` (the counts taken when it was proposed), and a repeated
 * argv group's `item`.
 */
export const scopedValueNames = ['steps', 'recovery', 'previews', 'item'] as const;
/** What every step's entry in `steps`, `recovery` and `diagnosis` carries besides the outputs its kind declares. */
export const stepResultFields = ['status', 'summary'] as const;

export type EngineValues = Record<(typeof engineValueNames)[number], unknown>;
export type ScopedValues = Partial<Record<(typeof scopedValueNames)[number], unknown>>;

export interface EngineValueSources {
  root: string;
  databasePath: string;
  stateDir: string;
  incidentId: string;
  /** The incident's time stamp as used in file names (compactTimestamp). */
  now: string;
  /** The step outputs of the incident's diagnosis, by step id; empty before it has one. */
  diagnosis: StepOutputs;
}

export type StepOutputs = Record<string, Record<string, unknown>>;

export function engineValues(from: EngineValueSources): EngineValues {
  return {
    root: from.root,
    database_path: from.databasePath,
    state_dir: from.stateDir,
    incident_id: from.incidentId,
    now: from.now,
    diagnosis: from.diagnosis,
  };
}

/** A template context: the engine's values, the operator's parameters, and the values only this template sees. */
export function templateContext(engine: EngineValues, params: TemplateContext, scoped: ScopedValues = {}): TemplateContext {
  return { ...engine, ...params, ...scoped };
}

/** Adds values only some templates see to a context that already has the rest. */
export function withScopedValues(values: TemplateContext, scoped: ScopedValues): TemplateContext {
  return { ...values, ...scoped };
}

/** Each finished step's outputs, with its status and summary, by step id. */
export function stepOutputs(results: readonly { stepId: string; status: string; summary: string; outputs: Record<string, unknown> }[]): StepOutputs {
  return Object.fromEntries(
    results.map((r) => {
      const fields: Record<(typeof stepResultFields)[number], string> = { status: r.status, summary: r.summary };
      return [r.stepId, { ...r.outputs, ...fields }];
    }),
  );
}
