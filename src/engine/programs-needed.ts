// The programs a plan's steps will start, each looked up before the plan is proposed and again before it runs.
import type { ProgramFinder } from '../process/find-program.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

/** What is missing, one line per step that could not start its program; empty when every one can start. */
export function missingPrograms(steps: readonly ResolvedStep[], find: ProgramFinder): string[] {
  return steps.flatMap((step, index) =>
    (stepKind(step.kind).programs?.(step) ?? []).flatMap((use) => {
      const problem = find(use.file, use);
      return problem ? [`step ${index + 1} ("${step.title}") runs ${use.file}, and ${problem}`] : [];
    }),
  );
}
