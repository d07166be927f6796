// Calls that may never answer (a read the storage holds forever): each key's call is given a time to answer, after
// which it is answered as not answering; until the call does answer, another call with its key is answered so at once
// instead of being sent to wait beside it.
export class UnansweredCalls {
  /** Calls sent and not answered yet, by key: since when the oldest has waited, and how many wait. */
  private readonly waiting = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly answerWithinMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `call` unless `key`'s earlier call is overdue; `notAnswering(since, earlier)` when it is, or that one is (`earlier`:
   * answered at once, nothing sent). What `notAnswering` throws is what the call fails with.
   */
  async run<T>(key: string, call: () => Promise<T>, notAnswering: (since: number, earlier: boolean) => T): Promise<T> {
    const earlier = this.waiting.get(key);
    if (earlier && this.now() - earlier.since >= this.answerWithinMs) return notAnswering(earlier.since, true);
    const waiting = earlier ?? { since: this.now(), count: 0 };
    waiting.count += 1;
    this.waiting.set(key, waiting);
    const answered = () => {
      waiting.count -= 1;
      if (waiting.count === 0 && this.waiting.get(key) === waiting) this.waiting.delete(key);
    };
    const sent = call();
    sent.then(answered, answered);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => {
        try {
          resolve(notAnswering(waiting.since, false));
        } catch (error) {
          reject(error as Error);
        }
      }, Math.max(0, waiting.since + this.answerWithinMs - this.now()));
    });
    try {
      return await Promise.race([sent, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The keys whose call is overdue, and since when it has waited. */
  overdue(): { key: string; since: number }[] {
    return [...this.waiting.entries()].filter(([, waiting]) => this.now() - waiting.since >= this.answerWithinMs).map(([key, waiting]) => ({ key, since: waiting.since }));
  }
}
