// How a run that changes nothing is called: read-only, or read-only but for what it writes beside the database and drops.
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

export function readOnlyWords(steps: readonly ResolvedStep[]): string {
  const scratch = [...new Set(steps.flatMap((step) => stepKind(step.kind).scratchWrites?.(step as never) ?? []))];
  return scratch.length > 0 ? `read-only but for ${scratch.join('; ')}` : 'read-only';
}
