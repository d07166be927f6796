// Ends DuckDB's worker threads before the process exits, within a limit: Node's exit waits for every thread, and one
// held by a read the storage never answers (a hung network mount, a named pipe) would keep the process from ever ending.
import { stopReaderThread, unansweredReads } from './off-thread.js';
import { stopSessionThread } from './sessions-off-thread.js';

/** How long the threads get to end: closing a large instance takes well under a second. */
const endWithinMs = 10_000;

/**
 * Ends the threads and exits with `code` (by `exit`); when they do not end in time, `say`s why (at once: the process ends right
 * after) and ends it by SIGTERM's default action instead (exit status 143), the one way out that does not wait for them.
 */
export async function exitAfterDuckdbThreads(code: number, say: (line: string) => void, exit: (code: number) => void = process.exit): Promise<void> {
  const stuck = unansweredReads();
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    Promise.all([stopReaderThread(), stopSessionThread()]).then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), stuck.length > 0 ? 0 : endWithinMs))),
  ]);
  clearTimeout(timer);
  if (ended) {
    exit(code);
    return;
  }
  const held = stuck.map((read) => `a read of ${read.file} started at ${read.since.slice(11, 19)} UTC`).join(', ');
  say(
    `DuckDB's threads did not end${held ? `: ${held} has not returned (the storage under it does not answer)` : ` within ${endWithinMs / 1000} s`}; ending the process without waiting for them (by SIGTERM)`,
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);
  process.kill(process.pid, 'SIGTERM');
}
