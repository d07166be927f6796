// Runs DuckDB's read-only probes and full-table reads on a worker thread. Opening, and above all closing, a DuckDB
// instance blocks the thread that does it (closeSync frees the buffer pool and joins DuckDB's threads: hundreds of ms
// on a busy host); on the main thread that would hold up Slack's acks while a diagnosis runs.
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../worker-thread.js';
import type { ReadOnlyLimits } from './open.js';
import type { OpenResult } from './probe.js';
import type { ReaderCall } from './reader-thread.js';
import type { ScanOptions, ScanProgress, ScanResult } from './scan.js';

/** The caps of the reader thread's opens, and the niceness its DuckDB work runs at (read-here.ts). */
export interface ReaderLimits extends ReadOnlyLimits {
  niceness?: number;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: ScanProgress) => void;
}

const pending = new Map<number, Pending>();
let worker: Worker | undefined;
let nextId = 1;
let readerLimits: ReaderLimits = {};

/**
 * Sets the caps of the reader thread's opens (DATABOX_DUCKDB_MEMORY_LIMIT, DATABOX_DUCKDB_THREADS) and its niceness
 * (DATABOX_READ_NICENESS), once at start.
 */
export function limitReader(limits: ReaderLimits): void {
  readerLimits = limits;
}

function startWorker(): Worker {
  const started: Worker = startWorkerThread(import.meta.url, 'reader-thread', readerLimits, (error) => {
    if (worker === started) worker = undefined;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  started.on('message', (message: { id: number; result?: unknown; error?: string; progress?: ScanProgress }) => {
    const call = pending.get(message.id);
    if (!call) return;
    if (message.progress) {
      call.onProgress?.(message.progress);
      return;
    }
    pending.delete(message.id);
    if (message.error !== undefined) call.reject(new Error(message.error));
    else call.resolve(message.result);
    if (pending.size === 0) started.unref();
  });
  started.unref();
  return started;
}

/** Starts the reader thread now (it does not keep the process alive), so the first diagnosis does not wait for it. */
export function startReaderThread(): void {
  worker ??= startWorker();
}

function call<T>(request: ReaderCall, onProgress?: (progress: ScanProgress) => void): { id: number; result: Promise<T> } {
  worker ??= startWorker();
  const id = nextId++;
  const result = new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress }));
  worker.ref();
  worker.postMessage({ ...request, id });
  return { id, result };
}

/** probeOpen, on the reader thread. */
export function probeOpenOffThread(file: string): Promise<OpenResult> {
  return call<OpenResult>({ kind: 'probe', file }).result;
}

/** scanTables, on the reader thread; progress and an abort cross over as messages. */
export async function scanTablesOffThread(file: string, options: ScanOptions): Promise<ScanResult> {
  const { id, result } = call<ScanResult>({ kind: 'scan', file, timeoutMs: options.timeoutMs }, options.onProgress);
  const abort = () => worker?.postMessage({ kind: 'abort', id });
  if (options.signal?.aborted) abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await result;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}
