// Calls to a worker thread as promises: each request carries an id, the worker answers it once (progress may come
// before), and a worker that fails or stops rejects what was waiting; the next call starts a new one.
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from './worker-thread.js';

interface Pending<P> {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: P) => void;
}

interface Answer<P> {
  id: number;
  result?: unknown;
  error?: string;
  progress?: P;
}

export class WorkerCalls<Request extends object, Progress = never> {
  private readonly pending = new Map<number, Pending<Progress>>();
  private worker: Worker | undefined;
  private nextId = 1;

  /** `workerData` is read when a worker starts, so settings made at start-up reach it. */
  constructor(
    private readonly callerUrl: string,
    private readonly entry: string,
    private readonly workerData: () => unknown,
  ) {}

  /** Starts the worker now (it does not keep the process alive), so the first call does not wait for it. */
  start(): void {
    this.worker ??= this.startWorker();
  }

  call<T>(request: Request, onProgress?: (progress: Progress) => void): { id: number; result: Promise<T> } {
    const worker = (this.worker ??= this.startWorker());
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress }));
    // A call in flight keeps the process alive; an idle worker does not.
    worker.ref();
    worker.postMessage({ ...request, id });
    return { id, result };
  }

  /** A message that expects no answer (an abort, an interrupt), to the running worker if there is one. */
  tell(message: object): void {
    this.worker?.postMessage(message);
  }

  private startWorker(): Worker {
    const started: Worker = startWorkerThread(this.callerUrl, this.entry, this.workerData(), (error) => {
      if (this.worker === started) this.worker = undefined;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    });
    started.on('message', (message: Answer<Progress>) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      if (message.progress) {
        call.onProgress?.(message.progress);
        return;
      }
      this.pending.delete(message.id);
      if (message.error !== undefined) call.reject(new Error(message.error));
      else call.resolve(message.result);
      if (this.pending.size === 0) started.unref();
    });
    started.unref();
    return started;
  }
}
