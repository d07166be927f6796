// The worker side of aborting a call (WorkerCalls.abortOn): an AbortController per call in flight, by the call's id.

export class CallAborts {
  private readonly controllers = new Map<number, AbortController>();

  /** The signal of call `id`, aborted if its caller aborts the call before end(id). */
  begin(id: number): AbortSignal {
    const controller = new AbortController();
    this.controllers.set(id, controller);
    return controller.signal;
  }

  /** The caller aborted call `id`, for `reason` if it said one; nothing happens if it has already ended. */
  abort(id: number, reason?: string): void {
    this.controllers.get(id)?.abort(reason);
  }

  end(id: number): void {
    this.controllers.delete(id);
  }
}
