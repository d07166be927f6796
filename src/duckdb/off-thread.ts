// Runs DuckDB's read-only probes and full-table reads on a worker thread. Opening, and above all closing, a DuckDB
// instance blocks the thread that does it (closeSync frees the buffer pool and joins DuckDB's threads: hundreds of ms
// on a busy host); on the main thread that would hold up Slack's acks while a diagnosis runs.
import path from 'node:path';
import { UnansweredCalls } from '../unanswered-calls.js';
import { WorkerCalls } from '../worker-calls.js';
import { noteDamaged } from './damage-seen.js';
import { probeAnswerWithinMs } from './probe-answer-time.js';
import type { ReadOnlyLimits } from './open.js';
import type { MartDate } from './newest-days.js';
import type { OpenResult } from './probe.js';
import type { BindsOutNotice, ReaderCall } from './reader-thread.js';
import type { ScanOptions, ScanProgress, ScanResult } from './scan.js';
import type { UnansweredBind } from './unanswered-binds.js';

/** The caps of the reader thread's opens, and the niceness its DuckDB work runs at (read-here.ts). */
export interface ReaderLimits extends ReadOnlyLimits {
  niceness?: number;
}

let readerLimits: ReaderLimits = {};
const reader = new WorkerCalls<ReaderCall, ScanProgress>(import.meta.url, 'reader-thread', () => readerLimits, {
  onNotice: (notice) => {
    if ((notice as BindsOutNotice).kind === 'binds-out') bindsOut = (notice as BindsOutNotice).bindsOut;
  },
});

/**
 * Sets the caps of the reader thread's opens (DATABOX_DUCKDB_MEMORY_LIMIT, DATABOX_DUCKDB_THREADS) and its niceness
 * (DATABOX_READ_NICENESS), once at start.
 */
export function limitReader(limits: ReaderLimits): void {
  const changed = JSON.stringify(limits) !== JSON.stringify(readerLimits);
  readerLimits = limits;
  // A reader thread already started in this process (an earlier bot's, or a terminal's) keeps the caps it started with.
  if (changed) reader.renew();
}

/** Starts the reader thread now (it does not keep the process alive), so the first diagnosis does not wait for it. */
export function startReaderThread(): void {
  reader.start();
}

/** Ends the reader thread (a stopping bot): a process that exits with DuckDB still loaded in a thread may abort. */
export function stopReaderThread(): Promise<void> {
  return reader.stop();
}

/** What a probe finds that is the file itself damaged, or no DuckDB file at all. */
const damaged = new Set<OpenResult['status']>(['empty-file', 'not-duckdb', 'corrupt', 'wal-damaged']);

/** Probes are given probeAnswerWithinMs to answer: one still out after that is held by the operating system. */
const probes = new UnansweredCalls(probeAnswerWithinMs);

function notAnswering(file: string, since: number): OpenResult {
  return {
    status: 'unreadable',
    message: `a read of ${file} started at ${new Date(since).toISOString().slice(11, 19)} UTC has not returned: the storage under it does not answer (a hung network mount, say); the bot does not open it again until that read returns, and a restart of the bot ends it`,
  };
}

/**
 * probeOpen, on the reader thread; damage it finds is noted for the database watcher (damage-seen.ts). A probe that
 * does not answer in time is said as such; until it answers, a probe of the same file is answered so at once (it would
 * wait behind it: probes of one file take turns).
 */
export async function probeOpenOffThread(file: string, newestOf: readonly MartDate[] = []): Promise<OpenResult> {
  const result = await probes.run(path.resolve(file), () => reader.call<OpenResult>({ kind: 'probe', file, ...(newestOf.length > 0 ? { newestOf: [...newestOf] } : {}) }).result, (since) => notAnswering(file, since));
  if (damaged.has(result.status)) noteDamaged(file);
  return result;
}

/** The views' binds the reader thread holds, as it said when its last scan answered and each time one returned since. */
let bindsOut: UnansweredBind[] = [];

/** Files whose probe, or a view's bind, has not answered in time, and since when: what holds the reader thread at a stop. */
export function unansweredReads(): { file: string; since: string }[] {
  return [
    ...probes.overdue().map(({ key, since }) => ({ file: key, since: new Date(since).toISOString() })),
    ...bindsOut.map(({ file, view, reads, since }) => ({ file: `${reads} (which view ${view} of ${file} reads)`, since: new Date(since).toISOString() })),
  ];
}

/** scanTables, on the reader thread; progress and an abort cross over as messages. */
export async function scanTablesOffThread(file: string, options: ScanOptions): Promise<ScanResult> {
  const { id, result } = reader.call<ScanResult>({ kind: 'scan', file, timeoutMs: options.timeoutMs, storageAnswerMs: options.storageAnswerMs }, options.onProgress);
  const stopListening = reader.abortOn(id, options.signal);
  try {
    const scan = await result;
    bindsOut = scan.bindsOut ?? [];
    return scan;
  } finally {
    stopListening();
  }
}
