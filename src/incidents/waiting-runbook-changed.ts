// A plan still waiting for approval whose runbook the bot loaded at its start is another version than the one that made it: said on the plan before anyone clicks.
import path from 'node:path';
import type { Runbook } from '../runbook/schema.js';
import { runbookVersion, shortVersion } from '../runbook/runbook-version.js';
import { runbookFile } from '../runbook/runbook-file.js';
import { sameFile } from '../runbook/same-file.js';
import { planPathGone } from './path-gone.js';
import type { IncidentState, Run } from './state.js';

export const waitingRunbookChangedType = 'run.runbook-changed';

/** What the bot noted on a waiting plan at its start (journaled as `run.runbook-changed`). */
export interface WaitingRunbookChanged {
  /** The runbook's file name, as the operator edits it (duckdb.yml). */
  file: string;
  /** The version that made the plan (its run.proposed line's runbookSha256). */
  proposedWith: string;
  /** The version the bot loaded at this start: the file's as it was then. */
  loadedNow: string;
  /** The plan was made from another copy of the runbooks: its file's full path, and the bot's. */
  proposedFrom?: string;
  loadedFrom?: string;
  /** The loaded runbook no longer has the plan's path: an approval is refused (path-gone.ts), not run. */
  pathGone?: true;
}

/**
 * What each plan still waiting needs journaled, given the runbooks the bot loaded at its start: one made with another
 * version than the loaded one, not yet noted against it; and one noted before whose runbook is back to its own version
 * (the note is taken back, `loadedNow` equal to `proposedWith`). Plans journaled before versions were recorded have none,
 * and are left as they are.
 */
export function waitingPlansToNote(state: IncidentState, runbooks: ReadonlyMap<string, Runbook>, runbooksDir: string): { run: Run; note: WaitingRunbookChanged }[] {
  return [...state.runs.values()].flatMap((run) => {
    if (run.status !== 'pending' || !run.needsApproval || !run.runbookSha256) return [];
    const scenario = state.incidents.get(run.incidentId)?.scenario;
    const runbook = scenario === undefined ? undefined : runbooks.get(scenario);
    const loaded = runbookVersion(runbook);
    if (!scenario || !loaded || loaded === run.runbookChangedWhileWaiting?.loadedNow) return [];
    if (loaded === run.runbookSha256 && !run.runbookChangedWhileWaiting) return [];
    const gone = planPathGone(run, scenario, runbooks) !== undefined;
    const file = runbookFile(runbooksDir, scenario);
    const otherCopy = run.runbookPath && !sameFile(run.runbookPath, file) ? { proposedFrom: run.runbookPath, loadedFrom: file } : {};
    const note = { file: path.basename(file), proposedWith: run.runbookSha256, loadedNow: loaded, ...otherCopy, ...(gone ? { pathGone: true as const } : {}) };
    return [{ run, note }];
  });
}

/** A `run.runbook-changed` line read back: undefined for one that takes the note back (the runbook is the plan's again) or is not one. */
export function waitingRunbookChangedOf(data: Record<string, unknown>): WaitingRunbookChanged | undefined {
  const { file, proposedWith, loadedNow, pathGone, proposedFrom, loadedFrom } = data;
  if (typeof file !== 'string' || typeof proposedWith !== 'string' || typeof loadedNow !== 'string' || loadedNow === proposedWith) return undefined;
  const otherCopy = typeof proposedFrom === 'string' && typeof loadedFrom === 'string' ? { proposedFrom, loadedFrom } : {};
  return { file, proposedWith, loadedNow, ...otherCopy, ...(pathGone === true ? { pathGone: true as const } : {}) };
}

const sha = (version: string) => `sha256:${shortVersion(version)}`;

/**
 * Said on the waiting plan: the runbook changed since it was made, or the bot's is another copy of the runbooks than the
 * plan's, and what an approval does then. It runs the steps as
 * recorded in the plan, those shown (approvals.ts checks them against the plan's hash, not the runbook), unless the
 * plan's path is gone from the runbook, when the approval is refused.
 */
export function waitingRunbookChangedWords(run: Pick<Run, 'pathId'>, note: WaitingRunbookChanged): string {
  const pathId = (run.pathId ?? '').toUpperCase();
  const refused = `which this plan is for: an approval will be refused and nothing of it run. Propose it again from the runbook as it is now.`;
  if (note.proposedFrom && note.loadedFrom) {
    const changed = `This plan was made from another copy of the runbooks (${note.proposedFrom}; this one is ${note.loadedFrom}), its runbook at ${sha(note.proposedWith)} there, ${sha(note.loadedNow)} here, loaded at the bot's start`;
    if (note.pathGone) return `${changed}; this one has no path ${pathId}, ${refused}`;
    return `${changed}: approved, this plan runs the steps shown here, as they were made, not this copy's steps. For those, propose it again.`;
  }
  const changed = `Its runbook ${note.file} has changed since this plan was made (${sha(note.proposedWith)} then, ${sha(note.loadedNow)} now, loaded at the bot's start)`;
  if (note.pathGone) return `${changed} and no longer has path ${pathId}, ${refused}`;
  return `${changed}: approved, this plan runs the steps shown here, as they were made, not the runbook's steps as they are now. For those, propose it again.`;
}
