// The exact text of a resolved step, as shown in a plan and the postmortem: argv, SQL with its bound values, or the built-in.
import path from 'node:path';
import type { DescribeTools } from './steps/define-step-kind.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';
import { shellWord } from '../commands/shell-word.js';
import { boundValuesLine } from './bound-values-line.js';

export function describeStep(step: ResolvedStep, root: string): string {
  const tools: DescribeTools = {
    root,
    rel: (target) => {
      const relative = path.relative(root, target);
      return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
    },
    showArg: shellWord,
    bound: boundValuesLine,
  };
  const text = stepKind(step.kind).describe(step, tools);
  const wait = step.waitUntil;
  return wait ? `${text}  (repeated every ${wait.every} until ${wait.status.join(' or ')}, for at most ${wait.deadline})` : text;
}
