// What the log says while a start reads the journal: a large one takes seconds (verifying its chain, rebuilding every
// incident), during which the bot answers nothing, not even /healthz; the operator reads why, and how long it took.
import fs from 'node:fs';
import type { Logger } from '../logger.js';
import { formatBytes } from '../disk/volume-usage.js';
import { formatDuration } from '../format-duration.js';
import type { Journal } from './journal.js';
import type { JournalRecord } from './record.js';

/** Loads the journal, saying before that it is read (when it has anything) and after how many lines it took how long. */
export function loadSaid(journal: Pick<Journal, 'load' | 'file'>, logger: Pick<Logger, 'info'>): JournalRecord[] {
  const bytes = fs.statSync(journal.file, { throwIfNoEntry: false })?.size ?? 0;
  if (bytes === 0) return journal.load();
  logger.info({ file: journal.file, bytes }, `reading the journal (${formatBytes(bytes)}): verifying its chain and rebuilding the incidents before the bot answers Slack`);
  const started = performance.now();
  const records = journal.load();
  logger.info({ lines: records.length, ms: Math.round(performance.now() - started) }, `the journal is read: ${records.length.toLocaleString('en')} lines in ${formatDuration(performance.now() - started)}`);
  return records;
}
