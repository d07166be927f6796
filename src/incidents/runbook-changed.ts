// A plan approved where another version of its runbook is loaded: the approved steps still run (they are what the approver saw), said so on the approval, truthfully about which copy is behind.
import { sameFile } from '../runbook/same-file.js';
import type { Runbook } from '../runbook/schema.js';
import { fileVersion, runbookVersion, shortVersion } from '../runbook/runbook-version.js';

/**
 * How the versions stand, set against the runbook file on disk at the approval:
 * - `file-changed`: the approver's copy is the file, the plan's is not: the file changed since the plan was made;
 * - `approver-older`: the approver's copy is not the file: it was loaded before the file was last written (the bot
 *   loads its runbooks at its start), so proposing again there would give the same old steps;
 * - `other-copy`: the plan was made from another runbook file than the approver's (another DATABOX_RUNBOOKS_DIR): neither
 *   file need have changed, so none is said to have;
 * - `versions-differ`: the file could not be read, or the line was journaled before this was recorded: only that they differ.
 */
export type RunbookChangedHow = 'file-changed' | 'approver-older' | 'other-copy' | 'versions-differ';

/** The versions of the runbook: the one that made the plan, the one the approving process had loaded, and the file's then. */
export interface RunbookChanged {
  proposedWith: string;
  approvedWith: string;
  how: RunbookChangedHow;
  /** The file's version on disk at the approval, when it was read. */
  fileNow?: string;
  /** Where it was approved: the bot (its runbooks loaded at its start) or a terminal (read at each command). */
  approvedAt?: 'terminal' | 'Slack';
  /** For `other-copy`: the runbook file the plan was made from, and the approver's. */
  proposedFrom?: string;
  approvedFrom?: string;
}

/**
 * What the approval records when the runbook the approving process loaded (the bot's since its start, a terminal's at
 * this command) is not the one that made the plan. Undefined when they are the same, or either is unknown (a plan from
 * a journal written before versions were recorded). `file`: the runbook's file, read now to tell which copy is behind, or
 * that the plan's was another file (its path recorded at the proposal; plans journaled before that have none).
 */
export function runbookChangedSince(run: { runbookSha256?: string; runbookPath?: string }, runbook: Runbook | undefined, file: string, approver: string): RunbookChanged | undefined {
  const loaded = runbookVersion(runbook);
  if (!run.runbookSha256 || !loaded || loaded === run.runbookSha256) return undefined;
  const versions = { proposedWith: run.runbookSha256, approvedWith: loaded, approvedAt: approver.startsWith('terminal:') ? ('terminal' as const) : ('Slack' as const) };
  if (run.runbookPath && !sameFile(run.runbookPath, file)) return { ...versions, how: 'other-copy', proposedFrom: run.runbookPath, approvedFrom: file };
  const fileNow = fileVersion(file);
  if (!fileNow) return { ...versions, how: 'versions-differ' };
  return { ...versions, fileNow, how: fileNow === loaded ? 'file-changed' : 'approver-older' };
}

const sha = (version: string) => `sha256:${shortVersion(version)}`;

/** Where the approver's copy was loaded, for a copy older than the file: the bot at its start, a terminal command at its own. */
function olderCopy(changed: RunbookChanged, fileNow: string): string {
  return changed.approvedAt === 'terminal'
    ? `The terminal command that approved it read an older runbook than the file on disk (${sha(changed.approvedWith)}, read when the command started; the file is ${sha(fileNow)} now)`
    : `The bot runs an older runbook than the file on disk (${sha(changed.approvedWith)}, loaded at its start; the file is ${sha(fileNow)} now): restart it to load the new one`;
}

/** The line on the approval: which versions, that the plan as shown is what runs, and how to get the file's steps where that helps. */
export function runbookChangedWords(changed: RunbookChanged): string {
  if (changed.how === 'approver-older' && changed.fileNow) return `${olderCopy(changed, changed.fileNow)}. The plan runs as approved: the steps it was made with (${sha(changed.proposedWith)}), as shown.`;
  // Where it was approved, the file is what is loaded: proposing there gives its steps (proposing to a bot not restarted would not).
  const where = changed.approvedAt === 'terminal' ? 'at a terminal' : 'in Slack';
  if (changed.how === 'other-copy' && changed.proposedFrom && changed.approvedFrom) {
    return `This plan was made from another copy of the runbooks (${changed.proposedFrom}; this one is ${changed.approvedFrom}), its runbook at ${sha(changed.proposedWith)} there, ${sha(changed.approvedWith)} here: the plan runs the steps it was approved with, as shown, not this copy's steps. For those, propose it again ${where}.`;
  }
  if (changed.how === 'file-changed') return `Its runbook has changed since this plan was made (${sha(changed.proposedWith)} then, ${sha(changed.approvedWith)} where it was approved): the plan runs the steps it was approved with, as shown, not the runbook's steps as they are now. For those, propose it again ${where}.`;
  return `This plan was made with its runbook at ${sha(changed.proposedWith)} and approved where ${sha(changed.approvedWith)} is loaded: the plan runs the steps it was approved with, as shown.`;
}
