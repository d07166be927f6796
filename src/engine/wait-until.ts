// The engine's "wait until" capability: repeat a read-only check until it reports a wanted status or a deadline passes, with progress.
import { formatDuration } from '../format-duration.js';

export interface WaitCheck {
  status: string;
  summary: string;
}

export interface WaitUntilRequest<T extends WaitCheck> {
  check: () => Promise<T>;
  /** Statuses that end the wait successfully. */
  until: readonly string[];
  deadlineMs: number;
  everyMs: number;
  progress: (text: string) => void;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WaitUntilResult<T extends WaitCheck> {
  status: 'ok' | 'timed-out' | 'cancelled';
  attempts: number;
  waitedMs: number;
  last: T;
  summary: string;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export async function waitUntil<T extends WaitCheck>(request: WaitUntilRequest<T>): Promise<WaitUntilResult<T>> {
  const now = request.now ?? Date.now;
  const sleep = request.sleep ?? abortableSleep;
  const started = now();
  let attempts = 0;
  for (;;) {
    const last = await request.check();
    attempts += 1;
    const waitedMs = now() - started;
    if (request.until.includes(last.status)) {
      return { status: 'ok', attempts, waitedMs, last, summary: `${last.summary} (after ${formatDuration(waitedMs)}, ${attempts} ${attempts === 1 ? 'check' : 'checks'})` };
    }
    if (request.signal?.aborted) return { status: 'cancelled', attempts, waitedMs, last, summary: `stopped while waiting: ${last.summary}` };
    if (waitedMs + request.everyMs > request.deadlineMs) {
      return {
        status: 'timed-out',
        attempts,
        waitedMs,
        last,
        summary: `gave up after ${formatDuration(waitedMs)} (the limit is ${formatDuration(request.deadlineMs)}): still ${last.status}: ${last.summary}`,
      };
    }
    request.progress(`check ${attempts}, ${formatDuration(waitedMs)} of ${formatDuration(request.deadlineMs)}: ${last.status}: ${last.summary}`);
    await sleep(request.everyMs, request.signal);
  }
}
