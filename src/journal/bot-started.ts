// The journal's lines for a bot's start on a journal that already has lines (a restart, which incidents open then show)
// and for its clean stop: together they say when the bot was not running, and whether its previous process stopped or died.
import os from 'node:os';
import type { Journal } from './journal.js';
import { botActor } from '../incidents/state.js';
import type { PreviousRun } from './previous-run.js';
import type { Runbook } from '../runbook/schema.js';
import { runbookVersions } from '../runbook/runbook-version.js';

export const botStartedType = 'bot.started';
export const botStoppedType = 'bot.stopped';

/**
 * Journals this start when the journal had lines before it (a restart; a first start has no incident to tell of it),
 * with how the previous process ended when that is known, and the version (sha256) of each runbook it loaded: the bot
 * reads them only as it starts, so this says which runbooks it runs until the next. Committed as the engine's events
 * are: written before whatever the start records next (interrupted runs settled).
 */
export function recordRestart(journal: Journal, hadLines: boolean, approvers: readonly string[], onError: (error: unknown) => void, previous?: PreviousRun, runbooks: ReadonlyMap<string, Runbook> = new Map()): void {
  if (!hadLines) return;
  // The approvers in force: an approval made at a terminal (which reads its own settings) is told against them.
  const policy = approvers.length > 0 ? [...approvers] : 'anyone';
  const versions = runbookVersions(runbooks);
  const data = { pid: process.pid, host: os.hostname(), approvers: policy, ...(previous ? { previous } : {}), ...(Object.keys(versions).length > 0 ? { runbooks: versions } : {}) };
  journal.commit({ type: botStartedType, incident: null, actor: botActor, data }).catch(onError);
}

/** Journals a clean stop, asked for by a signal: the next start tells it from a process that died. */
export function recordStop(journal: Journal, signal: string, onError: (error: unknown) => void): void {
  journal.commit({ type: botStoppedType, incident: null, actor: botActor, data: { pid: process.pid, host: os.hostname(), signal } }).catch(onError);
}
