// A rollback's inspect step, guard, preview or step that reads a recovery step's outputs must be bound to that step (onlyIfRan) when it may have none.
import type { TemplateUse } from '../engine/steps/define-step-kind.js';
import { stepKind } from '../engine/steps/index.js';
import { leftOut, skippedOnItsCondition, unsetWhenEnding } from './step-outputs.js';
import { placeholderUses } from './template.js';
import type { Preview, Step } from './schema.js';

/** Every template of a step that is filled in when its plan is made: its kind's, and what to do when it fails (whenFailed). */
export function stepTemplates(step: Step): TemplateUse[] {
  return [...stepKind(step.kind).templates(step), ...(step.whenFailed === undefined ? [] : [{ at: ['whenFailed'], template: step.whenFailed, as: 'text' as const }])];
}

/** Every template of a preview, all filled in when its plan is made. */
export function previewTemplates(preview: Preview): TemplateUse[] {
  return [
    { at: ['sql'], template: preview.sql, as: 'sql' },
    ...preview.params.map((param, k) => ({ at: ['params', k], template: param, as: 'text' as const })),
    ...(preview.ifTableMissing ? [{ at: ['ifTableMissing', 'table'], template: preview.ifTableMissing.table, as: 'sql' as const }] : []),
    ...(preview.ifView ? [{ at: ['ifView', 'table'], template: preview.ifView.table, as: 'sql' as const }] : []),
  ];
}

/** A recovery step's output some template reads: {{recovery.<id>.<output>}}. */
export interface RecoveryOutputRead {
  id: string;
  output: string;
  placeholder: string;
}

/** Every recovery output these templates read, not the optional {{…?}}, each once, in the order they are written. */
export function recoveryOutputsRead(uses: readonly TemplateUse[]): RecoveryOutputRead[] {
  const expressions = uses.flatMap((use) => (use.as === 'list' ? [{ expression: use.template, optional: false }] : placeholderUses(use.template)));
  const read = new Map<string, RecoveryOutputRead>();
  for (const { expression, optional } of expressions) {
    const [head, id, output] = expression.split('.');
    if (!optional && head === 'recovery' && id !== undefined && output !== undefined && !read.has(`${id}.${output}`)) read.set(`${id}.${output}`, { id, output, placeholder: `{{${expression}}}` });
  }
  return [...read.values()];
}

/** The recovery steps whose outputs these templates read, each with the first of its outputs read. */
export function recoveryStepsRead(uses: readonly TemplateUse[]): RecoveryOutputRead[] {
  const first = new Map<string, RecoveryOutputRead>();
  for (const read of recoveryOutputsRead(uses)) if (!first.has(read.id)) first.set(read.id, read);
  return [...first.values()];
}

/** The lockKey of a runbook whose plans always change MotherDuck, so always have the engine's named snapshots. */
export const motherDuckLockKey = '{{targets.motherduck.lock}}';

/**
 * Why the engine's named snapshot before a destructive step (<id>_snapshot) may be missing: a plan takes one only when it
 * changes MotherDuck (holds its lock), so a run on a local DuckDB file has no such step, and its rollback nothing to read there.
 */
export const snapshotTakenOnMotherDuckOnly = 'the engine takes it only when the plan changes MotherDuck, so a run on a local DuckDB database has none';

/**
 * Why a recovery step may end, its plan going on, without `output` (skipped, left out, or another status it accepts),
 * as the one rule of an output left unset (unsetWhenEnding) reads each of those endings; undefined when every one of
 * them sets it, or the step always ends "ok" or stops the recovery.
 */
export function mayEndWithoutOutput(step: Step, output: string): string | undefined {
  const otherwise = step.acceptStatuses.filter((status) => status !== 'ok' && unsetWhenEnding(step, output, status));
  const ways = [
    ...('ifMissing' in step && step.ifMissing === 'skip' ? [{ ending: 'skipped', why: 'it has ifMissing: skip, so it is skipped when there is nothing to move' }] : []),
    ...('ifTableMissing' in step && step.ifTableMissing === 'skip' ? [{ ending: 'skipped', why: 'it has ifTableMissing: skip, so it is skipped when the table is not there' }] : []),
    ...(step.onlyIf ? [{ ending: skippedOnItsCondition, why: 'it has an onlyIf, so it is skipped when that does not hold' }] : []),
    ...(step.onlyIfGiven !== undefined ? [{ ending: leftOut, why: `it has onlyIfGiven: ${step.onlyIfGiven}, so it is left out when that is not given` }] : []),
    ...(otherwise.length > 0 ? [{ ending: otherwise[0] as string, why: `it accepts ${otherwise.map((status) => `"${status}"`).join(', ')} as well as "ok"` }] : []),
  ];
  return ways.find(({ ending }) => unsetWhenEnding(step, output, ending))?.why;
}
