// The worker side of off-thread.ts: runs read-only probes and full-table reads of DuckDB files on this thread.
import type { MartDate } from './newest-days.js';
import { parentPort, workerData } from 'node:worker_threads';
import { CallAborts } from '../call-aborts.js';
import { failureAnswer } from '../error-kind.js';
import { lowerThreadPriority } from '../process/niceness.js';
import { limitReadOnly } from './open.js';
import type { ReaderLimits } from './off-thread.js';
import { probeOpen } from './probe.js';
import { scanTables } from './scan.js';
import { bindsStillOut, whenBindReturns, type UnansweredBind } from './unanswered-binds.js';

export type ReaderCall = { kind: 'probe'; file: string; newestOf?: MartDate[] } | { kind: 'scan'; file: string; timeoutMs: number; storageAnswerMs?: number };
/** Told to the main thread, unasked, when a view's bind returns: the binds still out after it. */
export interface BindsOutNotice {
  kind: 'binds-out';
  bindsOut: UnansweredBind[];
}
export type ReaderRequest = (ReaderCall & { id: number }) | { id: number; kind: 'abort'; reason?: string };

const { niceness, ...limits } = workerData as ReaderLimits;
// Reaches the work read-here.ts runs on this thread. DuckDB's extra threads (DATABOX_DUCKDB_THREADS above 1) are started
// by the open, which runs on libuv's pool, so they keep the bot's priority.
lowerThreadPriority(niceness ?? 0);
limitReadOnly(limits);
const aborts = new CallAborts();
// A bind that returns after its scan answered no longer holds this thread: without this the main thread would still
// count it at a stop, give the threads no time to end, and say a read has not returned when it has.
whenBindReturns((bindsOut) => parentPort?.postMessage({ kind: 'binds-out', bindsOut } satisfies BindsOutNotice));

parentPort?.on('message', (request: ReaderRequest) => {
  if (request.kind === 'abort') {
    aborts.abort(request.id, request.reason);
    return;
  }
  const reply = (result: unknown) => parentPort?.postMessage({ id: request.id, result });
  const fail = (error: unknown) => parentPort?.postMessage({ id: request.id, ...failureAnswer(error) });
  if (request.kind === 'probe') {
    probeOpen(request.file, request.newestOf).then(reply, fail);
    return;
  }
  scanTables(request.file, {
    timeoutMs: request.timeoutMs,
    storageAnswerMs: request.storageAnswerMs,
    signal: aborts.begin(request.id),
    onProgress: (progress) => parentPort?.postMessage({ id: request.id, progress }),
  })
    // Every bind still out on this thread, whichever scan left it: what holds the thread at a stop.
    .then((result) => reply({ ...result, bindsOut: bindsStillOut() }), fail)
    .finally(() => aborts.end(request.id));
});
