// What a recovery path must be given on its incident's diagnosis: its requires, but for what that verdict found empty.
import type { RecoveryPath } from '../runbook/schema.js';
import type { Diagnosis } from './state.js';

/**
 * The path's `requires`, less the parameters the diagnosis' verdict offered it knowing there is nothing to give
 * (`knownEmpty`: scenario 4's window, no day missed yet). A window the diagnosis could not size is still required.
 */
export function requiredOn(path: RecoveryPath, diagnosis: Diagnosis | undefined): string[] {
  const empty = diagnosis?.paths.includes(path.id) ? (diagnosis.knownEmpty ?? []) : [];
  return path.requires.filter((name) => !empty.includes(name));
}
