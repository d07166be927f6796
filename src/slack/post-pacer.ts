// Paces the bot's new messages per channel: a short burst, then about one a second, as Slack asks of chat.postMessage.

/**
 * Slack allows an app about one new message a second per channel, with short bursts; past that it answers 429 and
 * the thread's followers are notified of a flood. A bucket per channel: `burst` posts may go at once, and it refills
 * one post per `intervalMs`. chat.update is not counted: Slack allows it far more often (outbox.ts paces each message's
 * updates on its own).
 *
 * The threads of a channel take turns, first come first served: each that waits for a post joins the channel's turn
 * queue, and goes when the bucket holds a post for it and for every thread ahead of it. Else the thread whose timer
 * fires first would take each refill, and one with a long backlog could hold another's new message back for as long.
 */
export class PostPacer {
  private readonly intervalMs: number;
  private readonly burst: number;
  /** Each channel that posted lately: the posts it had left at `at`. A channel whose bucket is full again is forgotten. */
  private readonly buckets = new Map<string, { left: number; at: number }>();
  /** Each channel's threads waiting to post, the one waiting longest first. */
  private readonly turns = new Map<string, string[]>();

  constructor({ intervalMs = defaultPostIntervalMs, burst = defaultPostBurst }: { intervalMs?: number; burst?: number } = {}) {
    this.intervalMs = intervalMs;
    this.burst = burst;
  }

  /**
   * When `thread`'s next new message in `channel` may go: `now` when it may go at once. One that may not joins the
   * channel's turn queue (if not in it already) and keeps its place there until it posts (spent) or leaves.
   */
  dueAt(channel: string, now: number, thread = channel): number {
    const left = this.left(channel, now);
    const waiting = this.turns.get(channel) ?? [];
    const place = waiting.indexOf(thread);
    const ahead = place >= 0 ? place : waiting.length;
    // A post for it and for each thread ahead; or a bucket full again, which says those ahead are not taking their
    // turns (their bot stopping, say): they hold no one back then.
    if (left >= ahead + 1 || left >= this.burst) return now;
    if (place < 0) this.turns.set(channel, [...waiting, thread]);
    return now + Math.ceil((ahead + 1 - left) * this.intervalMs);
  }

  /** A new message of `thread` in `channel` went at `now`: its turn is taken. */
  spent(channel: string, now: number, thread = channel): void {
    this.buckets.set(channel, { left: this.left(channel, now) - 1, at: now });
    this.leave(thread, channel);
  }

  /** `thread` waits for no post any more (in `channel`, or in any): it holds no place in a turn queue. */
  leave(thread: string, channel?: string): void {
    for (const [name, waiting] of this.turns) {
      if (channel !== undefined && name !== channel) continue;
      const rest = waiting.filter((t) => t !== thread);
      if (rest.length > 0) this.turns.set(name, rest);
      else this.turns.delete(name);
    }
  }

  private left(channel: string, now: number): number {
    const bucket = this.buckets.get(channel);
    if (!bucket) return this.burst;
    // A clock set back: the bucket refills from now on, as it was, not after the time it jumped has passed again.
    if (now < bucket.at) bucket.at = now;
    const left = Math.min(this.burst, bucket.left + (now - bucket.at) / this.intervalMs);
    if (left >= this.burst) this.buckets.delete(channel);
    return left;
  }
}

/** About one new message a second per channel, as Slack's chat.postMessage asks. */
export const defaultPostIntervalMs = 1_000;

/** The short burst Slack tolerates: a verdict with its run's end, say, goes at once. */
export const defaultPostBurst = 3;
