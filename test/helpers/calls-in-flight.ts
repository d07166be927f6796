// Counts the Web API calls a bot has on their way to Slack, so that a test can wait for those it did not wait for
// itself (a clicker told something without holding up the work queue: tellWithoutWaiting).
import type { FetchFunction } from '@slack/web-api';

export class CallsInFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** `fetch`, each call counted until Slack's answer (or the failure) is back. */
  track(fetch: FetchFunction): FetchFunction {
    return (url, init) => {
      const call = fetch(url, init);
      const settled = call.then(
        () => undefined,
        () => undefined,
      );
      this.running.add(settled);
      void settled.then(() => this.running.delete(settled));
      return call;
    };
  }

  /** Once no call is on its way, those a call's answer started included. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
