// One Slack bot per state dir: a lock file naming the bot, renewed while it runs (a lease), taken over when its bot died.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from './format-duration.js';
import { breakStale, errorCode, readLockFile, removeIfThere, sleepSync, type LockFileSeen } from './lock-file-parts.js';
import { identityOf, liveness, type ProcessIdentity } from './process/identity.js';

export const instanceLockName = 'databox-bot.lock';
/** How often a running bot renews its lock (the file's modification time is the lease). */
const leaseRenewMs = 10_000;
/** A lock not renewed for this long is a dead bot's, where its PID cannot be looked at (another host or container). */
const leaseStaleMs = 60_000;

export interface InstanceHolder extends ProcessIdentity {
  /** When that bot took the lock (ISO time). */
  since: string;
  /** Tells this bot's lock from a newer one at the same path. */
  nonce: string;
  /** /proc/self/ns/pid: two containers given the same --hostname share a boot and a host name, not a PID namespace. */
  pidNamespace?: string;
}

interface SeenLock extends LockFileSeen {
  holder?: InstanceHolder;
}

export interface InstanceLockOptions {
  /** A dead bot's lock is being taken over: said in the log. */
  onTakeOver?: (holder: InstanceHolder | undefined, why: string) => void;
  /** Another bot's lock now stands where ours was (ours was taken over while this bot was stopped or cut off). */
  onLost?: (holder: InstanceHolder | undefined) => void;
  /** A renewal failed (a read-only or vanished state dir), or succeeded again after failing (undefined). */
  onRenewTrouble?: (error: Error | undefined) => void;
}

/** Another bot holds the lock: the start stops with this message, one line. */
export class InstanceLockHeld extends Error {
  override readonly name = 'InstanceLockHeld';
}

