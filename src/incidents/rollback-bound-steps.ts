// A rollback binds its inspect steps, guards, steps and previews to the recovery steps that ran (onlyIfRan): one naming a step the run never had is a runbook edited since.
import { rollbackParts } from '../runbook/rollback-parts.js';
import type { RecoveryPath } from '../runbook/schema.js';
import type { Run } from './state.js';

/**
 * Why the loaded runbook cannot roll this recovery run back: an onlyIfRan of its rollback names a step the run does not
 * have at all (renamed since, say), so the step bound to it would be left out silently, as if that step had not run.
 * A step the run left out (onlyIfGiven, not given) or a MotherDuck snapshot a local plan never takes is not missing.
 */
export function boundToStepsNotInRun(scenario: string, path: RecoveryPath, run: Run): string | undefined {
  const inRun = new Set(run.steps.map((step) => step.id));
  const given = (name: string) => (run.params[name] ?? '') !== '';
  const missing = (name: string): boolean => {
    if (inRun.has(name)) return false;
    const step = path.steps.find((s) => s.id === name) ?? path.steps.find((s) => `${s.id}_snapshot` === name);
    if (step && inRun.has(step.id)) return false;
    return !(step?.onlyIfGiven !== undefined && !given(step.onlyIfGiven));
  };
  const bound = rollbackParts(path.rollback).flatMap(({ part }) => (part.onlyIfRan === undefined ? [] : [part.onlyIfRan]));
  const expected = [...new Set(bound)].filter(missing);
  if (expected.length === 0) return undefined;
  const had = run.steps.filter((step) => !step.guard).map((step) => step.id);
  return (
    `path ${path.id.toUpperCase()} of the ${scenario} runbook has changed since ${run.id} ran: its rollback expects ${expected.length === 1 ? 'a step' : 'steps'} ${expected.map((id) => `"${id}"`).join(', ')}, ` +
    `which that run does not have (its steps: ${had.join(', ')}), so the rollback would leave out what undoes ${expected.length === 1 ? 'it' : 'them'}. ` +
    'Roll back by hand, or put back the runbook that ran it and ask again. Nothing was proposed'
  );
}
