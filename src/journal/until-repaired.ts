// What every message about a journal that fails verification says of the way out, in the same words wherever it is read.
import { journalRepairCommand, journalVerifyCommand } from '../commands/paste-able.js';

/**
 * Where the person reads it: at the bot's host (its log), away from it (Slack, where the commands are not run), or in
 * `journal verify`'s own report, which has just named the line.
 */
export type ReadWhere = 'host' | 'away' | 'verify-report';

/**
 * "no change is proposed or approved until a person has looked at it (…) and accepted it with `…journal repair…`, which
 * keeps a copy of the journal": what waits, what to look at first (accepting damage nobody read would hide what it was),
 * and the command that accepts it on the record. Each caller says before it what failed and what it refused.
 */
export function untilRepairedWords(readWhere: ReadWhere): string {
  const look =
    readWhere === 'verify-report'
      ? 'the line named and those around it, and the postmortem of its incident: a crash or a slip, or someone tampering?'
      : `\`${journalVerifyCommand}\`${readWhere === 'away' ? " at the bot's host" : ''} names the line; the incident's postmortem shows what it records`;
  return `no change is proposed or approved until a person has looked at it (${look}) and accepted it with \`${journalRepairCommand}\`, which keeps a copy of the journal`;
}
