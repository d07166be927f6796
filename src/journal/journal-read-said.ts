// What the log says while a start reads the journal: a large one takes seconds (verifying its chain, rebuilding every
// incident), during which the bot answers nothing, not even /healthz; the operator reads why, how far it has got every
// few seconds, and how long it took.
import fs from 'node:fs';
import { flushLogNow, type Logger } from '../logger.js';
import { formatBytes } from '../disk/volume-usage.js';
import { formatDuration } from '../format-duration.js';
import type { Journal, LoadProgress } from './journal.js';
import type { JournalRecord } from './record.js';

/** How often a long read says how far it has got: an operator watching the log sees it move, not a silence. */
export const progressEveryMs = 5_000;

/**
 * Loads the journal, saying before that it is read (when it has anything), every `progressEveryMs` of it how many lines
 * are verified or replayed so far, and after how many lines it took how long. `now`: milliseconds (tests step it).
 */
export function loadSaid(journal: Pick<Journal, 'load' | 'file'>, logger: Pick<Logger, 'info'>, now: () => number = () => performance.now()): JournalRecord[] {
  const bytes = fs.statSync(journal.file, { throwIfNoEntry: false })?.size ?? 0;
  if (bytes === 0) return journal.load();
  logger.info({ file: journal.file, bytes }, `reading the journal (${formatBytes(bytes)}): verifying its chain and rebuilding the incidents before the bot answers Slack`);
  const started = now();
  let saidAt = started;
  const progress: LoadProgress = (stage, lines, of) => {
    const at = now();
    if (at - saidAt < progressEveryMs) return;
    saidAt = at;
    const done = stage === 'verified' ? 'verified' : 'replayed into the incidents';
    logger.info({ stage, lines, of, ms: Math.round(at - started) }, `still reading the journal: ${lines.toLocaleString('en')} of ${of.toLocaleString('en')} lines ${done}, ${formatDuration(at - started)} so far`);
    // Said now, not after the read: the read holds the event loop, and the log's stream writes when the loop turns.
    flushLogNow(logger);
  };
  const records = journal.load(progress);
  const ms = now() - started;
  logger.info({ lines: records.length, ms: Math.round(ms) }, `the journal is read: ${records.length.toLocaleString('en')} lines in ${formatDuration(ms)}`);
  return records;
}
