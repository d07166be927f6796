// Tries of the bot's messages (posts, edits) Slack failed while the Web API client tries them again: noted as they fail,
// so /databox status says Slack is not taking them at once, not only once the client gives up on one.
import type { FetchFunction } from '@slack/web-api';

/**
 * The Web API methods that carry a thread's messages, against the URL's path. Not files.*: an upload goes on a line of
 * its own (outbox.ts), and its failing says nothing of whether the thread's messages go.
 */
const messageCalls = /\/chat\.(postMessage|update)$/;

export class FailedTries {
  private since?: number;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * fetch, noting a message's try that failed: no answer (a refused connection, the client's timeout) or an HTTP error
   * (a 5xx, a proxy's page). A 429 is not: Slack asked for a wait, which status says itself. Any answered try clears it.
   */
  noting(fetch: FetchFunction): FetchFunction {
    return async (url, init) => {
      if (!messageCalls.test(String(url).split('?')[0] as string)) return fetch(url, init);
      let response: Awaited<ReturnType<FetchFunction>>;
      try {
        response = await fetch(url, init);
      } catch (error) {
        this.failed();
        throw error;
      }
      if (response.ok) this.since = undefined;
      else if (response.status !== 429) this.failed();
      return response;
    };
  }

  /** When a message's try first failed, since Slack last answered one; undefined while they are answered. */
  failingSince(): number | undefined {
    return this.since;
  }

  private failed(): void {
    this.since ??= this.now();
  }
}
