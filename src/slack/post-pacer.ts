// Paces the bot's new messages per channel: a short burst, then about one a second, as Slack asks of chat.postMessage.

/**
 * Slack allows an app about one new message a second per channel, with short bursts; past that it answers 429 and
 * the thread's followers are notified of a flood. A bucket per channel: `burst` posts may go at once, and it refills
 * one post per `intervalMs`. chat.update is not counted: Slack allows it far more often (outbox.ts paces each message's
 * updates on its own).
 */
export class PostPacer {
  private readonly intervalMs: number;
  private readonly burst: number;
  /** Each channel that posted lately: the posts it had left at `at`. A channel whose bucket is full again is forgotten. */
  private readonly buckets = new Map<string, { left: number; at: number }>();

  constructor({ intervalMs = defaultPostIntervalMs, burst = defaultPostBurst }: { intervalMs?: number; burst?: number } = {}) {
    this.intervalMs = intervalMs;
    this.burst = burst;
  }

  /** When the next new message in `channel` may go: `now` when it may go at once. */
  dueAt(channel: string, now: number): number {
    const left = this.left(channel, now);
    return left >= 1 ? now : now + Math.ceil((1 - left) * this.intervalMs);
  }

  /** A new message in `channel` went at `now`. */
  spent(channel: string, now: number): void {
    this.buckets.set(channel, { left: this.left(channel, now) - 1, at: now });
  }

  private left(channel: string, now: number): number {
    const bucket = this.buckets.get(channel);
    if (!bucket) return this.burst;
    const left = Math.min(this.burst, bucket.left + (now - bucket.at) / this.intervalMs);
    if (left >= this.burst) this.buckets.delete(channel);
    return left;
  }
}

/** About one new message a second per channel, as Slack's chat.postMessage asks. */
export const defaultPostIntervalMs = 1_000;

/** The short burst Slack tolerates: a verdict with its run's end, say, goes at once. */
export const defaultPostBurst = 3;
