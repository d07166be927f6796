// The values the engine puts into runbook templates beside the parameters; the load-time check reads their names from here.
import { render, type TemplateContext } from '../runbook/template.js';
import type { ReleasedSnapshot } from './released-snapshots.js';
import type { RollbackSnapshot } from './rollback-snapshots.js';
import type { TakenSnapshot } from './taken-snapshots.js';

/** Values every template of an incident can read. */
export const engineValueNames = ['root', 'database_path', 'state_dir', 'incident_id', 'incident_slug', 'now', 'diagnosis', 'targets', 'names'] as const;
/** {{targets.<local|motherduck|backend>.<field>}}: the database targets, DATABOX_BACKEND's one as `backend`. */
export const targetValueNames = ['local', 'motherduck', 'backend'] as const;
export const targetFieldNames = ['name', 'database', 'label', 'lock'] as const;
/**
 * Values only some templates see: a verdict's `steps` (its diagnosis' step outputs), a rollback's `recovery` (the step
 * outputs of the recovery it undoes), a recovery's `previews` (the counts taken when it was proposed; a validation's are
 * those of the recovery in place, when it had the validation's parameters), a repeated
 * argv group's `item`, a validation's `restored` (the moment its database was last restored to: "at …" or
 * "in snapshot '…'", read by the engine for table-counts' notFewerThan), and a validation's `taken_from` (where each
 * of its fromIncident parameters came from, by name).
 */
export const scopedValueNames = ['steps', 'recovery', 'previews', 'item', 'restored', 'taken_from'] as const;
/** What every step's entry in `steps`, `recovery` and `diagnosis` carries besides the outputs its kind declares. */
export const stepResultFields = ['status', 'summary'] as const;

/**
 * Besides those, released_snapshots, rollback_snapshots and taken_snapshots: read by the snapshot-history and
 * bot-snapshots step kinds when they resolve, not by templates.
 */
export type EngineValues = Record<(typeof engineValueNames)[number] | 'released_snapshots' | 'rollback_snapshots' | 'taken_snapshots', unknown>;
export type ScopedValues = Partial<Record<(typeof scopedValueNames)[number], unknown>>;

export interface EngineValueSources {
  root: string;
  databasePath: string;
  stateDir: string;
  incidentId: string;
  /** The time the values are filled in (a plan's: when it is made), as used in file names (compactTimestamp). */
  now: string;
  /** The step outputs of the incident's diagnosis, by step id; empty before it has one. */
  diagnosis: StepOutputs;
  targets: Record<(typeof targetValueNames)[number], { name: string; database: string; label: string; lockKey: string }>;
  /** The runbook's `names`, each a template over the other engine values. */
  names: Record<string, string>;
  /** The named snapshots whose names a cleanup of this incident removed, by name (released-snapshots.ts). */
  releasedSnapshots: Record<string, ReleasedSnapshot>;
  /** The named snapshots the engine took before a rollback's steps of this incident, by name (rollback-snapshots.ts). */
  rollbackSnapshots: Record<string, RollbackSnapshot>;
  /** The named snapshots the engine took before a recovery's steps of this incident, by name (taken-snapshots.ts). */
  takenSnapshots: Record<string, TakenSnapshot>;
}

export type StepOutputs = Record<string, Record<string, unknown>>;

export function engineValues(from: EngineValueSources): EngineValues {
  const targets = Object.fromEntries(
    Object.entries(from.targets).map(([key, t]) => [key, { name: t.name, database: t.database, label: t.label, lock: t.lockKey }]),
  );
  const values = {
    root: from.root,
    database_path: from.databasePath,
    state_dir: from.stateDir,
    incident_id: from.incidentId,
    // The incident id as a name part: dbx-20260420-3fa2 → dbx_20260420_3fa2 (database names need no quoting then).
    incident_slug: from.incidentId.replace(/[^A-Za-z0-9_]/g, '_'),
    now: from.now,
    diagnosis: from.diagnosis,
    targets,
    names: {},
    released_snapshots: from.releasedSnapshots,
    rollback_snapshots: from.rollbackSnapshots,
    taken_snapshots: from.takenSnapshots,
  };
  return { ...values, names: Object.fromEntries(Object.entries(from.names).map(([name, template]) => [name, render(template, values)])) };
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
