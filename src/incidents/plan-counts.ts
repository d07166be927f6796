// The counts a recovery's plan took when it was made (its previews), for the validation of the same parameters to compare with.
import type { Run } from './state.js';

/**
 * The recovery's preview counts by id, when it ran with every one of `names` as the validation has them: counts of
 * another window are nothing to compare with. A preview whose table was not there counted nothing, and is left out.
 */
export function planCountsFor(recovery: Run | undefined, params: Readonly<Record<string, string>>, names: readonly string[]): Record<string, number> | undefined {
  if (!recovery?.previews || names.some((name) => (recovery.params[name] ?? '') !== (params[name] ?? ''))) return undefined;
  return Object.fromEntries(recovery.previews.filter((p) => p.missing === undefined).map((p) => [p.id, p.value]));
}
