// Redacts a stream of text as it arrives, before anything is cut or stored: a secret split across chunks is still caught.
import { secretSpans, type Redactor } from './redact.js';

/**
 * How much text is held back at the end of what has arrived: a secret (or a password= line) that starts in it may
 * still be arriving. Longer than any secret the redactor knows how to find (a PEM key is about 3 KiB).
 */
export const streamOverlap = 16 * 1024;

export class StreamRedactor {
  private pending = '';

  constructor(
    private readonly redact: Redactor,
    private readonly overlap = streamOverlap,
  ) {}

  /** Characters held back, waiting for what follows them. */
  get held(): number {
    return this.pending.length;
  }

  /** Takes a chunk; returns the redacted text that is now safe to pass on (possibly empty). */
  push(chunk: string): string {
    this.pending += chunk;
    if (this.pending.length <= 2 * this.overlap) return '';
    const cut = this.safeCut(this.pending.length - this.overlap);
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.redact(ready);
  }

  /** The rest, redacted, when the stream has ended. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.redact(rest) : '';
  }

  /** Moves a cut back to the start of any secret it would go through, so each secret is redacted whole. */
  private safeCut(wanted: number): number {
    // Only a secret that reaches the cut matters, and none is longer than the overlap: look at the text around it.
    const from = Math.max(0, wanted - this.overlap);
    const spans = secretSpans(this.redact, this.pending.slice(from))?.map(([start, end]) => [start + from, end + from] as const);
    let cut = wanted;
    if (spans) {
      // Moving the cut back can land inside another span that starts earlier: repeat until none is crossed.
      for (let moved = true; moved; ) {
        moved = false;
        for (const [start, end] of spans) {
          if (start < cut && cut < end) {
            cut = start;
            moved = true;
          }
        }
      }
    } else {
      // A plain redacting function: cut after a line end or a space, where secrets rarely continue.
      const boundary = Math.max(this.pending.lastIndexOf('\n', wanted - 1), this.pending.lastIndexOf(' ', wanted - 1));
      if (boundary > 0) cut = boundary + 1;
    }
    return cut;
  }
}
