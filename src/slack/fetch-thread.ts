// The worker side of fetch-off-thread.ts: makes the Web API client's HTTP requests (and Bolt's response_url posts) on
// this thread, with its own pool of kept-alive connections, and answers each with the whole response.
import { parentPort } from 'node:worker_threads';
import { CallAborts } from '../call-aborts.js';

/** A multipart body's part: a field, or a file's bytes (FormData cannot cross threads; its parts can). */
export type FormPart = { name: string; value: string } | { name: string; bytes: ArrayBuffer; filename: string; type: string };

export interface FetchCall {
  kind: 'fetch';
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormPart[];
  redirect?: RequestRedirect;
}

export type FetchRequest = (FetchCall & { id: number }) | { id: number; kind: 'abort' };

/** A response, read to its end on this thread: the body's bytes move to the caller, not a copy of them. */
export interface FetchAnswer {
  status: number;
  statusText: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

function formOf(parts: FormPart[]): FormData {
  const form = new FormData();
  for (const part of parts) {
    if ('value' in part) form.append(part.name, part.value);
    else form.append(part.name, new Blob([part.bytes], { type: part.type }), part.filename);
  }
  return form;
}

/** fetch says only "fetch failed"; what failed (a refused connection, a reset) is in its cause, and the logs want it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  const detail = typeof cause?.message === 'string' ? cause.message : typeof cause?.code === 'string' ? cause.code : undefined;
  return detail && !error.message.includes(detail) ? `${error.message}: ${detail}` : error.message;
}

async function send(call: FetchCall, signal: AbortSignal): Promise<FetchAnswer> {
  const body = typeof call.body === 'string' || call.body === undefined ? call.body : formOf(call.body);
  const response = await fetch(call.url, { method: call.method, headers: call.headers, body, redirect: call.redirect, signal });
  return {
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: [...response.headers],
    body: await response.arrayBuffer(),
  };
}

const aborts = new CallAborts();

parentPort?.on('message', (request: FetchRequest) => {
  if (request.kind === 'abort') {
    aborts.abort(request.id);
    return;
  }
  send(request, aborts.begin(request.id))
    .then(
      (result) => parentPort?.postMessage({ id: request.id, result }, [result.body]),
      (error: unknown) => parentPort?.postMessage({ id: request.id, error: describe(error) }),
    )
    .finally(() => aborts.end(request.id));
});
