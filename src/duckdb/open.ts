// Opening the DuckDB file for a step, and bounding a step's queries in time.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { formatDuration } from '../format-duration.js';

export interface OpenDatabase {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * DuckDB's buffer pool keeps what a full read brings in (a whole large file, by default up to 80% of RAM). Read-only
 * opens, which are the diagnosis' probes and scans, are capped so the host keeps its memory for Dagster and its jobs;
 * writes are left to DuckDB's default, since a recovery that spills or fails halfway costs more than memory.
 */
let memoryLimit: string | undefined;

/** Sets the memory cap of read-only opens (DATABOX_DUCKDB_MEMORY_LIMIT), once at start. */
export function limitReadOnlyMemory(limit: string | undefined): void {
  memoryLimit = limit;
}

/** The cap set, handed on to the reader thread. */
export function readOnlyMemoryLimit(): string | undefined {
  return memoryLimit;
}

/**
 * A read-only open (a probe, a scan, a guard, a preview) never installs or loads an extension: DuckDB would otherwise
 * download one from the internet to read a file that only looks like a database it knows (SQLite, say).
 */
export const noExtensions = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

export async function openDatabase(location: string, writable: boolean): Promise<OpenDatabase> {
  const readOnly: Record<string, string> = { access_mode: 'READ_ONLY', ...noExtensions, ...(memoryLimit ? { memory_limit: memoryLimit } : {}) };
  const instance = await DuckDBInstance.create(location, writable ? {} : readOnly);
  try {
    const connection = await instance.connect();
    return {
      connection,
      close() {
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/** Interrupts the connection's running query when `timeoutMs` passes; the query then fails with DuckDB's interrupt error. */
export async function withTimeout<T>(connection: Pick<DuckDBConnection, 'interrupt'>, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    return await work();
  } catch (error) {
    if (timedOut) throw new Error(`stopped after ${formatDuration(timeoutMs)} (timeout): ${(error as Error).message}`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
