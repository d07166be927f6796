// How the bot's previous process ended, read at a start: the clean stop it journaled, or, when it died (killed with -9,
// crashed, its machine went down), its last sign of life: the last line it wrote or the watchers' last check it kept.
import { cliActor } from '../incidents/state.js';
import { botStartedType, botStoppedType } from './bot-started.js';
import type { JournalRecord } from './record.js';

export interface PreviousRun {
  /** When it was last known running: its stop, or its last sign of life. */
  lastSeen: string;
  /** Whether it journaled a clean stop. */
  stoppedCleanly: boolean;
  /** The signal that stopped it cleanly. */
  signal?: string;
  /** Why it stopped before it ran: its start failed (recordFailedStart), so it never ran, and did not crash. */
  failedToStart?: string;
}

/** Written by a terminal, not by the bot: no sign the bot was running. */
function atTerminal(record: JournalRecord): boolean {
  return record.actor === cliActor || record.actor?.startsWith('terminal:') === true;
}

/**
 * From the journal as this start read it and the watchers' last check the previous process kept: undefined when nothing
 * shows a bot ran on this journal before.
 */
export function previousRun(records: readonly JournalRecord[], lastWatcherCheck: string | undefined): PreviousRun | undefined {
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index] as JournalRecord;
    if (record.type === botStoppedType) {
      const { signal, failedToStart } = record.data as { signal?: unknown; failedToStart?: unknown };
      return {
        lastSeen: record.at,
        stoppedCleanly: true,
        ...(typeof signal === 'string' ? { signal } : {}),
        ...(typeof failedToStart === 'string' ? { failedToStart } : {}),
      };
    }
    // Started and never stopped cleanly: it died. Its last sign of life is looked for below.
    if (record.type === botStartedType) break;
  }
  let lastSeen = lastWatcherCheck;
  for (const record of records) {
    if (!atTerminal(record) && (!lastSeen || record.at > lastSeen)) lastSeen = record.at;
  }
  return lastSeen ? { lastSeen, stoppedCleanly: false } : undefined;
}
