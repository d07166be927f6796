// The Web API client's fetch, run on a worker thread. Each call to Slack cost about 2 ms of the event loop in fetch's
// own machinery (building the request, the socket's reads and writes, the response's streams), in one run: a diagnosis
// makes about seven, and each held up the acks that arrived meanwhile. Here the event loop posts a message and takes one.
import type { FetchFunction } from '@slack/web-api';
import { WorkerCalls } from '../worker-calls.js';
import type { FetchAnswer, FetchCall, FormPart } from './fetch-thread.js';

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];

// Started by the first call to Slack, the bot's auth.test as it starts; idle, it does not keep the process alive.
const fetcher = new WorkerCalls<FetchCall>(import.meta.url, 'fetch-thread', () => undefined);

/** A response's headers, looked up as fetch's are: by name, whatever its case. */
class AnswerHeaders implements FetchHeaders {
  private readonly byName = new Map<string, string>();

  constructor(entries: [string, string][]) {
    for (const [name, value] of entries) this.byName.set(name.toLowerCase(), value);
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  entries(): Iterable<[string, string]> {
    return this.byName.entries();
  }
}

/** What the Web API client and Bolt's respond read of a response, from the thread's answer. */
class AnswerResponse implements FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: FetchHeaders;
  private readonly body: ArrayBuffer;

  constructor(answer: FetchAnswer) {
    this.ok = answer.status >= 200 && answer.status < 300;
    this.status = answer.status;
    this.statusText = answer.statusText;
    this.url = answer.url;
    this.headers = new AnswerHeaders(answer.headers);
    this.body = answer.body;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body;
  }

  async text(): Promise<string> {
    // As fetch's text(): UTF-8, a byte order mark dropped.
    return new TextDecoder().decode(this.body);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** A FormData's parts, which can cross to the thread (a file's bytes read first). */
async function partsOf(form: FormData): Promise<FormPart[]> {
  const parts: FormPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push({ name, value });
    else parts.push({ name, bytes: await value.arrayBuffer(), filename: value.name, type: value.type });
  }
  return parts;
}

/**
 * fetch, as the Web API client calls it. A timeout (its signal) rejects at once with the signal's reason, as fetch does,
 * and the thread drops the request.
 */
export const fetchOffThread: FetchFunction = async (url, init = {}) => {
  const { signal } = init;
  signal?.throwIfAborted();
  // A text body (every call but a file upload) is posted to the thread at once, before this function first waits.
  const body = init.body instanceof FormData ? await partsOf(init.body) : init.body;
  signal?.throwIfAborted();
  const call: FetchCall = { kind: 'fetch', url: String(url), method: init.method, headers: init.headers, body, redirect: init.redirect };
  const { id, result } = fetcher.call<FetchAnswer>(call);
  if (!signal) return new AnswerResponse(await result);
  return new Promise<FetchResponse>((resolve, reject) => {
    const stopListening = fetcher.abortOn(id, signal, () => reject(signal.reason));
    result.then((answer) => resolve(new AnswerResponse(answer)), reject).finally(stopListening);
  });
};
