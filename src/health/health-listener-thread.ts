// The worker side of health-listener.ts: serves GET /healthz on loopback from its own thread, so a bot whose event loop
// is stuck is answered 503 with that reason, not left to a probe's timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { HealthzAnswer } from './healthz-answer.js';

export interface HealthListenerSettings {
  /** Undefined: every interface, as Bolt's HTTP receiver listens (HTTP mode's /healthz while the start waits for Slack). */
  host: string | undefined;
  port: number;
  /** How long the bot's thread has to give its answer. */
  answerWithinMs: number;
}

/** From this thread to the bot's: bound (the port), the bind refused (Node's code), or a request to answer. */
export type FromHealthThread = { listening: number } | { refused: string; message: string } | { ask: number };
/** From the bot's thread: its answer to request `id`. */
export interface ToHealthThread {
  id: number;
  answer: HealthzAnswer;
}

const { host, port, answerWithinMs } = workerData as HealthListenerSettings;
const waiting = new Map<number, (answer: HealthzAnswer) => void>();
let nextId = 1;

parentPort?.on('message', ({ id, answer }: ToHealthThread) => {
  waiting.get(id)?.(answer);
  waiting.delete(id);
});

function stuck(): HealthzAnswer {
  const reason = `the bot's event loop did not answer within ${answerWithinMs / 1000} s: it is stuck or overloaded, and takes no command or click meanwhile`;
  return { status: 503, body: JSON.stringify({ ok: false, reason }) };
}

function askTheBot(): Promise<HealthzAnswer> {
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(stuck());
    }, answerWithinMs);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    parentPort?.postMessage({ ask: id } satisfies FromHealthThread);
  });
}

const server = http.createServer((req, res) => {
  const route = (req.url ?? '').split('?')[0];
  // HEAD as well: probes often ask with it, and Node sends a HEAD's answer without its body.
  if (route !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /healthz is served here\n');
    return;
  }
  void askTheBot().then(({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
});
server.on('error', (error: NodeJS.ErrnoException) => {
  parentPort?.postMessage({ refused: error.code ?? 'unknown', message: error.message } satisfies FromHealthThread);
  process.exit(0);
});
server.listen(port, host, () => parentPort?.postMessage({ listening: (server.address() as AddressInfo).port } satisfies FromHealthThread));
