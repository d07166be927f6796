// The journal's line for a bot start on a journal that already has lines: a restart, which incidents open then show.
import os from 'node:os';
import type { Journal } from './journal.js';
import { botActor } from '../incidents/state.js';

export const botStartedType = 'bot.started';

/**
 * Journals this start when the journal had lines before it (a restart; a first start has no incident to tell of it).
 * Committed as the engine's events are: written before whatever the start records next (interrupted runs settled).
 */
export function recordRestart(journal: Journal, hadLines: boolean, approvers: readonly string[], onError: (error: unknown) => void): void {
  if (!hadLines) return;
  // The approvers in force: an approval made at a terminal (which reads its own settings) is told against them.
  const policy = approvers.length > 0 ? [...approvers] : 'anyone';
  journal.commit({ type: botStartedType, incident: null, actor: botActor, data: { pid: process.pid, host: os.hostname(), approvers: policy } }).catch(onError);
}
