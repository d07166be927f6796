// A bounded queue for long work after Slack's 3-second ack: a few jobs at a time, a limited backlog.
import { UserError } from './errors.js';

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
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
  push(label: string, job: () => Promise<void>): void {
    if (this.waiting.length >= this.maxWaiting) {
      throw new UserError(`the bot is busy with ${this.size} jobs; try again in a minute`);
    }
    const start = () => {
      this.running += 1;
      job()
        .catch((error: unknown) => this.onError(error, label))
        .finally(() => {
          this.running -= 1;
          this.waiting.shift()?.();
          if (this.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    };
    if (this.running < this.concurrency) start();
    else this.waiting.push(start);
  }

  /** Resolves when no job is running or waiting (tests, and a graceful shutdown). */
  idle(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
