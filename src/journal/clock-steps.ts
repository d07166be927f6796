// Times that go back between journal lines (the host's clock stepped back, another host's clock behind, a line edited):
// no damage, the chain still verifies, but `journal verify` and the postmortem say so, since times around it mislead.
import { formatDuration } from '../format-duration.js';
import type { JournalRecord } from './record.js';

/**
 * Steps back smaller than this are not said: lines of several writers interleave a little out of time order (a
 * background event keeps the time it was committed and is written up to 50 ms later, behind another process's lines).
 */
export const clockStepToleranceMs = 1_000;

export interface ClockStepBack {
  /** The line whose time is earlier than the one before it, and its record. */
  line: number;
  record: JournalRecord;
  /** The line before it (the last whose time reads). */
  previousLine: number;
  previousAt: string;
  backMs: number;
}

/** Each line timed more than the tolerance before the line before it, in journal order. */
export function clockStepsBack(records: readonly JournalRecord[], lineOf?: ReadonlyMap<JournalRecord, number>): ClockStepBack[] {
  const steps: ClockStepBack[] = [];
  let previous: { line: number; at: string; time: number } | undefined;
  for (const record of records) {
    const time = typeof record.at === 'string' ? Date.parse(record.at) : Number.NaN;
    // A time that does not read (a line accepted as it read after it failed verification) is no step either way.
    if (Number.isNaN(time)) continue;
    const line = lineOf?.get(record) ?? record.seq;
    if (previous && previous.time - time > clockStepToleranceMs) {
      steps.push({ line, record, previousLine: previous.line, previousAt: previous.at, backMs: previous.time - time });
    }
    previous = { line, at: record.at, time };
  }
  return steps;
}

/** "line 57 (run.approved of dbx-…) is timed …, 1 h 2 min before line 56 (…)": the line, both times and by how much. */
export function clockStepWords(step: ClockStepBack): string {
  const { record } = step;
  const what = `${record.type}${record.incident ? ` of ${record.incident}` : ''}`;
  return `line ${step.line} (${what}) is timed ${record.at}, ${formatDuration(step.backMs)} before line ${step.previousLine} above it (${step.previousAt})`;
}
