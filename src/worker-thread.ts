// Starts a worker thread from a module beside its caller, run from TypeScript sources (tsx, vitest: the worker
// registers tsx's loader first) or built to JavaScript, and tells the caller once, when it fails or stops.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHARE_ENV, Worker, type WorkerOptions } from 'node:worker_threads';
import type { Endpoint } from './worker-calls.js';

/** A file of the project's tsx, as a URL to import (workers and host processes run from sources register it). */
export function tsxUrl(file: string): string {
  return pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/tsx', file)).href;
}

/** `entry` is the worker module's name beside `callerUrl` (its import.meta.url), without extension. */
export function startWorkerThread(callerUrl: string, entry: string, workerData: unknown, gone: (error: Error) => void): Worker {
  let worker: Worker;
  // process.env is shared, not copied: what the worker starts sees the environment as it is now.
  const options: WorkerOptions = { workerData, env: SHARE_ENV };
  if (callerUrl.endsWith('.ts')) {
    const tsxApi = tsxUrl('dist/esm/api/index.mjs');
    const module = new URL(`./${entry}.ts`, callerUrl).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); });`;
    worker = new Worker(boot, { eval: true, ...options });
  } else {
    worker = new Worker(new URL(`./${entry}.js`, callerUrl), options);
  }
  // A crash is reported twice, its error and then its exit: the caller hears of it once, as the error.
  const tell = onlyOnce(gone);
  worker.on('error', tell);
  worker.on('exit', (code) => tell(new Error(`the ${entry.replace(/-/g, ' ')} stopped (exit code ${code})`)));
  return worker;
}

/**
 * `gone` for a worker (thread or host process) that reports its end more than once (an error, then its exit): told
 * again, the caller would fail calls already sent to the worker started in between.
 */
export function onlyOnce(gone: (error: Error) => void): (error: Error) => void {
  let told = false;
  return (error) => {
    if (told) return;
    told = true;
    gone(error);
  };
}

/** A worker thread as WorkerCalls sees it. */
export function threadEndpoint(worker: Worker): Endpoint {
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        void worker.terminate();
      }),
  };
}
