// Opening the DuckDB file for a step, and bounding a step's queries in time.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface OpenDatabase {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * A read-only open (a probe, a scan, a guard, a preview) never installs or loads an extension: DuckDB would otherwise
 * download one from the internet to read a file that only looks like a database it knows (SQLite, say).
 */
const readOnlyOptions = { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

export async function openDatabase(location: string, writable: boolean): Promise<OpenDatabase> {
  const instance = await DuckDBInstance.create(location, writable ? {} : readOnlyOptions);
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
export async function withTimeout<T>(connection: DuckDBConnection, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    return await work();
  } catch (error) {
    if (timedOut) throw new Error(`stopped after ${Math.round(timeoutMs / 1000)}s (timeout): ${(error as Error).message}`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
