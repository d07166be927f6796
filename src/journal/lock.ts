// The journal's lock file: taken by an atomic link of a fully written file, broken only when its holder is provably gone.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { UserError } from '../errors.js';
import { describeIdentity, identityOf, liveness, type ProcessIdentity } from '../process/identity.js';
import { formatDuration } from '../format-duration.js';
import { breakStale, errorCode, readLockFile, removeIfThere, sleepSync, type LockFileSeen } from '../lock-file-parts.js';

export interface LockHolder extends ProcessIdentity {
  nonce?: string;
  at?: string;
}

interface SeenLock extends LockFileSeen {
  holder: LockHolder;
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up. */
  waitMs?: number;
  /** Called when a lock left by a dead process is about to be broken (logged by the journal; tests meet there). */
  onStale?: (holder: LockHolder, why: string) => void;
}

/** A lock from another host on this kernel cannot be checked by PID; a hold lasts milliseconds, so this old is left over. */
const foreignStaleMs = 30_000;
const pollMs = 5;

/**
 * A lock's nonce tells its holder's own lock from a newer one: this process's random prefix and a count of its takes
 * (unique without asking the kernel for randomness on every take, which a busy journal does many times a second).
 */
const processNonce = randomBytes(8).toString('hex');
let takes = 0;

/** A live process has held the journal lock past the wait: said to the operator with what to check, not as a bug. */
export class LockTimeout extends UserError {}

export class FileLock {
  private nonce?: string;

  constructor(
    readonly file: string,
    private readonly options: LockOptions = {},
  ) {}

  /** Takes the lock, blocking the thread while a live holder has it (holds last milliseconds). */
  acquireSync(): void {
    const deadline = Date.now() + (this.options.waitMs ?? 10_000);
    for (;;) {
      const seen = this.attempt();
      if (!seen) return;
      if (Date.now() > deadline) this.giveUp(seen);
      sleepSync(pollMs);
    }
  }

  /** Takes the lock without blocking the event loop while waiting. */
  async acquire(): Promise<void> {
    const deadline = Date.now() + (this.options.waitMs ?? 10_000);
    for (;;) {
      const seen = this.attempt();
      if (!seen) return;
      if (Date.now() > deadline) this.giveUp(seen);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  release(): void {
    const nonce = this.nonce;
    this.nonce = undefined;
    try {
      // Only our own lock is removed: were ours ever broken (it cannot be while we live), the new holder's stays.
      const holder = parseHolder(fs.readFileSync(this.file, 'utf8'));
      if (holder.nonce === nonce) removeIfThere(this.file);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  private giveUp(seen: SeenLock): never {
    this.discardCandidate();
    const pid = seen.holder.pid;
    // Held this long, its holder is stuck (a writer holds it for milliseconds): most likely the bot, whose own stop lets go.
    throw new LockTimeout(
      `the journal lock ${this.file} has been held by ${describeIdentity(seen.holder)} for more than ${(this.options.waitMs ?? 10_000) / 1000}s, so nothing can be written to the journal: ` +
        `is it the bot, stuck? \`ps -p ${pid} -o pid,lstart,args\` says what it is; the bot stops on SIGTERM (\`kill ${pid}\`, or the service manager's stop), ` +
        `writing what it holds, and this can run again`,
    );
  }

  private candidate(): string {
    return `${this.file}.${this.nonce}`;
  }

  private discardCandidate(): void {
    if (this.nonce) removeIfThere(this.candidate());
    this.nonce = undefined;
  }

  /** One try: undefined when the lock is now ours, else the lock that is in the way. */
  private attempt(): SeenLock | undefined {
    if (!this.nonce) {
      // The lock's content is complete before it is visible: written under a new name (O_EXCL), then linked.
      this.nonce = `${processNonce}${(takes += 1).toString(16)}`;
      const content = JSON.stringify({ ...identityOf(), nonce: this.nonce, at: new Date().toISOString() });
      try {
        const fd = fs.openSync(this.candidate(), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
        try {
          // Not fsynced: other processes read it from the page cache, and after a crash the lock is stale anyway.
          if (fs.writeSync(fd, content) !== Buffer.byteLength(content)) throw Object.assign(new Error('the lock file was cut short'), { code: 'ENOSPC' });
        } finally {
          fs.closeSync(fd);
        }
      } catch (error) {
        // A full disk: an empty or partial lock must never be linked into place, where nobody could tell whose it is.
        this.discardCandidate();
        throw error;
      }
    }
    for (;;) {
      try {
        // link() fails when the name exists: of all processes trying, exactly one gets it.
        fs.linkSync(this.candidate(), this.file);
        removeIfThere(this.candidate());
        return undefined;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') {
          this.discardCandidate();
          throw error;
        }
      }
      const seen = readLock(this.file);
      if (!seen) continue;
      const why = staleReason(seen);
      if (!why) return seen;
      this.options.onStale?.(seen.holder, why);
      // Another process is breaking it right now: wait for its turn to end, then look again.
      if (!breakStale(this.file, seen)) return seen;
    }
  }
}

function parseHolder(raw: string): LockHolder {
  const text = raw.trim();
  // Versions before this one wrote the PID alone.
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.pid === 'number') return parsed;
  } catch {
    // Not ours: judged by its age below.
  }
  return { pid: 0 };
}

function readLock(file: string): SeenLock | undefined {
  const seen = readLockFile(file);
  return seen && { ...seen, holder: parseHolder(seen.raw) };
}

/** Why a lock is left over, or undefined while its holder may still be using it. */
function staleReason(seen: SeenLock): string | undefined {
  const { holder } = seen;
  const age = Date.now() - seen.mtimeMs;
  if (!holder.pid) return age > foreignStaleMs ? `an unreadable lock ${formatDuration(age)} old` : undefined;
  // Without a start time our own PID can only be a predecessor's (in a container the bot is PID 1 after every restart).
  if (holder.pid === process.pid && holder.start === undefined) return `left by an earlier process with our PID ${holder.pid}`;
  switch (liveness(holder)) {
    case 'dead':
      return `left by ${describeIdentity(holder)}, which is gone`;
    case 'unknown':
      return age > foreignStaleMs ? `left by ${describeIdentity(holder)} ${formatDuration(age)} ago` : undefined;
    default:
      return undefined;
  }
}

