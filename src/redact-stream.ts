// Redacts a stream of text as it arrives, before anything is cut or stored: a secret split across chunks is still caught,
// and text that cannot be part of one is passed on at once (a line as soon as it is complete).
import { outsideSpans, secretSpans, settledLength, type Redactor } from './redact.js';

/**
 * How much text is held back at most, twice over: longer than any secret the redactor knows how to find (a PEM key is
 * about 3 KiB). A redactor this module knows nothing of is always given text this far behind; one from createRedactor
 * only when a line (or an unclosed block) grows past twice this.
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
    // Without a line end nothing new can be passed on but at a pause (flush): holding it is always safe, and looking
    // again at every chunk of a progress bar (\r, dots) would cost a scan of all that is held each time.
    if (!chunk.includes('\n') && this.pending.length <= 2 * this.overlap) return '';
    return this.release(false);
  }

  /**
   * After a pause in the output: also lets through an incomplete last line (a prompt, a progress bar) up to its last
   * space, when nothing in it could be the beginning of a secret.
   */
  flush(): string {
    return this.release(true);
  }

  /** The rest, redacted, when the stream has ended. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.redact(rest) : '';
  }

  private release(idle: boolean): string {
    const text = this.pending;
    let cut = settledLength(this.redact, text, idle) ?? 0;
    // A very long line, or a block that never closes: held no further back than twice the overlap, as memory must stay bounded.
    if (text.length - cut > 2 * this.overlap) cut = Math.max(cut, this.safeCut(text.length - this.overlap));
    if (cut === 0) return '';
    this.pending = text.slice(cut);
    return this.redact(text.slice(0, cut));
  }

  /** Moves a cut back to the start of any secret it would go through, so each secret is redacted whole. */
  private safeCut(wanted: number): number {
    // Only a secret that reaches the cut matters, and none is longer than the overlap: look at the text around it.
    const from = Math.max(0, wanted - this.overlap);
    const spans = secretSpans(this.redact, this.pending.slice(from))?.map(([start, end]) => [start + from, end + from] as const);
    let cut = wanted;
    if (spans) {
      cut = outsideSpans(cut, spans);
    } else {
      // A plain redacting function: cut after a line end or a space, where secrets rarely continue.
      const boundary = Math.max(this.pending.lastIndexOf('\n', wanted - 1), this.pending.lastIndexOf(' ', wanted - 1));
      if (boundary > 0) cut = boundary + 1;
    }
    return cut;
  }
}
