// The files a changing step writes (its kind's writesFiles) that it left behind though it did not pass: kept rows a postmortem must name.
import fs from 'node:fs';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

/** The files `step` writes that are not there before it runs: any there after it ran are its own. */
export function filesNotThereYet(step: ResolvedStep): string[] {
  return (stepKind(step.kind).writesFiles?.(step) ?? []).filter((file) => !fs.existsSync(file));
}

/**
 * Of those, the ones there now. A step that fails after writing one (rows kept aside, then a DELETE DuckDB refuses)
 * names it only in its SQL, not in its outputs, which it sets on success: without this, no record would say it is there.
 */
export function filesLeft(notThereBefore: readonly string[]): string[] {
  return notThereBefore.filter((file) => fs.existsSync(file));
}
