// Which Web API calls of a kind failed: a fetch wrapper notes them, so a retry policy can tell them apart from others.
import type { FetchFunction } from '@slack/web-api';

export interface FailedCalls {
  /** fetch, noting which of its failures were of these methods. */
  noting(fetch: FetchFunction): FetchFunction;
  /** Whether the client's error (which wraps fetch's, keeping it as `original`) is one of those failures. */
  has(error: unknown): boolean;
}

/** Failures of the Web API methods `methods` matches (against the URL's path, its query left out). */
export function failedCallsOf(methods: RegExp): FailedCalls {
  const failed = new WeakSet<object>();
  return {
    noting: (fetch) => async (url, init) => {
      try {
        return await fetch(url, init);
      } catch (error) {
        if (methods.test(String(url).split('?')[0] as string) && typeof error === 'object' && error !== null) failed.add(error);
        throw error;
      }
    },
    has: (error) => {
      const original = (error as { original?: unknown }).original;
      return typeof original === 'object' && original !== null && failed.has(original);
    },
  };
}
