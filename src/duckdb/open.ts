// Opening the DuckDB file for a step, and bounding a step's queries in time.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbApi } from './duckdb-api.js';
import type { QueryResult } from '../database/target.js';
import { formatDuration } from '../format-duration.js';
import { largestBlockPool, sizeInBytes } from './memory-sizes.js';
import { withoutStackTraceIn } from './stack-trace.js';

export interface OpenDatabase {
  connection: DuckDBConnection;
  /** Another connection to the same instance (UTC days too), for work that must not wait behind `connection`'s query. */
  connect(): Promise<DuckDBConnection>;
  /** Closes every connection, then the instance. */
  close(): void;
}

/**
 * DuckDB's buffer pool keeps what a full read brings in (a whole large file, by default up to 80% of RAM). Read-only
 * opens, which are the diagnosis' probes and scans, are capped so the host keeps its memory for Dagster and its jobs;
 * writes are left to DuckDB's default, since a recovery that spills or fails halfway costs more than memory. The reader
 * thread (off-thread.ts) also caps DuckDB's threads, so a long full read leaves a core to the event loop.
 */
export interface ReadOnlyLimits {
  /** DuckDB's memory_limit, in its own notation (256MB). */
  memoryLimit?: string;
  /** DuckDB's threads; unset: one per core. */
  threads?: number;
}

let limits: ReadOnlyLimits = {};

/** Sets the caps of read-only opens made on this thread, once at start. */
export function limitReadOnly(next: ReadOnlyLimits): void {
  limits = next;
}

/** The caps set on this thread. */
export function readOnlyLimits(): ReadOnlyLimits {
  return limits;
}

/**
 * A read-only open (a probe, a scan, a guard, a preview) never installs or loads an extension: DuckDB would otherwise
 * download one from the internet to read a file that only looks like a database it knows (SQLite, say).
 */
export const noExtensions = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

/** DuckDB's options for a read-only open with `caps` (the bench's bare reads use them too, to read alike). */
export function readOnlyOptions(caps: ReadOnlyLimits): Record<string, string> {
  return {
    access_mode: 'READ_ONLY',
    ...noExtensions,
    // Buffers come from a pool of the cap's size, reused block for block: through the general allocator, a full read
    // of a large file left some 50–100 MiB of freed blocks resident over the cap until its decay purged them.
    ...(caps.memoryLimit ? { memory_limit: caps.memoryLimit, block_allocator_memory: blockPool(caps.memoryLimit) } : {}),
    ...(caps.threads ? { threads: String(caps.threads) } : {}),
  };
}

/** A pool of the cap's size, but no larger than DuckDB takes (a larger one aborts the process); past that, buffers come from the general allocator. */
function blockPool(memoryLimit: string): string {
  const largest = largestBlockPool();
  return (sizeInBytes(memoryLimit) ?? 0) > largest ? `${largest}bytes` : memoryLimit;
}

/**
 * source_day(column [, zone]): the source's own day of a date column's value, which the runbooks' SQL and day-counts
 * count, keep and delete by: the day a reload of the source (dlt, given a window of days) writes the row for. Text is
 * read up to its date, the date written: '2026-11-14T19:00:00-05:00' is 2026-11-14, the source's local day, though it is
 * 2026-11-15 in UTC (a day picked by UTC would delete the evening of the local day before, which a reload of the window
 * does not load again). A TIMESTAMPTZ has lost its offset: its day is its date in `zone`, the IANA zone the source works
 * in (a source's time_zone in the runbook), or its UTC day without one (TimeZone is UTC below). DATE and TIMESTAMP
 * columns keep their own date, zone or not. typeof() is folded when the query is bound, so a DATE column's test is a
 * plain cast and its row groups are still skipped by their min/max.
 */
const sourceDayMacro = `CREATE OR REPLACE TEMP MACRO source_day(value, zone := NULL) AS
  CASE WHEN zone IS NULL OR typeof(value) <> 'TIMESTAMP WITH TIME ZONE' THEN CAST(value AS DATE)
  ELSE CAST(timezone(zone, TRY_CAST(value AS TIMESTAMPTZ)) AS DATE) END`;

/**
 * Days are UTC days everywhere in the bot (the window a backfill reloads, "today"): a TIMESTAMPTZ column cast to DATE
 * must not fall on the host's local day, which moves rows across a window's edge. Without the ICU extension DuckDB
 * has no time zones at all, so its casts are UTC already and the setting is not there to set. Defines source_day too.
 */
export async function useUtcDays(connection: Pick<DuckDBConnection, 'run'>): Promise<void> {
  try {
    await connection.run("SET TimeZone = 'UTC'");
  } catch (error) {
    if (!/icu extension needs to be loaded/i.test(String((error as Error)?.message))) {
      throw new Error(`could not set TimeZone = 'UTC', so days could not be counted as UTC days: ${(error as Error)?.message ?? error}`);
    }
  }
  await connection.run(sourceDayMacro);
}

/** `caps`: a read-only open's caps; by default the ones set on this thread. */
export async function openDatabase(location: string, writable: boolean, caps: ReadOnlyLimits = limits): Promise<OpenDatabase> {
  let instance: DuckDBInstance;
  try {
    const { DuckDBInstance } = await duckdbApi();
    instance = await DuckDBInstance.create(location, writable ? {} : readOnlyOptions(caps));
  } catch (error) {
    // A log another database wrote fails its replay with an internal error, which DuckDB follows with its stack trace.
    throw withoutStackTraceIn(error);
  }
  const connections: DuckDBConnection[] = [];
  const connect = async () => {
    const connection = await instance.connect();
    connections.push(connection);
    await useUtcDays(connection);
    return connection;
  };
  try {
    return {
      connection: await connect(),
      connect,
      close() {
        for (const connection of connections) connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    instance.closeSync();
    throw withoutStackTraceIn(error);
  }
}

/** A statement's result as plain rows (JSON values), with bound values when there are any. */
export async function runForRows(connection: DuckDBConnection, sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
  try {
    const reader = await connection.runAndReadAll(sql, params.length > 0 ? (params as never) : undefined);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  } catch (error) {
    throw withoutStackTraceIn(error);
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
