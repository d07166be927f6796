// What a thread says when the validation after a recovery whose path has no rollback fails: that nothing the bot
// offers undoes it, and the files it kept, which are then all there is to compare with or put back by hand.
import type { RecoveryPath, Runbook } from '../runbook/schema.js';
import { keptByRun } from '../postmortem/kept-on-disk.js';
import type { Run } from './state.js';

export function noRollbackAfterFailedValidation(rb: Runbook, path: RecoveryPath, recovery: Run): string {
  const kept = keptByRun(recovery);
  const keptSaid =
    kept.length > 0
      ? `What it kept before changing anything, to compare with or put back by hand: ${kept.map((file) => `\`${file}\``).join(', ')} (the postmortem lists them under Kept on disk).`
      : 'It kept nothing on disk before changing the data.';
  return `The validation failed, and path ${path.id.toUpperCase()} of ${rb.id} (${path.title}) has no rollback: nothing the bot offers undoes what plan ${recovery.id} changed. ${keptSaid}`;
}
