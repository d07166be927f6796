// The local DuckDB file as a target: read-only unless the step changes data.
import path from 'node:path';
import { noteDamaged } from '../duckdb/damage-seen.js';
import { isDamage } from '../duckdb/probe.js';
import { openSessionOffThread } from '../duckdb/sessions-off-thread.js';
import type { DatabaseTarget } from './target.js';

export function localTarget(databasePath: string): DatabaseTarget {
  // Damage an open or a statement runs into is noted, so the database watcher opens the file again (damage-seen.ts).
  const noting = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      if (isDamage((error as Error).message)) noteDamaged(databasePath);
      throw error;
    });
  return {
    name: 'local',
    // DuckDB names an opened file's catalog after the file without its extension.
    database: path.basename(databasePath).replace(/\.[^.]*$/, ''),
    label: databasePath,
    lockKey: databasePath,
    // On the session thread: closing DuckDB there keeps the event loop, and Slack's acks, free.
    open: async ({ writable }) => {
      const session = await noting(openSessionOffThread(databasePath, writable));
      return { ...session, run: (sql, params) => noting(session.run(sql, params)) };
    },
  };
}
