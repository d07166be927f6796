// The bot's restarts an incident lived through, and its starts that failed: shown in its timeline, as they explain a run settled as interrupted.
import { botStartedType, botStoppedType } from '../journal/bot-started.js';
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
  /** The same process's bot.stopped with failedToStart: this start failed before the bot ran, so it was no restart. */
  failed?: JournalRecord;
}

/** The same process and host wrote both lines: another process's stop says nothing of this start. */
function sameProcess(a: JournalRecord, b: JournalRecord): boolean {
  const [x, y] = [a.data as { pid?: unknown; host?: unknown }, b.data as { pid?: unknown; host?: unknown }];
  return typeof x.pid === 'number' && x.pid === y.pid && x.host === y.host;
}

/**
 * Called before each record is applied: notes a restart with the incidents busy at that moment, and a failed start's
 * stop (recordFailedStart) on the start it ends.
 */
export function noteRestart(record: JournalRecord, state: IncidentState, restarts: Restart[]): void {
  if (record.type === botStoppedType) {
    const last = restarts.at(-1);
    if (last && !last.failed && typeof (record.data as { failedToStart?: unknown }).failedToStart === 'string' && sameProcess(last.record, record)) last.failed = record;
    return;
  }
  if (record.type !== botStartedType) return;
  const busy = [...state.incidents.values()].filter((incident) => incident.runs.some((run) => run.status === 'pending' || run.status === 'approved' || run.status === 'running'));
  restarts.push({ record, busy: new Set(busy.map((incident) => incident.id)) });
}

/** The restarts an incident was open at: busy then, or with lines of its own on both sides of it. */
export function restartsOf(restarts: readonly Restart[], incidentId: string, first: number | undefined, last: number | undefined, lineOf: (record: JournalRecord) => number | undefined): Restart[] {
  return restarts.filter(({ record, busy }) => {
    const line = lineOf(record);
    return busy.has(incidentId) || (line !== undefined && first !== undefined && last !== undefined && line > first && line < last);
  });
}

/** The line a restart's timeline entry is dated by: a failed start's stop, when it failed. */
export function restartAt(restart: Restart): string {
  return (restart.failed ?? restart.record).at;
}

/** "(PID 8143 on host databox-1)", or nothing for a line that names no PID. */
function processSaid(record: JournalRecord): string {
  const data = record.data as { pid?: unknown; host?: unknown };
  return typeof data.pid === 'number' ? ` (PID ${data.pid}${typeof data.host === 'string' ? ` on host ${plain(data.host)}` : ''})` : '';
}

/**
 * "- `12:48:49` **A start failed** at 12:48:49 UTC (PID 8143 on host databox-1): cannot check the bot token: …; the bot
 * did not run": a start that failed before the bot ran is no restart, and the start after it says so in its turn.
 */
function failedStartEntry(record: JournalRecord, failed: JournalRecord): string {
  const why = (failed.data as { failedToStart: string }).failedToStart;
  return `- \`${utcClock(failed.at)}\` **A start failed** at ${utcClock(failed.at)} UTC${processSaid(record)}: ${plain(why)}; the bot did not run`;
}

/**
 * "- `12:48:47` **The bot restarted** at 12:48:47 UTC (PID 8143 on host databox-1): it had stopped cleanly (SIGTERM) at
 * 12:40:02 UTC and was not running for 8 min 45 s; what it had in flight was picked up from the journal". How the
 * previous process ended is said when the restart journaled it: a kill -9 does not read as a clean stop, nor a two-day
 * outage as one line. The runbooks whose version changed since the previous start are named after it, when both starts
 * recorded their versions: "; its runbooks had changed since its previous start: duckdb.yml sha256:a5a0fc2e5a51 → sha256:85999ebba991".
 */
export function restartEntry(record: JournalRecord): string {
  const data = record.data as { previous?: PreviousRun };
  const where = processSaid(record);
  const before = typeof data.previous?.lastSeen === 'string' ? `: ${notRunningSaid(data.previous, record.at)};` : ':';
  const changed = runbooksChangedOf(data);
  // The bot reads its runbooks only as it starts: a plan made before this line and run after it may meet another version.
  const runbooks = changed.length > 0 ? `; its runbooks had changed since its previous start: ${plain(runbooksChangedWords(changed))}` : '';
  return `- \`${utcClock(record.at)}\` **The bot restarted** at ${utcClock(record.at)} UTC${where}${before} what it had in flight was picked up from the journal${runbooks}`;
}

/** A restart's timeline entry, or a failed start's. */
export function restartOrFailedStartEntry({ record, failed }: Restart): string {
  return failed ? failedStartEntry(record, failed) : restartEntry(record);
}
