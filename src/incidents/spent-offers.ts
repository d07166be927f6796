// What a verdict's path buttons or a rollback offer can no longer do, decided exactly as a late click on them is refused.
import type { Run } from './state.js';

/** A verdict whose paths a click would be refused for (its database changed since the diagnosis). */
export interface SpentVerdict {
  kind: 'verdict';
  /** The paths refused: every path a plan made on that diagnosis would act on (not a swap, not a cleanup). */
  paths: string[];
  /** The run that first changed the database since the diagnosis: what spent the buttons. */
  changedBy: Run;
  /** The command that diagnoses again, after which a path can be chosen. */
  diagnoseAgain: string;
}

/** A rollback offer a click on would be refused for: the recovery was rolled back already. */
export interface SpentRollbackOffer {
  kind: 'rollback';
  rollback: Run;
}

export type SpentOffer = SpentVerdict | SpentRollbackOffer;
