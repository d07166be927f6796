// Counts the Web API calls a bot has on their way to Slack, so that a test can wait for those it did not wait for
// itself (a clicker told something without holding up the work queue: tellWithoutWaiting, src/slack/tell-or-log.ts).
import { WebClient, type FetchFunction } from '@slack/web-api';

/**
 * Whose count a client's calls go into, by the fetch it sends with: Bolt makes more clients from a bot's options (one
 * per workspace, for its listeners), each sending through the bot's fetch. A client of anyone else's counts nowhere.
 */
const countFor = new WeakMap<FetchFunction, CallsInFlight>();
const fetchOf = (client: WebClient) => (client as unknown as { fetchFn: FetchFunction }).fetchFn;
let apiCallWrapped = false;

/**
 * Counts each call from the moment it is made, not when its fetch starts: WebClient queues a call, and waits out a rate
 * limit's Retry-After, before (and between) its fetches. Wrapped on the prototype, once per process: a client binds
 * its methods (chat.postMessage…) to apiCall as it is made, so wrapping a client made already would miss them.
 */
function wrapApiCall(): void {
  if (apiCallWrapped) return;
  apiCallWrapped = true;
  const apiCall = WebClient.prototype.apiCall;
  WebClient.prototype.apiCall = function counted(this: WebClient, ...args: Parameters<typeof apiCall>) {
    const call = apiCall.apply(this, args);
    countFor.get(fetchOf(this))?.add(call);
    return call;
  };
}

export class CallsInFlight {
  private readonly running = new Set<Promise<unknown>>();

  constructor() {
    wrapApiCall();
  }

  /**
   * `fetch`, each request counted until Slack's answer (or the failure) is back: a reply to a response URL is a fetch
   * of its own, made by no client.
   */
  track(fetch: FetchFunction): FetchFunction {
    return (url, init) => {
      const request = fetch(url, init);
      this.add(request);
      return request;
    };
  }

  /** Counts the calls of the client, and of every client sending through its fetch, each until Slack's answer (or the failure) is back. */
  watch(client: WebClient): void {
    countFor.set(fetchOf(client), this);
  }

  /** One call or request, counted until it settles. */
  add(call: Promise<unknown>): void {
    const settled = call.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  /** Once no call is on its way, those a call's answer started included. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