function pidNamespace(): string | undefined {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

function readLock(file: string): SeenLock | undefined {
  const seen = readLockFile(file);
  if (!seen) return undefined;
  let holder: InstanceHolder | undefined;
  try {
    const parsed = JSON.parse(seen.raw) as InstanceHolder;
    if (typeof parsed?.pid === 'number' && typeof parsed.nonce === 'string' && typeof parsed.since === 'string') holder = parsed;
  } catch {
    // Not a lock this bot writes: judged by its age alone.
  }
  return { ...seen, holder };
}

/** "PID 123 on host vm, running since 2026-05-01 10:00:00 UTC" (or what can be said of a lock that does not read). */
export function describeHolder(holder: InstanceHolder | undefined): string {
  if (!holder) return 'a bot whose lock file does not read as one';
  return `PID ${holder.pid} on host ${holder.host ?? 'unknown'}, running since ${holder.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
}

/**
 * Why the lock's bot cannot be looked for from here, or undefined when it can: its PID means something only on this
 * host, this boot and in this PID namespace; elsewhere the lease decides.
 */
function beyondReach(holder: InstanceHolder | undefined): string | undefined {
  if (!holder) return 'its lock names no process';
  const here = identityOf();
  if (holder.host !== here.host) return `it runs on another host or in another container (${holder.host ?? 'unknown'}; this is ${here.host})`;
  if (holder.boot !== here.boot) return 'it ran on another boot of this host, or on another machine of the same name';
  if (holder.pidNamespace !== pidNamespace()) {
    return 'it runs in another PID namespace under the same host name: another container, or this one before it was restarted (after docker kill or running out of memory)';
  }
  return undefined;
}

/** Why a lock is a dead bot's, or undefined while that bot may still run. */
function leftBehind(seen: SeenLock): string | undefined {
  const { holder } = seen;
  if (holder && !beyondReach(holder)) {
    return liveness(holder) === 'alive' ? undefined : `the bot that held it (${describeHolder(holder)}) is no longer running`;
  }
  const age = Date.now() - seen.mtimeMs;
  if (age <= leaseStaleMs) return undefined;
  const renewed = `has not been renewed for ${formatDuration(age)} (a running bot renews it every ${formatDuration(leaseRenewMs)})`;
  return holder ? `the lock of the bot that held it (${describeHolder(holder)}) ${renewed}` : `the lock, which does not read as a bot's, ${renewed}`;
}

/**
 * The start's refusal: a bot seen running here is said to run; one that cannot be looked for from here may have been
 * killed, and its lock is then taken over once its lease runs out, which is said with the time left.
 */
function heldMessage(stateDir: string, file: string, seen: SeenLock): string {
  const age = Math.max(0, Date.now() - seen.mtimeMs);
  const lock = `${describeHolder(seen.holder)} (its lock ${file} was renewed ${formatDuration(age)} ago)`;
  const twoBots = 'Two bots on one state dir would both answer and both watch';
  const why = beyondReach(seen.holder);
  if (!why) return `another databox-bot already runs on DATABOX_STATE_DIR ${stateDir}: ${lock}. ${twoBots}: stop that bot first, or give this one a DATABOX_STATE_DIR of its own`;
  // At least 1: the lease may have run out since it was judged (a moment ago, or by a clock that disagrees with the file's).
  const secondsLeft = Math.max(1, Math.floor((leaseStaleMs - age) / 1000) + 1);
  return (
    `another databox-bot may still run on DATABOX_STATE_DIR ${stateDir}: ${lock}, and it cannot be checked from here: ${why}. ` +
    `${twoBots}: if it runs, stop it first, or give this one a DATABOX_STATE_DIR of its own. If it was killed, its lock is taken over once not renewed for ` +
    `${leaseStaleMs / 1000} s: start this one again in ${secondsLeft} s`
  );
}

export class InstanceLock {
  readonly file: string;
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly content: string;
  private timer?: NodeJS.Timeout;
  private renewFailing = false;
  private released = false;
  private readonly releaseAtExit = () => this.release();

  constructor(
    readonly stateDir: string,
    private readonly options: InstanceLockOptions = {},
  ) {
    this.file = path.join(stateDir, instanceLockName);
    this.content = `${JSON.stringify({ ...identityOf(), pidNamespace: pidNamespace(), since: new Date().toISOString(), nonce: this.nonce } satisfies InstanceHolder)}\n`;
  }

  /** Takes the lock, taking over a dead bot's; throws InstanceLockHeld when a live bot holds it. Then renews it. */
  take(): void {
    let inTheWay: SeenLock | undefined;
    try {
      inTheWay = this.attempt();
    } catch (error) {
      // A full state dir does not stop the start (diagnoses go on): the lock is written by the renewals once it has room.
      if (errorCode(error) !== 'ENOSPC' && errorCode(error) !== 'EDQUOT') throw error;
      this.renewFailing = true;
      this.options.onRenewTrouble?.(error as Error);
    }
    if (inTheWay) {
      throw new InstanceLockHeld(heldMessage(this.stateDir, this.file, inTheWay));
    }
    // Any exit (a stop, a refused start, an uncaught error) leaves no lock behind; a kill leaves one that is taken over.
    process.on('exit', this.releaseAtExit);
    this.timer = setInterval(() => this.renew(), leaseRenewMs);
    this.timer.unref();
  }

  /** Removes the lock, if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    process.off('exit', this.releaseAtExit);
    try {
      if (readLock(this.file)?.holder?.nonce === this.nonce) removeIfThere(this.file);
    } catch {
      // A state dir gone or unreadable at the stop: the lock, if still there, is taken over as a dead bot's.
    }
  }

  /** Renews the lease; a lock removed by hand is put back; another bot's in its place means ours was lost. */
  renew(): void {
    try {
      const seen = readLock(this.file);
      if (seen?.holder?.nonce === this.nonce) {
        const now = new Date();
        fs.utimesSync(this.file, now, now);
      } else if (seen || this.attempt()) {
        this.release();
        this.options.onLost?.(readLock(this.file)?.holder);
        return;
      }
      if (this.renewFailing) this.options.onRenewTrouble?.(undefined);
      this.renewFailing = false;
    } catch (error) {
      if (!this.renewFailing) this.options.onRenewTrouble?.(error as Error);
      this.renewFailing = true;
    }
  }

  /** One try: undefined when the lock is now ours, else the live bot's lock that is in the way. */
  private attempt(): SeenLock | undefined {
    const candidate = `${this.file}.${this.nonce}`;
    let tookOver: { holder?: InstanceHolder; why: string } | undefined;
    try {
      // Complete before it is visible: written under a name of its own (O_EXCL), then linked, which fails when the lock
      // exists. Of all bots trying at once, exactly one links it.
      fs.writeFileSync(candidate, this.content, { flag: 'wx' });
      for (;;) {
        try {
          fs.linkSync(candidate, this.file);
          if (tookOver) this.options.onTakeOver?.(tookOver.holder, tookOver.why);
          return undefined;
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
        const seen = readLock(this.file);
        if (!seen) continue;
        const why = leftBehind(seen);
        if (!why) return seen;
        tookOver = { holder: seen.holder, why };
        // Another bot is taking it over right now: its turn ends within microseconds.
        if (!breakStale(this.file, seen)) sleepSync(5);
      }
    } finally {
      removeIfThere(candidate);
    }
  }
}
