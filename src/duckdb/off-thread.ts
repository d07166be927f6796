// Runs DuckDB's read-only probes and full-table reads on a worker thread. Opening, and above all closing, a DuckDB
// instance blocks the thread that does it (closeSync frees the buffer pool and joins DuckDB's threads: hundreds of ms
// on a busy host); on the main thread that would hold up Slack's acks while a diagnosis runs.
import path from 'node:path';
import { WorkerCalls } from '../worker-calls.js';
import { noteDamaged } from './damage-seen.js';
import type { ReadOnlyLimits } from './open.js';
import type { OpenResult } from './probe.js';
import type { ReaderCall } from './reader-thread.js';
import type { ScanOptions, ScanProgress, ScanResult } from './scan.js';

/** The caps of the reader thread's opens, and the niceness its DuckDB work runs at (read-here.ts). */
export interface ReaderLimits extends ReadOnlyLimits {
  niceness?: number;
}

let readerLimits: ReaderLimits = {};
const reader = new WorkerCalls<ReaderCall, ScanProgress>(import.meta.url, 'reader-thread', () => readerLimits);

/**
 * Sets the caps of the reader thread's opens (DATABOX_DUCKDB_MEMORY_LIMIT, DATABOX_DUCKDB_THREADS) and its niceness
 * (DATABOX_READ_NICENESS), once at start.
 */
export function limitReader(limits: ReaderLimits): void {
  readerLimits = limits;
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

/**
 * How long a probe may go unanswered: it reads a header and a catalog, well under a second even on a busy host, so a
 * probe still out after this is held by the operating system (a hung network mount, a named pipe beside the file).
 */
const probeAnswerMs = 20_000;

/** Probes sent and not answered yet, by file: since when the oldest has waited, and how many wait. */
const unanswered = new Map<string, { since: number; count: number }>();

function notAnswering(file: string, since: number): OpenResult {
  return {
    status: 'unreadable',
    message: `a read of ${file} started at ${new Date(since).toISOString().slice(11, 19)} UTC has not returned: the storage under it does not answer (a hung network mount, or a named pipe at the file's or its write-ahead log's path); the bot does not open it again until that read returns, and a restart of the bot ends it`,
  };
}

/**
 * probeOpen, on the reader thread; damage it finds is noted for the database watcher (damage-seen.ts). A probe that
 * does not answer within probeAnswerMs is said as such; until it answers, a probe of the same file is answered so at
 * once (it would wait behind it: probes of one file take turns).
 */
export async function probeOpenOffThread(file: string): Promise<OpenResult> {
  const key = path.resolve(file);
  const earlier = unanswered.get(key);
  if (earlier && Date.now() - earlier.since >= probeAnswerMs) return notAnswering(file, earlier.since);
  const waiting = earlier ?? { since: Date.now(), count: 0 };
  waiting.count += 1;
  unanswered.set(key, waiting);
  const answered = () => {
    waiting.count -= 1;
    if (waiting.count === 0 && unanswered.get(key) === waiting) unanswered.delete(key);
  };
  const call = reader.call<OpenResult>({ kind: 'probe', file }).result;
  call.then(answered, answered);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<OpenResult>((resolve) => {
    timer = setTimeout(() => resolve(notAnswering(file, waiting.since)), Math.max(0, waiting.since + probeAnswerMs - Date.now()));
  });
  try {
    const result = await Promise.race([call, gaveUp]);
    if (damaged.has(result.status)) noteDamaged(file);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Files whose probe has not answered within probeAnswerMs, and since when: what holds the reader thread at a stop. */
export function unansweredReads(): { file: string; since: string }[] {
  return [...unanswered.entries()].filter(([, waiting]) => Date.now() - waiting.since >= probeAnswerMs).map(([file, waiting]) => ({ file, since: new Date(waiting.since).toISOString() }));
}

/** scanTables, on the reader thread; progress and an abort cross over as messages. */
export async function scanTablesOffThread(file: string, options: ScanOptions): Promise<ScanResult> {
  const { id, result } = reader.call<ScanResult>({ kind: 'scan', file, timeoutMs: options.timeoutMs }, options.onProgress);
  const stopListening = reader.abortOn(id, options.signal);
  try {
    return await result;
  } finally {
    stopListening();
  }
}
