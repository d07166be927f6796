// Calls to a worker (a thread, or a host process of its own) as promises: each request carries an id, the worker
// answers it once (progress may come before), and a worker that fails or stops rejects what was waiting on it; the next
// call starts a new one.
import { errorOfKind } from './error-kind.js';
import { startHostProcess, type HostOptions } from './host-process.js';
import { startWorkerThread, threadEndpoint } from './worker-thread.js';

interface Pending<P> {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: P) => void;
}

interface Answer<P> {
  id?: number;
  result?: unknown;
  error?: string;
  /** The failed call's error's kind (failureAnswer): a TypeError thrown in the worker is one for the caller. */
  errorName?: string;
  progress?: P;
}

/** A worker as the calls see it, whether a thread or a process. */
export interface Endpoint {
  /** Sends a message; throws at once when it cannot be cloned (as postMessage does). */
  post(message: object): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Whether it can take no more calls though it has not yet been reported gone (a host whose channel closed). */
  closed?(): boolean;
  /** Whether it keeps this process alive (while calls are in flight) or not (while idle). */
  ref(): void;
  unref(): void;
  /** Ends it; resolves once it has stopped (its calls are failed by then). */
  terminate(): Promise<void>;
}

export interface WorkerCallsOptions {
  /**
   * A host process instead of a thread: for work that starts processes, which must not fork this one (see
   * host-process.ts). Its options are read when it starts.
   */
  process?: () => HostOptions;
  /** Messages the worker sends unasked (they carry no call's id): what it tells of work left running after a call answered. */
  onNotice?: (message: unknown) => void;
}

/** One worker: the calls sent to it, and its number (a worker started after it has a higher one). */
interface Running<P> {
  worker: Endpoint;
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
    private readonly options: WorkerCallsOptions = {},
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
    // A host going away (its exit not reported yet) fails its own calls; this one goes to a new host.
    if (this.running?.worker.closed?.()) this.running = undefined;
    const running = (this.running ??= this.startWorker());
    const result = new Promise<T>((resolve, reject) => running.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onProgress }));
    try {
      running.worker.post({ ...request, id });
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
    this.running?.worker.post(message);
  }

  /**
   * Tells the worker to abort call `id` once `signal` aborts (at once if it has), and calls `onAbort` then; the worker
   * answers the call as aborted (CallAborts on its side). Returns what stops listening, for when the call has ended.
   */
  abortOn(id: number, signal: AbortSignal | undefined, onAbort?: () => void): () => void {
    if (!signal) return () => {};
    const abort = () => {
      // Why, when the caller said it in words (Ctrl-C at the terminal, the bot stopping): the worker's work may say it.
      this.tell({ kind: 'abort', id, ...(typeof signal.reason === 'string' ? { reason: signal.reason } : {}) });
      onAbort?.();
    };
    if (signal.aborted) {
      abort();
      return () => {};
    }
    signal.addEventListener('abort', abort, { once: true });
    return () => signal.removeEventListener('abort', abort);
  }

  /**
   * Lets go of the running worker at once, so the next call starts another that reads `workerData` anew (settings
   * changed since it started); the old one ends, its calls rejected (WorkerGone).
   */
  renew(): void {
    const running = this.running;
    this.running = undefined;
    void running?.worker.terminate();
  }

  /** Ends the running worker; the calls it had are rejected (WorkerGone) before this resolves. The next call starts another. */
  async stop(): Promise<void> {
    await this.running?.worker.terminate();
  }

  private get name(): string {
    return this.entry.replace(/-/g, ' ');
  }

  private startWorker(): Running<Progress> {
    const pending = new Map<number, Pending<Progress>>();
    const gone = (error: Error) => {
      // Only its own calls: those sent to a worker started since are that one's.
      if (this.running?.worker === worker) this.running = undefined;
      for (const call of pending.values()) call.reject(new WorkerGone(error.message));
      pending.clear();
    };
    const host = this.options.process;
    const worker: Endpoint = host
      ? startHostProcess(this.callerUrl, this.entry, this.workerData(), host(), gone)
      : threadEndpoint(startWorkerThread(this.callerUrl, this.entry, this.workerData(), gone));
    worker.onMessage((answer) => {
      const message = answer as Answer<Progress>;
      if (message.id === undefined) {
        this.options.onNotice?.(answer);
        return;
      }
      const call = pending.get(message.id);
      if (call && message.progress) {
        call.onProgress?.(message.progress);
        return;
      }
      if (call) {
        pending.delete(message.id);
        if (message.error !== undefined) call.reject(errorOfKind(message.errorName, message.error));
        else call.resolve(message.result);
      }
      if (pending.size === 0) worker.unref();
    });
    worker.unref();
    this.generations += 1;
    return { worker, generation: this.generations, pending };
  }
}
