// What a plan leaves out because a parameter was not given, in one line for every front end and the postmortem.
import type { Run } from './state.js';

/** "Left out, as restore_from= was not given: Restore the previous SQLMesh plan", or undefined when nothing was. */
export function leftOutLine(run: Pick<Run, 'leftOut'>): string | undefined {
  const byParameter = new Map<string, string[]>();
  for (const step of run.leftOut ?? []) byParameter.set(step.parameter, [...(byParameter.get(step.parameter) ?? []), step.title]);
  if (byParameter.size === 0) return undefined;
  return [...byParameter].map(([parameter, titles]) => `Left out, as ${parameter}= was not given: ${titles.join('; ')}`).join('. ');
}
