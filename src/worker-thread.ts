// Starts a worker thread from a module beside its caller, run from TypeScript sources (tsx, vitest: the worker
// registers tsx's loader first) or built to JavaScript, and tells the caller once it fails or stops.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `entry` is the worker module's name beside `callerUrl` (its import.meta.url), without extension. */
export function startWorkerThread(callerUrl: string, entry: string, workerData: unknown, gone: (error: Error) => void): Worker {
  let worker: Worker;
  if (callerUrl.endsWith('.ts')) {
    const tsxApi = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/tsx/dist/esm/api/index.mjs')).href;
    const module = new URL(`./${entry}.ts`, callerUrl).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); });`;
    worker = new Worker(boot, { eval: true, workerData });
  } else {
    worker = new Worker(new URL(`./${entry}.js`, callerUrl), { workerData });
  }
  worker.on('error', gone);
  worker.on('exit', (code) => gone(new Error(`the ${entry.replace(/-/g, ' ')} stopped (exit code ${code})`)));
  return worker;
}
