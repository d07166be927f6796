// The bot's restarts an incident lived through: shown in its timeline, as they explain a run settled as interrupted.
import { botStartedType } from '../journal/bot-started.js';
import type { IncidentState } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { notRunningSaid } from '../journal/not-running.js';
import type { PreviousRun } from '../journal/previous-run.js';
import { plain, utcClock } from './markdown.js';
import { runbooksChangedOf, runbooksChangedWords } from '../journal/runbooks-changed.js';

/** A restart, and the incidents open at it: those with a plan waiting, approved or running then. */
export interface Restart {
  record: JournalRecord;
  busy: ReadonlySet<string>;
}

/** Called before each record is applied: notes a restart with the incidents busy at that moment. */
export function noteRestart(record: JournalRecord, state: IncidentState, restarts: Restart[]): void {
  if (record.type !== botStartedType) return;
  const busy = [...state.incidents.values()].filter((incident) => incident.runs.some((run) => run.status === 'pending' || run.status === 'approved' || run.status === 'running'));
  restarts.push({ record, busy: new Set(busy.map((incident) => incident.id)) });
}

/** The restarts an incident was open at: busy then, or with lines of its own on both sides of it. */
export function restartsOf(restarts: readonly Restart[], incidentId: string, first: number | undefined, last: number | undefined, lineOf: (record: JournalRecord) => number | undefined): JournalRecord[] {
  return restarts
    .filter(({ record, busy }) => {
      const line = lineOf(record);
      return busy.has(incidentId) || (line !== undefined && first !== undefined && last !== undefined && line > first && line < last);
    })
    .map(({ record }) => record);
}

/**
 * "- `12:48:47` **The bot restarted** at 12:48:47 UTC (PID 8143 on host databox-1): it had stopped cleanly (SIGTERM) at
 * 12:40:02 UTC and was not running for 8 min 45 s; what it had in flight was picked up from the journal". How the
 * previous process ended is said when the restart journaled it: a kill -9 does not read as a clean stop, nor a two-day
 * outage as one line. The runbooks whose version changed since the previous start are named after it, when both starts
 * recorded their versions: "; its runbooks had changed since its previous start: duckdb.yml sha256:a5a0fc2e5a51 → sha256:85999ebba991".
 */
export function restartEntry(record: JournalRecord): string {
  const data = record.data as { pid?: unknown; host?: unknown; previous?: PreviousRun };
  const where = typeof data.pid === 'number' ? ` (PID ${data.pid}${typeof data.host === 'string' ? ` on host ${plain(data.host)}` : ''})` : '';
  const before = typeof data.previous?.lastSeen === 'string' ? `: ${notRunningSaid(data.previous, record.at)};` : ':';
  const changed = runbooksChangedOf(data);
  // The bot reads its runbooks only as it starts: a plan made before this line and run after it may meet another version.
  const runbooks = changed.length > 0 ? `; its runbooks had changed since its previous start: ${plain(runbooksChangedWords(changed))}` : '';
  return `- \`${utcClock(record.at)}\` **The bot restarted** at ${utcClock(record.at)} UTC${where}${before} what it had in flight was picked up from the journal${runbooks}`;
}
