// The local DuckDB file as a target: read-only unless the step changes data.
import path from 'node:path';
import { openDatabase } from '../duckdb/open.js';
import type { DatabaseTarget, QueryResult, TargetSession } from './target.js';

export function localTarget(databasePath: string): DatabaseTarget {
  return {
    name: 'local',
    // DuckDB names an opened file's catalog after the file without its extension.
    database: path.basename(databasePath).replace(/\.[^.]*$/, ''),
    label: databasePath,
    lockKey: databasePath,
    async open({ writable }) {
      const { connection, close } = await openDatabase(databasePath, writable);
      return sessionOf(connection, close);
    },
  };
}

type Connection = Awaited<ReturnType<typeof openDatabase>>['connection'];

/** A DuckDB connection as a target session; `scrub` cleans error messages (of a token, say) before they travel on. */
export function sessionOf(connection: Connection, close: () => void, scrub: (text: string) => string = (text) => text): TargetSession {
  return {
    async run(sql, params = []): Promise<QueryResult> {
      try {
        const reader = await connection.runAndReadAll(sql, params.length > 0 ? (params as never) : undefined);
        return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
      } catch (error) {
        throw new Error(scrub((error as Error).message));
      }
    },
    interrupt: () => connection.interrupt(),
    close,
  };
}
