// A plan approved after its runbook changed: the approved steps still run (they are what the approver saw), said so on the approval.
import type { Runbook } from '../runbook/schema.js';
import { runbookVersion, shortVersion } from '../runbook/runbook-version.js';

/** The two versions of the runbook: the one that made the plan and the one the approving process had loaded. */
export interface RunbookChanged {
  proposedWith: string;
  approvedWith: string;
}

/**
 * What the approval records when the runbook the approving process loaded (the bot's since its start, a terminal's at
 * this command) is not the one that made the plan. Undefined when they are the same, or either is unknown (a plan from
 * a journal written before versions were recorded).
 */
export function runbookChangedSince(run: { runbookSha256?: string }, runbook: Runbook | undefined): RunbookChanged | undefined {
  const now = runbookVersion(runbook);
  if (!run.runbookSha256 || !now || now === run.runbookSha256) return undefined;
  return { proposedWith: run.runbookSha256, approvedWith: now };
}

/** The line on the approval: which versions, that the plan as shown is what runs, and how to get the runbook's steps instead. */
export function runbookChangedWords(changed: RunbookChanged): string {
  return `Its runbook has changed since this plan was made (sha256:${shortVersion(changed.proposedWith)} then, sha256:${shortVersion(changed.approvedWith)} where it was approved): the plan runs the steps it was approved with, as shown, not the runbook's steps as they are now. For those, propose it again.`;
}
