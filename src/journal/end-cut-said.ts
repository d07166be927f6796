// A cut at the journal's end recorded while the bot runs (by itself before its next line, or by a terminal sharing the
// journal) is logged as a warning, as a torn line set aside is: someone tailing the log learns of it when it happens.
import { journalRepairCommand } from '../commands/paste-able.js';
import type { Logger } from '../logger.js';
import { endCutType, type EndCut } from './end-cut.js';
import type { Journal } from './journal.js';

/** From now on: called after the journal is loaded, so the cuts its past lines recorded are not said again at each start. */
export function warnOfEndCuts(journal: Pick<Journal, 'onRecord'>, logger: Pick<Logger, 'warn'>): void {
  journal.onRecord((record) => {
    if (record.type !== endCutType) return;
    const cut = record.data as Partial<EndCut> & { bytesLost?: number };
    logger.warn(
      { seq: record.seq, lastSeq: cut.lastSeq, headSeq: cut.headSeq, lost: cut.lost, bytesLost: cut.bytesLost },
      `lines were cut from the journal's end: ${cut.reason ?? 'no reason recorded'}; the journal fails verification, and no change is proposed or approved, until a person accepts it with \`${journalRepairCommand}\``,
    );
  });
}
