// What `journal verify` says of the lines the postmortem doubts (impossible-lines.ts): a chain that holds vouches for no writer.
import type { JournalVerification } from '../journal/accepted-damage.js';
import type { JournalRecord } from '../journal/record.js';
import { impossibleLines, impossibleLineWords } from '../postmortem/impossible-lines.js';
import { withLinesPastTheDamage } from '../postmortem/past-the-damage.js';
import { postmortemCommand } from '../commands/paste-able.js';
import { plural } from '../plural.js';

export interface DoubtfulLinesSaid {
  /** How many lines the bot could never have written: any makes the journal fail verification. */
  impossibleCount: number;
  /** For standard error, after what leads it: one line per impossible line, then what to do; empty if none. */
  impossible: string[];
  /** Warnings, as for a clock that went back: lines the bot wrote only under a setting they do not record. */
  toCheck: string[];
}

/**
 * The lines of `verify` the postmortem names, found by the one check it makes, over the same lines it reads (those past
 * unrepaired damage too, as they read): each named by its line and incident, with what to do.
 */
export function doubtfulLinesSaid(verify: JournalVerification, stateDir: string): DoubtfulLinesSaid {
  const shown = withLinesPastTheDamage(verify);
  const { impossible, toCheck } = impossibleLines(shown.records);
  const where = (record: JournalRecord) => `line ${shown.lineOf?.get(record) ?? record.seq}, ${record.incident === null ? 'no incident' : `incident ${record.incident}`}`;
  const impossibleSaid = [...impossible].map(([record, why]) => {
    // The postmortem marks it in its timeline: the command that shows it beside the rest of its incident.
    const postmortem = record.incident === null ? '' : `; \`${postmortemCommand(record.incident)}\` marks it in its timeline`;
    return `  ${where(record)}${unverifiedMark(shown, record)}: ${impossibleLineWords(why)} Compare it with the incident's Slack thread${postmortem}`;
  });
  if (impossibleSaid.length > 0) {
    impossibleSaid.push(
      `  Whoever could write ${stateDir} could write ${impossible.size === 1 ? 'it' : 'them'} and hash the chain again: find who (its owner and mode, the host's logins) and keep a copy of it as evidence. ` +
        `Nothing accepts such a line: \`journal repair\` accepts only a chain that fails, and the bot's state never lets one change a plan already decided`,
    );
  }
  return {
    impossibleCount: impossible.size,
    impossible: impossibleSaid,
    toCheck: [...toCheck].map(([record, what]) => `  warning: ${where(record)}: ${what} (not counted as a line the bot could never have written)`),
  };
}

/**
 * Said of a line read past unrepaired damage: its hash proves nothing (lines past it may have been rewritten and hashed
 * again together), so it is not to be read as a well-hashed line. Empty for a verified line, or one a repair accepted.
 */
function unverifiedMark(shown: ReturnType<typeof withLinesPastTheDamage>, record: JournalRecord): string {
  const past = shown.pastTheDamage;
  if (!past || !shown.unverified.has(record) || past.acceptedUnverified.has(record)) return '';
  return (shown.afterTheDamage ?? []).includes(record) ? ' (past the damage, unverified)' : " (unverified: the journal's end was rewritten and hashed again)";
}

/** "2 lines the bot could never have written". */
export function impossibleCountWords(count: number): string {
  return `${plural(count, 'line', 'lines')} the bot could never have written`;
}
