// What would stop the validation after a recovery, or its rollback, for want of a program or the folder it starts in:
// found when the recovery's plan is made, since found after it changed the data it reads as a recovery that failed.
import { startProblems } from '../engine/plan-preflight.js';
import type { ResolvedStep } from '../engine/types.js';
import type { ProgramFinder } from '../process/find-program.js';
import type { RecoveryPath, Runbook, Step } from '../runbook/schema.js';

/**
 * The refusal's words, naming the part of the runbook and each step; undefined when every program it can know of now
 * can start. A step that cannot be resolved yet (it reads what the recovery or an earlier step outputs) is looked up
 * right before it runs, as every changing plan's programs are.
 */
export function followersWouldStop(
  rb: Runbook,
  recovery: RecoveryPath,
  resolve: (step: Step) => ResolvedStep | undefined,
  root: string,
  find?: ProgramFinder,
): string | undefined {
  const problemsOf = (steps: readonly Step[]) =>
    steps.flatMap((step) => {
      const resolved = resolve(step);
      return resolved ? startProblems(resolved, root, find) : [];
    });
  // A cleanup path has no validation after it (nothing of the pipeline to check).
  const validation = recovery.cleanup ? [] : problemsOf(rb.validation.steps);
  const rollback = recovery.rollback ? problemsOf([...recovery.rollback.guards, ...recovery.rollback.steps]) : [];
  const parts = [
    validation.length > 0 ? `the validation that runs after it could not start: ${validation.join('; ')}` : undefined,
    rollback.length > 0 ? `its rollback (path ${recovery.id.toUpperCase()}'s \`rollback:\`) could not start: ${rollback.join('; ')}` : undefined,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return (
    `refused, nothing was proposed: this plan could run, but ${parts.join('; and ')}. ` +
    `That is a mistake in the runbook ${rb.id}: fix it and propose again. Found only after the plan changed the data, it would read as a recovery that did not work`
  );
}
