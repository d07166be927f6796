// Postmortems on their way to Slack, outside the work queue: an upload Slack leaves unanswered for minutes holds no
// worker, and /databox status, the bot's stop and the tests still know it is going.

interface UnderWay {
  label: string;
  since: number;
}

export class UploadsUnderWay {
  private readonly going = new Map<Promise<void>, UnderWay>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Follows `upload` (which must not reject: it tells its own outcome) until it settles. */
  add(label: string, upload: Promise<void>): void {
    this.going.set(upload, { label, since: this.now() });
    const settled = () => {
      this.going.delete(upload);
      if (this.going.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    };
    void upload.then(settled, settled);
  }

  /** What is being uploaded, oldest first, with since when. */
  list(): UnderWay[] {
    return [...this.going.values()].sort((a, b) => a.since - b.since);
  }

  /** Resolves once nothing is being uploaded. */
  idle(): Promise<void> {
    return this.going.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
