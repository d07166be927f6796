// Journal lines no code path of the bot writes (an approval of a plan already decided, one naming another plan's hash, a
// self-approval of a plan that needs a teammate): a keyless hash chain cannot say who wrote a line, so these are named.
import type { JournalRecord } from '../journal/record.js';

/** What is said of such a line, after why it could not be the bot's. */
export const impossibleNote = 'impossible for the bot: written by hand?';

interface Proposed {
  hash?: string;
  requestedBy: string | null;
  needsTeammate: boolean;
}

const decisions: Record<string, string> = { 'run.approved': 'approved', 'run.rejected': 'rejected', 'run.expired': 'expired' };

/**
 * Each approval among `records` (in journal order) that the bot could never have written, with why: the bot approves
 * only a pending plan, only by the hash of the plan as proposed, and a plan that needs a teammate never by its
 * requester unless DATABOX_ALLOW_SELF_APPROVAL is on (not recorded, so said).
 */
export function impossibleLines(records: readonly JournalRecord[]): Map<JournalRecord, string> {
  const proposed = new Map<string, Proposed>();
  const decided = new Map<string, string>();
  const found = new Map<JournalRecord, string>();
  for (const record of records) {
    const data = (record.data ?? {}) as Record<string, unknown>;
    const runId = typeof data.runId === 'string' ? data.runId : undefined;
    if (!runId) continue;
    if (record.type === 'run.proposed') {
      const run = (data.run ?? {}) as { hash?: unknown; needsTeammate?: unknown; destructive?: unknown };
      proposed.set(runId, { hash: typeof run.hash === 'string' ? run.hash : undefined, requestedBy: record.actor, needsTeammate: run.needsTeammate === true || (run.needsTeammate === undefined && run.destructive === true) });
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
        : plan?.needsTeammate && record.actor === plan.requestedBy
          ? 'a self-approval of a plan that needs a teammate, possible only with DATABOX_ALLOW_SELF_APPROVAL on'
          : undefined;
    if (why) found.set(record, why);
  }
  return found;
}
