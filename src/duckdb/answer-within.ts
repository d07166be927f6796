// Waiting for DuckDB work that may never return (a read the storage holds forever: a hung network mount, a named pipe),
// up to a limit or a stop, without waiting on the work itself: what DuckDB is blocked in, interrupt() does not reach.

/**
 * How long a read of the storage is given to answer: reading a header, a catalog or the first lines of a file is well
 * under a second even on a busy host, so a read still out after that is held by the operating system.
 */
export const storageAnswerMs = 20_000;

/** What `work` came to: its value (or what it threw) once it answered, or that it did not within the limit, or was stopped first. */
export type Answer<T> = { answered: true; value: T } | { answered: false; stopped: boolean };

/** `work`'s answer, if it comes within `withinMs` and before `stopped` resolves; `work` is left running otherwise. */
export async function answerWithin<T>(work: Promise<T>, withinMs: number, stopped: Promise<void>): Promise<Answer<T>> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Answer<T>>((resolve) => (timer = setTimeout(() => resolve({ answered: false, stopped: false }), withinMs)));
  try {
    return await Promise.race([work.then((value) => ({ answered: true as const, value })), limit, stopped.then(() => ({ answered: false as const, stopped: true }))]);
  } finally {
    clearTimeout(timer);
  }
}
