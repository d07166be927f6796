// What would stop a changing plan half-way, found before it is proposed and again right before it runs: a program its
// steps start that is not there, or a step that could not do what its plan says (a move of a symbolic link).
import { findProgram, type ProgramFinder } from '../process/find-program.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

/** One line per problem, naming its step; empty when nothing is in the way. `find`: tests whose runner starts nothing pass their own. */
export function preflightProblems(steps: readonly ResolvedStep[], root: string, find: ProgramFinder = findProgram): string[] {
  return steps.flatMap((step) => {
    const kind = stepKind(step.kind);
    const programs = (kind.programs?.(step, root) ?? []).flatMap((use) => {
      const problem = find(use.file, use);
      return problem ? [`the step "${step.title}" runs ${use.file}, and ${problem}`] : [];
    });
    const own = kind.refusal?.(step);
    return own ? [...programs, `the step "${step.title}": ${own}`] : programs;
  });
}
