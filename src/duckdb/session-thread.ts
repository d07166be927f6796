// The worker side of sessions-off-thread.ts: opens DuckDB files for the local target's sessions, runs their statements,
// and closes them on this thread, so the close (the buffer pool freed, DuckDB's threads joined) never holds up Slack.
import { parentPort } from 'node:worker_threads';
import { failureAnswer } from '../error-kind.js';
import { openDatabase, runForRows, type OpenDatabase, type ReadOnlyLimits } from './open.js';

/** `session` is numbered by the caller, so a session of a worker that stopped is never taken for one of the next. */
export type SessionCall =
  | { kind: 'open'; session: number; location: string; writable: boolean; limits: ReadOnlyLimits }
  | { kind: 'run'; session: number; sql: string; params: unknown[] }
  | { kind: 'close'; session: number };
type SessionRequest = (SessionCall & { id: number }) | { kind: 'interrupt'; session: number };

const sessions = new Map<number, OpenDatabase>();
/** The statement each session is running: a close waits for it, since closing under it would leave it unsettled. */
const running = new Map<number, Promise<unknown>>();

async function answer(request: SessionCall): Promise<unknown> {
  if (request.kind === 'open') {
    sessions.set(request.session, await openDatabase(request.location, request.writable, request.limits));
    return undefined;
  }
  const database = sessions.get(request.session);
  if (request.kind === 'close') {
    sessions.delete(request.session);
    const statement = running.get(request.session);
    if (statement) {
      database?.connection.interrupt();
      await statement.catch(() => undefined);
    }
    database?.close();
    return undefined;
  }
  if (!database) throw new Error('this database session is already closed');
  const statement = runForRows(database.connection, request.sql, request.params);
  running.set(request.session, statement);
  try {
    return await statement;
  } finally {
    running.delete(request.session);
  }
}

parentPort?.on('message', (request: SessionRequest) => {
  if (request.kind === 'interrupt') {
    sessions.get(request.session)?.connection.interrupt();
    return;
  }
  answer(request).then(
    (result) => parentPort?.postMessage({ id: request.id, result }),
    (error: unknown) => parentPort?.postMessage({ id: request.id, ...failureAnswer(error) }),
  );
});
