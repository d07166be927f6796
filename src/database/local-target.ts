// The local DuckDB file as a target: read-only unless the step changes data.
import path from 'node:path';
import { openSessionOffThread } from '../duckdb/sessions-off-thread.js';
import type { DatabaseTarget } from './target.js';

export function localTarget(databasePath: string): DatabaseTarget {
  return {
    name: 'local',
    // DuckDB names an opened file's catalog after the file without its extension.
    database: path.basename(databasePath).replace(/\.[^.]*$/, ''),
    label: databasePath,
    lockKey: databasePath,
    // On the session thread: closing DuckDB there keeps the event loop, and Slack's acks, free.
    open: ({ writable }) => openSessionOffThread(databasePath, writable),
  };
}
