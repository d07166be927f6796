// Runs a query's work on the calling thread, task by task: DuckDB's own asynchronous calls run on libuv's shared
// thread pool, where the niceness of the reader thread (off-thread.ts) cannot reach them.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { duckdbApi } from './duckdb-api.js';
import { withoutStackTraceIn } from './stack-trace.js';

const wrapped = /^Failure running pending result task: /;

/**
 * The rows of `sql`. Between tasks the thread's event loop runs, so a timer or an abort can stop the query: once
 * `stopped()` says so, it is interrupted before its next task (an interrupt made while the query was still being
 * prepared is forgotten by DuckDB when the query starts). With more than one DuckDB thread, the others work on tasks of
 * their own and this thread waits when none is left for it.
 */
export async function readAllHere(connection: DuckDBConnection, sql: string, stopped: () => boolean = () => false): Promise<DuckDBValue[][]> {
  try {
    return await readAll(connection, sql, stopped);
  } catch (error) {
    // Wherever in the query DuckDB failed (planning it, a task, the result): said without its native stack trace.
    throw withoutStackTraceIn(error);
  }
}

async function readAll(connection: DuckDBConnection, sql: string, stopped: () => boolean): Promise<DuckDBValue[][]> {
  // Loaded already, as the connection is: its values, not a second load.
  const { DuckDBPendingResultState } = await duckdbApi();
  const pending = await connection.start(sql);
  try {
    for (;;) {
      if (stopped()) connection.interrupt();
      let state: ReturnType<typeof pending.runTask>;
      try {
        state = pending.runTask();
      } catch (error) {
        // DuckDB's own text, as the awaited calls report it: the diagnosis tells damage from other failures by it.
        throw new Error((error as Error).message.replace(wrapped, ''));
      }
      if (state === DuckDBPendingResultState.RESULT_READY) break;
      if (state === DuckDBPendingResultState.NO_TASKS_AVAILABLE) await new Promise((resolve) => setTimeout(resolve, 1));
      else await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    // A pending result left as it is holds its database (the file's lock, the buffer pool) until it is garbage
    // collected, whatever close() is called; asking for its result releases it, failed or not.
    await pending.getResult().catch(() => undefined);
    throw error;
  }
  return (await pending.readAll()).getRows();
}
