// Journal lines no code path of the bot writes (an approval of a plan already decided, one naming another plan's hash, a
// self-approval of a plan that needs a teammate not recorded as allowed): a keyless hash chain cannot say who wrote a line, so these are named;
// and approvals to check (a self-approval from before the setting was recorded, one from the requester's own OS account).
import type { JournalRecord } from '../journal/record.js';
import { osAccountSaid, recordedOsAccount, type OsAccount } from '../terminal/os-account.js';

/** What is said of such a line, after why it could not be the bot's. */
export const impossibleNote = 'impossible for the bot: written by hand?';

/** What is said of a self-approval written before approvals recorded that DATABOX_ALLOW_SELF_APPROVAL allowed it. */
export const selfApprovalToCheck = 'a self-approval: allowed only if DATABOX_ALLOW_SELF_APPROVAL was on; check';

/**
 * What is said of an approval typed under another name than the request's, from the same OS account: the names typed at a
 * terminal vouch for nobody, and one login asked for the plan and approved it.
 */
export const sameOsAccountToCheck = (account: OsAccount) =>
  `requested and approved from the same OS account (${osAccountSaid(account)}), under two names typed at the terminal: one login may have done both; check`;

export interface DoubtfulLines {
  /** Lines the bot could never have written, with why. */
  impossible: Map<JournalRecord, string>;
  /** Lines the bot wrote only under a setting they do not record, with what to check. */
  toCheck: Map<JournalRecord, string>;
}

interface Proposed {
  hash?: string;
  requestedBy: string | null;
  needsTeammate: boolean;
  /** The OS account the request was typed from, where the journal recorded one (a terminal's, since it records them). */
  osAccount?: OsAccount;
}

const decisions: Record<string, string> = { 'run.approved': 'approved', 'run.rejected': 'rejected', 'run.expired': 'expired' };

/**
 * Each approval among `records` (in journal order) that the bot could never have written, with why: the bot approves
 * only a pending plan, only by the hash of the plan as proposed, and a plan that needs a teammate never by its
 * requester unless DATABOX_ALLOW_SELF_APPROVAL is on, which its line records (`selfApprovalAllowed`); a line from before
 * it did is one to check, not one the bot could never have written.
 */
export function impossibleLines(records: readonly JournalRecord[]): DoubtfulLines {
  const proposed = new Map<string, Proposed>();
  const decided = new Map<string, string>();
  const found = new Map<JournalRecord, string>();
  const toCheck = new Map<JournalRecord, string>();
  for (const record of records) {
    const data = (record.data ?? {}) as Record<string, unknown>;
    const runId = typeof data.runId === 'string' ? data.runId : undefined;
    if (!runId) continue;
    if (record.type === 'run.proposed') {
      const run = (data.run ?? {}) as { hash?: unknown; needsTeammate?: unknown; destructive?: unknown };
      proposed.set(runId, {
        hash: typeof run.hash === 'string' ? run.hash : undefined,
        requestedBy: record.actor,
        needsTeammate: run.needsTeammate === true || (run.needsTeammate === undefined && run.destructive === true),
        osAccount: recordedOsAccount(data),
      });
      continue;
    }
    const decision = decisions[record.type];
    if (!decision) continue;
    const before = decided.get(runId);
    if (!before) decided.set(runId, decision);
    if (record.type !== 'run.approved') continue;
    const plan = proposed.get(runId);
    const why = before
      ? `an approval of a plan already ${before}`
      : plan?.hash !== undefined && data.hash !== plan.hash
        ? `an approval naming plan hash ${String(data.hash).slice(0, 8)}, not the plan's (${plan.hash.slice(0, 8)})`
        : undefined;
    if (why) found.set(record, why);
    else if (plan?.needsTeammate && record.actor === plan.requestedBy && data.selfApprovalAllowed !== true) toCheck.set(record, selfApprovalToCheck);
    else if (plan?.needsTeammate && plan.osAccount && plan.osAccount.uid === recordedOsAccount(data)?.uid) toCheck.set(record, sameOsAccountToCheck(plan.osAccount));
  }
  return { impossible: found, toCheck };
}

/** What is said of a line the bot could never have written, after `why`: in the postmortem's timeline and by `journal verify`. */
export function impossibleLineWords(why: string): string {
  return `${why}: ${impossibleNote}`;
}

/** Each doubtful line's mark in the timeline: why the bot could not have written it, or what to check. */
export function lineDoubts(impossible: ReadonlyMap<JournalRecord, string>, toCheck: ReadonlyMap<JournalRecord, string>): Map<JournalRecord, string> {
  return new Map([...toCheck, ...[...impossible].map(([record, why]) => [record, impossibleLineWords(why)] as const)]);
}
