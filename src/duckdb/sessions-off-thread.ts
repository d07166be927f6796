// The local DuckDB file's sessions (scenario 2's counts, previews, query steps, the marts watcher) on a worker thread.
// Closing an instance blocks the thread that does it (2–14 ms after a small read, 25–66 ms after a large one, more on a
// busy host); on the main thread, every watcher check and every step would hold up Slack's acks for that long.
import type { QueryResult, TargetSession } from '../database/target.js';
import { WorkerCalls, WorkerGone } from '../worker-calls.js';
import { readOnlyLimits } from './open.js';
import type { SessionCall } from './session-thread.js';

const thread = new WorkerCalls<SessionCall>(import.meta.url, 'session-thread', () => undefined);
let nextSession = 1;

/** Starts the session thread now (it does not keep the process alive), so the first watcher check does not wait for it. */
export function startSessionThread(): void {
  thread.start();
}

/** Ends the session thread (a stopping bot): a process that exits with DuckDB still loaded in a thread may abort. */
export function stopSessionThread(): Promise<void> {
  return thread.stop();
}

/**
 * Opens `location` on the session thread. A read-only open takes the caps set on this thread (DATABOX_DUCKDB_MEMORY_LIMIT)
 * at the time of the open; a writable one DuckDB's defaults. Statements of one session run in order, as they are awaited.
 */
export async function openSessionOffThread(location: string, writable: boolean): Promise<TargetSession> {
  const session = nextSession++;
  thread.start();
  // The session lives on this worker: if it stops, its statements fail and closing it has nothing left to do.
  const on = thread.generation;
  await thread.call<void>({ kind: 'open', session, location, writable, limits: readOnlyLimits() }, undefined, on).result;
  let closing: Promise<void> | undefined;
  return {
    run: (sql, params = []) =>
      closing
        ? Promise.reject(new Error('this database session is already closed'))
        : thread.call<QueryResult>({ kind: 'run', session, sql, params: [...params] }, undefined, on).result,
    interrupt: () => thread.tell({ kind: 'interrupt', session }),
    // Once, whoever asks: the database is closed when the promise settles, so what follows may open the file again.
    close: () =>
      (closing ??= thread.call<void>({ kind: 'close', session }, undefined, on).result.catch((error: unknown) => {
        if (!(error instanceof WorkerGone)) throw error;
      })),
  };
}
