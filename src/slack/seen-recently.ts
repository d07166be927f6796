// Remembers keys (a request's signature, an envelope's id) for a while, to tell a request sent again from a new one.
export class SeenRecently {
  private readonly seen = new Map<string, number>();

  /** `kept`: how many keys at most, the oldest going first past it; `forMs`: how long each is remembered. */
  constructor(
    private readonly kept: number,
    private readonly forMs: number,
  ) {}

  /**
   * True the first time a key is seen within its window, which it then starts. Only keys of requests that are what
   * they say (signed, or come over the bot's own connection) are given: others would push the real ones out.
   */
  firstTime(key: string, nowMs: number): boolean {
    const knownUntil = this.seen.get(key);
    if (knownUntil !== undefined && knownUntil > nowMs) return false;
    this.seen.delete(key);
    // Oldest first (kept in the order seen): those past their window, then as many as make room for this one.
    for (const [known, until] of this.seen) {
      if (until > nowMs && this.seen.size < this.kept) break;
      this.seen.delete(known);
    }
    this.seen.set(key, nowMs + this.forMs);
    return true;
  }
}
