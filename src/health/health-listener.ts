// Socket Mode's /healthz: Bolt opens no port then, so the bot serves it on loopback (HEALTH_PORT) for the image's
// HEALTHCHECK and a Kubernetes probe run in the container, from a thread of its own (health-listener-thread.ts).
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { startWorkerThread } from '../worker-thread.js';
import type { HealthzAnswer } from './healthz-answer.js';
import type { FromHealthThread, HealthListenerSettings, ToHealthThread } from './health-listener-thread.js';

/** Loopback only: nothing outside the container (or host) reaches it, so it needs no secret and no published port. */
export const healthHost = '127.0.0.1';

/** The image's HEALTHCHECK gives up after 4 s (healthcheck.ts), Docker after 5 s: the bot's answer is awaited for less. */
export const answerWithinMs = 2_000;

export interface HealthListener {
  /** The port bound, once bound; undefined if it could not be (said in the log) or not yet. */
  readonly port: Promise<number | undefined>;
  stop(): Promise<void>;
}

/** How a port that cannot be bound is said: what listens, and what to do. */
export interface ListenerNamed {
  what: string;
  fix: string;
}

const socketModeHealthz: ListenerNamed = { what: "Socket Mode's /healthz", fix: 'set HEALTH_PORT to a free port. The bot runs on, but its health check fails until it can' };

/**
 * Serves `answer()` on `port`. A port that cannot be bound (in use, not allowed) is a warning naming it and HEALTH_PORT
 * (or as `named` says), not a failed start: the bot still works for Slack, and only its health check fails, which says why.
 */
export function startHealthListener(
  port: number,
  answer: () => HealthzAnswer,
  logger: Logger,
  settings: Partial<HealthListenerSettings> = {},
  named: ListenerNamed = socketModeHealthz,
): HealthListener {
  const workerSettings: HealthListenerSettings = { host: healthHost, port, answerWithinMs, ...settings };
  let bound: (port: number | undefined) => void = () => undefined;
  const boundPort = new Promise<number | undefined>((resolve) => (bound = resolve));
  let stopping = false;
  const worker: Worker = startWorkerThread(import.meta.url, 'health-listener-thread', workerSettings, (error) => {
    bound(undefined);
    if (!stopping) logger.warn({ err: error }, `the /healthz listener on ${healthHost}:${port} (HEALTH_PORT) stopped: the health check fails until the bot is started again`);
  });
  // A listener that never holds the process up: the bot's own stop decides when it ends.
  worker.unref();
  worker.on('message', (message: FromHealthThread) => {
    if ('ask' in message) {
      worker.postMessage({ id: message.ask, answer: answer() } satisfies ToHealthThread);
    } else if ('listening' in message) {
      bound(message.listening);
    } else {
      stopping = true;
      bound(undefined);
      logger.warn({ port, code: message.refused }, `${named.what} cannot listen on ${workerSettings.host ?? 'every interface'}:${port} (${message.message}): ${named.fix}`);
    }
  });
  return {
    port: boundPort,
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
