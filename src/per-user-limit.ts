// How many commands one person may start in a window of time: past it, a clear answer instead of more queued work.
export interface LimitVerdict {
  ok: boolean;
  /** When the oldest command in the window leaves it, i.e. when the next one is allowed. */
  retryInMs: number;
}

export class PerUserLimit {
  private readonly recent = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one command for `user` if the limit allows it. */
  take(user: string): LimitVerdict {
    const now = this.now();
    const times = (this.recent.get(user) ?? []).filter((at) => now - at < this.windowMs);
    if (times.length >= this.limit) {
      this.recent.set(user, times);
      return { ok: false, retryInMs: (times[0] as number) + this.windowMs - now };
    }
    times.push(now);
    this.recent.set(user, times);
    return { ok: true, retryInMs: 0 };
  }

  /** Uncounts `user`'s latest command: it was refused before it started anything (bad input, a database held). */
  giveBack(user: string): void {
    this.recent.get(user)?.pop();
  }
}
