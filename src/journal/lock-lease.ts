// Keeps the journal lock between group-commit batches while they keep coming, so a burst of events takes it once;
// another process gets its turn within a bounded time, and another journal of this same process at once.
import { FileLock } from './lock.js';

/**
 * Kept this long after the last use: a busy bot's next batch is a few milliseconds away, or, in a burst of commands
 * (background events, journal.ts), the 50 ms they wait for company. At 20 ms the lease lapsed between those batches and
 * every one took the lock anew: 112 takes instead of 25 in 4,000 acks.
 */
const lingerMs = 60;
/**
 * Never kept longer than this while batches keep coming: then it is released, and this holder waits `yieldMs` before
 * taking it again, so a process polling for it (every 5 ms, see lock.ts) gets its turn.
 */
const maxHoldMs = 200;
const yieldMs = 12;

/** The lease this process keeps on each lock file, so another journal of the process on the same file can end it. */
const kept = new Map<string, LockLease>();
let exitHooked = false;

function releaseAllAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // A process that exits while it keeps a lease leaves no lock behind (the next one would have to break it as stale).
  process.on('exit', () => {
    for (const lease of [...kept.values()]) lease.release();
  });
}

export class LockLease {
  private state: 'free' | 'using' | 'kept' = 'free';
  private since = 0;
  private lastUse = 0;
  private timer?: NodeJS.Timeout;
  /** Before this time (ms since the epoch) the holder should not take the lock again: another process's turn. */
  yieldUntil = 0;

  constructor(
    readonly lock: FileLock,
    /** Called just before the lock is let go: what only its holder may keep (an open journal file) is closed. */
    private readonly onRelease: () => void = () => {},
  ) {}

  /**
   * Takes the lock (blocking while another process holds it). True when it was kept since this holder's last use:
   * nobody else can have written the journal meanwhile.
   */
  take(): boolean {
    if (this.state === 'kept') {
      this.state = 'using';
      return true;
    }
    // Taken inside a use (an append from a check or a listener under the lock): its release would end the outer use.
    if (this.state === 'using') throw new Error(`the journal lock ${this.lock.file} is already in use by this journal: an append cannot be nested in another`);
    const other = kept.get(this.lock.file);
    if (other && other !== this) other.release();
    this.lock.acquireSync();
    this.state = 'using';
    this.since = Date.now();
    return false;
  }

  /** Done for now: kept for the next use, unless it has been held long enough that another process gets a turn. */
  keep(): void {
    if (this.state !== 'using') return;
    const now = Date.now();
    if (now - this.since >= maxHoldMs) {
      this.release();
      this.yieldUntil = now + yieldMs;
      return;
    }
    this.state = 'kept';
    this.lastUse = now;
    kept.set(this.lock.file, this);
    releaseAllAtExit();
    this.timer ??= setTimeout(() => this.lapse(), lingerMs).unref();
  }

  /** Releases the lock now, whether in use or kept. */
  release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (kept.get(this.lock.file) === this) kept.delete(this.lock.file);
    if (this.state === 'free') return;
    this.state = 'free';
    try {
      this.onRelease();
    } finally {
      this.lock.release();
    }
  }

  private lapse(): void {
    this.timer = undefined;
    if (this.state !== 'kept') return;
    const idle = Date.now() - this.lastUse;
    if (idle >= lingerMs) this.release();
    else this.timer = setTimeout(() => this.lapse(), lingerMs - idle).unref();
  }
}
