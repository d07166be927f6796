// The programs a plan's steps will start, each looked up before the plan is proposed and again before it runs.
import type { ProgramFinder } from '../process/find-program.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

/** What is missing, one line per step that could not start its program; empty when every one can start. */
export function missingPrograms(steps: readonly ResolvedStep[], find: ProgramFinder, root: string): string[] {
  return steps.flatMap((step) =>
    (stepKind(step.kind).programs?.(step, root) ?? []).flatMap((use) => {
      const problem = find(use.file, use);
      return problem ? [`the step "${step.title}" runs ${use.file}, and ${problem}`] : [];
    }),
  );
}
