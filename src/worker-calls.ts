// Calls to a worker thread as promises: each request carries an id, the worker answers it once (progress may come
// before), and a worker that fails or stops rejects what was waiting on it; the next call starts a new one.
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

/** One worker: the calls sent to it, and its number (a worker started after it has a higher one). */
interface Running<P> {
  worker: Worker;
  generation: number;
  pending: Map<number, Pending<P>>;
}

/** The worker a call was sent to stopped (a fault, an exit) before it answered; whatever it held is gone with it. */
export class WorkerGone extends Error {
  override readonly name = 'WorkerGone';
}

export class WorkerCalls<Request extends object, Progress = never> {
  private running: Running<Progress> | undefined;
  private generations = 0;
  private nextId = 1;

  /** `workerData` is read when a worker starts, so settings made at start-up reach it. */
  constructor(
    private readonly callerUrl: string,
    private readonly entry: string,
    private readonly workerData: () => unknown,
  ) {}

  /** Starts the worker now (it does not keep the process alive), so the first call does not wait for it. */
  start(): void {
    this.running ??= this.startWorker();
  }

  /** The number of the worker running now, if one is. */
  get generation(): number | undefined {
    return this.running?.generation;
  }

  /** `onlyOn`: the call is for that worker alone (it holds the call's state): if it has stopped, WorkerGone at once. */
  call<T>(request: Request, onProgress?: (progress: Progress) => void, onlyOn?: number): { id: number; result: Promise<T> } {
    const id = this.nextId++;
    if (onlyOn !== undefined && this.running?.generation !== onlyOn) return { id, result: Promise.reject(new WorkerGone(`the ${this.name} stopped; what it held is gone`)) };
    const running = (this.running ??= this.startWorker());
    const result = new Promise<T>((resolve, reject) => running.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress }));
    try {
      running.worker.postMessage({ ...request, id });
    } catch (error) {
      // Not sent (a value that cannot cross threads): nothing waits for an answer.
      running.pending.delete(id);
      return { id, result: Promise.reject(error as Error) };
    }
    // A call in flight keeps the process alive; an idle worker does not.
    running.worker.ref();
    return { id, result };
  }

  /** A message that expects no answer (an abort, an interrupt), to the running worker if there is one. */
  tell(message: object): void {
    this.running?.worker.postMessage(message);
  }

  /** Ends the running worker; the calls it had are rejected (WorkerGone) before this resolves. The next call starts another. */
  async stop(): Promise<void> {
    const worker = this.running?.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      void worker.terminate();
    });
  }

  private get name(): string {
    return this.entry.replace(/-/g, ' ');
  }

  private startWorker(): Running<Progress> {
    const pending = new Map<number, Pending<Progress>>();
    const worker: Worker = startWorkerThread(this.callerUrl, this.entry, this.workerData(), (error) => {
      // Only its own calls: those sent to a worker started since are that one's.
      if (this.running?.worker === worker) this.running = undefined;
      for (const call of pending.values()) call.reject(new WorkerGone(error.message));
      pending.clear();
    });
    worker.on('message', (message: Answer<Progress>) => {
      const call = pending.get(message.id);
      if (call && message.progress) {
        call.onProgress?.(message.progress);
        return;
      }
      if (call) {
        pending.delete(message.id);
        if (message.error !== undefined) call.reject(new Error(message.error));
        else call.resolve(message.result);
      }
      if (pending.size === 0) worker.unref();
    });
    worker.unref();
    this.generations += 1;
    return { worker, generation: this.generations, pending };
  }
}
