// A bounded queue for long work after Slack's 3-second ack: a few jobs at a time, a limited backlog.
import { UserError } from './errors.js';

export interface JobOptions {
  /**
   * Approvals and rollbacks: started at once, beside whatever runs, never behind diagnoses in the backlog and never
   * refused for a full one. They are few by nature (one mutating plan per database at a time).
   */
  urgent?: boolean;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: { label: string; start: () => void }[] = [];
  /** The label of each job running now, for /databox status. */
  private readonly runningLabels: string[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly onError: (error: unknown, label: string) => void,
  ) {}

  get size(): number {
    return this.running + this.waiting.length;
  }

  /** Queues a job; refuses (UserError) when the backlog is full rather than piling up work nobody sees. */
  push(label: string, job: () => Promise<void>, options: JobOptions = {}): void {
    if (!options.urgent && this.waiting.length >= this.maxWaiting) {
      throw new UserError(`the bot is busy with ${this.size} jobs; try again in a minute`);
    }
    const start = () => {
      this.running += 1;
      this.runningLabels.push(label);
      job()
        .catch((error: unknown) => this.onError(error, label))
        .finally(() => {
          this.running -= 1;
          this.runningLabels.splice(this.runningLabels.indexOf(label), 1);
          // A slot freed by an urgent job is not a slot of the normal lanes: only start what now fits.
          while (this.running < this.concurrency && this.waiting.length > 0) this.waiting.shift()?.start();
          if (this.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    };
    if (options.urgent || this.running < this.concurrency) start();
    else this.waiting.push({ label, start });
  }

  /** What runs now and what waits for a worker, by label, in the order they started or will. */
  jobs(): { running: string[]; waiting: string[] } {
    return { running: [...this.runningLabels], waiting: this.waiting.map((job) => job.label) };
  }

  /** Resolves when no job is running or waiting (tests, and a graceful shutdown). */
  idle(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
