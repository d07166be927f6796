// What a verdict's path buttons or a rollback offer can no longer do, decided exactly as a late click on them is refused.
import type { Run } from './state.js';

/**
 * A verdict whose paths a click would be refused for: its database changed since the diagnosis, or a newer diagnosis
 * of the incident gave another verdict (older-verdict.ts), or both.
 */
export interface SpentVerdict {
  kind: 'verdict';
  /**
   * The paths refused: every path a plan made on that diagnosis would act on (not a swap, not a cleanup); every path
   * of the verdict once another replaced it.
   */
  paths: string[];
  /** The run that first changed the database since the diagnosis, when one did. */
  changedBy?: Run;
  /** The diagnosis whose verdict replaced this one, when the incident was diagnosed again. */
  replacedBy?: Run;
  /** The command that diagnoses again, after which a path can be chosen. */
  diagnoseAgain: string;
}

/** A rollback offer a click on would be refused for: the recovery was rolled back already. */
export interface SpentRollbackOffer {
  kind: 'rollback';
  rollback: Run;
}

export type SpentOffer = SpentVerdict | SpentRollbackOffer;
