// Each mart's newest day as a path's guards read it before its plan (the backup's, and the database's when it opens): said in the plan, for the approver to compare.
import path from 'node:path';
import type { ResolvedStep, StepResult } from '../engine/types.js';

/** What a guard ran on and found, as checkGuards gives it back. */
export interface GuardRead {
  step: ResolvedStep;
  result: StepResult;
}

/** "Each mart's newest day, as the checks read them before this plan: in <file>, …; in <file>, …."; undefined when none read one. */
export function guardsReadNewestSaid(reads: readonly GuardRead[], root: string): string | undefined {
  const said = reads.flatMap(({ step, result }) => {
    const newest = result.outputs.newest;
    const file = (step as ResolvedStep & { path?: string }).path;
    if (typeof newest !== 'string' || newest === '' || !file) return [];
    const relative = path.relative(root, file);
    return [`in ${relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file}, ${newest}`];
  });
  return said.length > 0 ? `Each mart's newest day, as the checks read them before this plan: ${said.join('; ')}.` : undefined;
}
