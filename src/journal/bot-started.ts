// The journal's lines for a bot's start (a restart, which incidents open then show, or a first start, recording the
// runbooks it loaded) and for its clean stop: together they say when the bot was not running, and whether its previous process stopped or died.
import os from 'node:os';
import type { Journal } from './journal.js';
import { botActor } from '../incidents/state.js';
import type { PreviousRun } from './previous-run.js';
import type { Runbook } from '../runbook/schema.js';
import { runbookVersions } from '../runbook/runbook-version.js';
import type { RunbookFileChange } from './runbooks-changed.js';

export const botStartedType = 'bot.started';
export const botStoppedType = 'bot.stopped';

/** What a start records beside its approvers: how the previous process ended, the runbooks loaded, and which changed since. */
export interface StartRecorded {
  previous?: PreviousRun;
  runbooks?: ReadonlyMap<string, Runbook>;
  /** The runbook files whose version differs from the previous start's (runbooks-changed.ts); none when it recorded none. */
  runbooksChanged?: readonly RunbookFileChange[];
}

/**
 * Journals this start, a first one too, with how the previous process ended when that is known, and the version (sha256)
 * of each runbook it loaded: the bot reads them only as it starts, so this says which runbooks it runs until the next, and
 * the next start tells from it which changed in between. Committed as the engine's events are: written before whatever
 * the start records next (interrupted runs settled).
 */
export function recordStart(journal: Journal, approvers: readonly string[], onError: (error: unknown) => void, recorded: StartRecorded = {}): void {
  // The approvers in force: an approval made at a terminal (which reads its own settings) is told against them.
  const policy = approvers.length > 0 ? [...approvers] : 'anyone';
  const versions = runbookVersions(recorded.runbooks ?? new Map());
  const data = {
    pid: process.pid,
    host: os.hostname(),
    approvers: policy,
    ...(recorded.previous ? { previous: recorded.previous } : {}),
    ...(Object.keys(versions).length > 0 ? { runbooks: versions } : {}),
    ...(recorded.runbooksChanged && recorded.runbooksChanged.length > 0 ? { runbooksChanged: recorded.runbooksChanged } : {}),
  };
  journal.commit({ type: botStartedType, incident: null, actor: botActor, data }).catch(onError);
}

/** Journals a clean stop, asked for by a signal: the next start tells it from a process that died. */
export function recordStop(journal: Journal, signal: string, onError: (error: unknown) => void): void {
  journal.commit({ type: botStoppedType, incident: null, actor: botActor, data: { pid: process.pid, host: os.hostname(), signal } }).catch(onError);
}

/**
 * Journals a start that failed before the bot ran (Slack refusing the token, a wrong SLACK_API_URL, a port in use) as
 * the end of this process, with why: the next start tells it from a bot that ran and died, and says why it had not run.
 */
export function recordFailedStart(journal: Journal, why: string, onError: (error: unknown) => void): void {
  journal.commit({ type: botStoppedType, incident: null, actor: botActor, data: { pid: process.pid, host: os.hostname(), failedToStart: why } }).catch(onError);
}
