// The append-only JSON Lines journal: hash-chained lines, fsynced before they count, shared safely by several processes;
// events committed together share one write and one fsync, off the event loop; events nobody waits on wait up to 50 ms
// for company.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { redactDeep } from '../redact.js';
import { checkHead, headFile, HeadPathBlocked, readHead, removeLeftoverHeadTemporaries, writeFirstHead, writeHead, writeHeadAsync } from './head.js';
import { FileLock, LockTimeout, type LockHolder } from './lock.js';
import { requireReadableJournal } from './journal-unreadable.js';
import { journalWriteRefusal, permissionWords, processUid } from './journal-read-only.js';
import { LockLease } from './lock-lease.js';
import { damageAcceptedType, digestOf, verifyJournal } from './accepted-damage.js';
import { currentIdentity, identityOfOpen, verifiedIdentity, type FilesIdentity } from './verified-identity.js';
import { genesisHash, linesPerProgress, serialize, verifyChain, type JournalRecord, type VerifyProblem } from './record.js';
import { untilRepairedWords } from './until-repaired.js';
import { acknowledgedTorn, acknowledgedTornWords, completeLine, incidentOfTorn, unacknowledgedTornTail, type AcknowledgedTorn, type UnacknowledgedTorn } from './torn-tail.js';
import { endCutOf, endCutType } from './end-cut.js';
import { acceptsMissingHead, headMissingData, headMissingType } from './head-missing.js';
import { journalMissingCode, journalMissingError, journalMissingWords } from './journal-missing.js';
import { failedAtWords } from './failed-at.js';

export interface AppendInput {
  type: string;
  incident?: string | null;
  actor?: string | null;
  data?: Record<string, unknown>;
}

export interface AppendOptions {
  /**
   * Durable or nothing: when the journal cannot be written, throw (a JournalUnwritable) instead of keeping the event in
   * memory. Used for everything a change to a database rests on: its plan, its approval, its start and each step's intent.
   */
  durable?: boolean;
  /**
   * Nobody waits on this event (a command as it was typed, a refused request): its write and fsync wait up to
   * `backgroundWaitMs` for other events to share them (see `commit`).
   */
  background?: boolean;
}

export type RecordListener = (record: JournalRecord) => void;

/** Told, every thousand lines, how far a load has verified the journal's lines, then replayed them to the listeners. */
export type LoadProgress = (stage: 'verified' | 'replayed', lines: number, of: number) => void;

interface Committed {
  input: AppendInput | (() => AppendInput);
  /** When a background event was committed: its time, though it is written up to `backgroundWaitMs` later. */
  at?: string;
  resolve: (record: JournalRecord) => void;
  reject: (error: unknown) => void;
}

/** A last line cut short by a crash or a full disk, moved out of the journal. */
export interface SetAside {
  file: string;
  bytes: number;
  /** Its text (as far as it was written), for the log and the thread. */
  text: string;
  /** The incident it belonged to, when that much of it was written. */
  incident?: string;
  /** Set when the head says the line was written: an acknowledged event cut since, lost (damage), not a write cut short. */
  acknowledged?: AcknowledgedTorn;
}

/** Writes a buffer at the end of an open file and says how many bytes went out (fs.writeSync; tests inject a short one). */
export type WriteFn = (fd: number, buffer: Buffer) => number;

export interface JournalOptions {
  write?: WriteFn;
  /** A lock left by a dead process is being broken. */
  onStaleLock?: (holder: LockHolder, why: string) => void;
  /** How long a write waits for another process's hold on the lock before giving up (10 s; tests shorten it). */
  lockWaitMs?: number;
  /** The state dir stopped (a reason) or started again (undefined) to take writes. */
  onWritability?: (unwritable: { reason: string; since: string } | undefined) => void;
  /** The head file could not be written after lines were (why, and what to do): told once, until one is written again. */
  onHeadUnwritten?: (reason: string) => void;
  /**
   * The time a look compares the files' last change with, to trust their identity (verified-identity.ts), and the age
   * of a verification carried over own appends with `carriedTrustMs`: the wall clock, not the records' clock, which
   * tests step. Tests set it ahead, so the files they have just written count as settled.
   */
  filesSettledAt?: () => Date;
  /**
   * Only read (`status`): load takes no lock and writes nothing, not even what a writer would journal first (a torn
   * line set aside, a cut end, a missing head); a lock held by another process does not hold it up.
   */
  readOnly?: boolean;
  /** A look while this process runs found the journal failing verification anew (other damage than before): told once. */
  onDamageFound?: (problem: VerifyProblem) => void;
  /**
   * The OS account of a terminal (the CLI): put in the data of every line whose actor is a name typed there
   * (`terminal:<name>`), as `osAccount`, so who a line says beside which login wrote it can be compared.
   */
  osAccount?: { uid: number; name?: string };
}

/** The state dir cannot be written (a full disk, a read-only volume): shown to the operator as is. */
export class JournalUnwritable extends UserError {}

const lockWaitMs = 10_000;
/** The shortest time between the starts of two group-commit fsyncs (see syncLoop). */
const syncGapMs = 4;
/**
 * How long a background event may wait for company before it is written and fsynced. Like PostgreSQL's asynchronous
 * commit (its WAL writer wakes every 200 ms): a burst of commands costs a write and an fsync per 50 ms instead of per turn.
 */
export const backgroundWaitMs = 50;
/** The head after group commits is written at most this often (see paceHead). */
const headEveryMs = 100;
/**
 * How long after the journal was last read whole a status may stand on the verification carried over this process's
 * own appends (see carryVerification): an edit by another process landing between a look before an own write and the
 * identity taken after it goes unseen by a status for this long at most. A status at every turn then reads the journal
 * once a minute at most, instead of at each.
 */
export const carriedTrustMs = 60_000;

/** What writes each journal's scheduled batch, for the journals of this process that have one. */
const batchesAtExit = new Map<Journal, () => void>();
let exitHooked = false;

function writeBatchesAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // An uncaught exception still gets the events waiting for their write into the file (the page cache keeps them once the
  // process is gone): only a kill -9 or the machine going down loses them, and then nothing committed after them either.
  process.on('exit', () => {
    for (const write of [...batchesAtExit.values()]) write();
  });
}

/** The journal's identity right after this process's write, or undefined when it cannot be had: the write stands all the same. */
function identityAfterOwnWrite(fd: number): string | undefined {
  try {
    return identityOfOpen(fd);
  } catch {
    return undefined;
  }
}

/** Errors that mean the disk or the volume, not a bug: the event is kept until it can be written. */
function isStorageError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.code === 'string' && !(error instanceof LockTimeout);
}

export class Journal {
  readonly file: string;
  /** The journal lock, kept between group-commit batches while they keep coming (lock-lease.ts). */
  private readonly lock: LockLease;
  private readonly write: WriteFn;
  private offset = 0;
  /** The line that ends at `offset`, as this process read or wrote it: a later look checks it is still there. */
  private lastLine: SeenLine = { bytes: 0, hash: genesisHash };
  private lastHash = genesisHash;
  private lastSeq = 0;
  private listeners: RecordListener[] = [];
  /** Told of each line another process appended, once this process has read it (after the listeners above). */
  private elsewhereListeners: RecordListener[] = [];
  private repairListeners: ((aside: SetAside, record?: JournalRecord) => void)[] = [];
  /** Events that could not be written yet, oldest first: written before anything else once the disk allows. */
  private pending: (AppendInput & { at: string })[] = [];
  /** Set when the journal on disk failed verification (at start-up, or after a repair it still does not verify). */
  problem?: VerifyProblem;
  /** Where the last verification that passed ended: re-verifying later checks only what was added, if this is intact. */
  private checkpoint?: Checkpoint;
  /** Set while the state dir cannot be written: why (and the OS error code, EROFS or ENOSPC, when there is one), and since when. */
  unwritable?: { reason: string; since: string; code?: string };
  /** A torn last line never acknowledged that a load which only read left in place (the next writer sets it aside). */
  tornTail?: UnacknowledgedTorn;
  /** Torn last lines set aside by this process. */
  readonly setAside: SetAside[] = [];
  /** Writes and fsyncs of the journal file by this instance (the benchmark and the tests count them). */
  readonly stats = { writes: 0, fsyncs: 0 };
  /** Whole reads of the journal to verify it while this process runs (the tests count them: each status looks). */
  verifyReads = 0;
  /**
   * The journal's and its head's identity when the last verification read them (verified-identity.ts): unchanged, it
   * stands. `readAtMs`: when that verification read the journal whole (filesSettledAt's clock). `byOwnWrites`: the
   * journal's identity was carried over this process's own appends since (see carryVerification).
   */
  private verifiedAs?: FilesIdentity & { readAtMs: number; byOwnWrites?: boolean };
  /** The hashes of the last lines verified, by sequence number: a head rewritten since must name one of them. */
  private readonly verifiedHashes = new Map<number, string>();
  /** Events committed and not written yet: written together at the end of this turn, or later when all are background. */
  private batch: Committed[] = [];
  /** The batch's write: at the end of this turn ('soon'), or once the oldest background event has waited ('later'). */
  private batchDue?: { when: 'soon' | 'later'; cancel: () => void };
  /** Callers whose lines are written and wait for an fsync; the last record written, for the head. */
  private syncWaiters: (() => void)[] = [];
  private syncFailures: ((error: unknown) => void)[] = [];
  private syncedHead?: JournalRecord;
  private syncing = false;
  private lastSyncAt = 0;
  private idleWaiters: (() => void)[] = [];
  /** The head written after group commits: at most every `headEveryMs`, the newest record, off the event loop. */
  private headDue?: JournalRecord;
  private headTimer?: NodeJS.Timeout;
  private headWriting = false;
  private headWrittenAt = 0;

  constructor(
    readonly stateDir: string,
    private readonly clock: () => Date = () => new Date(),
    /** Applied to every string in an event's data before it is written: nothing secret reaches the disk. */
    private readonly redact: (text: string) => string = (text) => text,
    options: JournalOptions = {},
  ) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'journal.jsonl');
    this.lock = new LockLease(new FileLock(`${this.file}.lock`, { waitMs: options.lockWaitMs ?? lockWaitMs, onStale: options.onStaleLock }), () => this.closeAppendFd());
    this.write = options.write ?? ((fd, buffer) => fs.writeSync(fd, buffer));
    this.onWritability = options.onWritability;
    this.onHeadUnwritten = options.onHeadUnwritten;
    this.filesSettledAt = options.filesSettledAt ?? (() => new Date());
    this.readOnly = options.readOnly ?? false;
    this.onDamageFound = options.onDamageFound;
    this.osAccount = options.osAccount;
  }

  private readonly osAccount?: { uid: number; name?: string };

  /** An event's data with the terminal's OS account beside a typed name; as it was for any other actor, or once it has one. */
  private withOsAccount(event: AppendInput): Record<string, unknown> {
    const data = event.data ?? {};
    if (!this.osAccount || !event.actor?.startsWith('terminal:') || 'osAccount' in data) return data;
    return { ...data, osAccount: this.osAccount };
  }

  private readonly onDamageFound?: (problem: VerifyProblem) => void;
  /** Set once the load is done: damage found from then on was found while this process ran, and is told. */
  private loaded = false;

  private readonly readOnly: boolean;

  private readonly filesSettledAt: () => Date;

  private readonly onWritability?: (unwritable: { reason: string; since: string } | undefined) => void;
  private readonly onHeadUnwritten?: (reason: string) => void;
  /** Why the last head write failed, while none has been written since: lines past the head cannot be checked against it. */
  headUnwritten?: string;

  /**
   * A head write that failed: the failure is told (once) as the head's own, and a storage error marks the state dir as
   * for any write. Something else at the head's path (a directory) is no sign the state dir cannot be written: its lines
   * still are, and proposals go on.
   */
  private headNotWritten(error: unknown): void {
    if (!(error instanceof HeadPathBlocked)) this.markUnwritable(error);
    const reason =
      error instanceof HeadPathBlocked
        ? error.message
        : `the journal's head file ${headFile(this.file)} could not be written (${(error as Error).message}), so lines written since cannot be checked against it`;
    if (this.headUnwritten === undefined) this.onHeadUnwritten?.(reason);
    this.headUnwritten = reason;
  }

  private writable(): void {
    if (!this.unwritable) return;
    this.unwritable = undefined;
    this.onWritability?.(undefined);
  }

  onRecord(listener: RecordListener): void {
    this.listeners.push(listener);
  }

  /** Told of the lines another process (the terminal front end, say) appends from now on, as they are caught up with. */
  onRecordFromElsewhere(listener: RecordListener): void {
    this.elsewhereListeners.push(listener);
  }

  /** Told when a torn last line was set aside (with the journal record that says so, when it could be written). */
  onRepair(listener: (aside: SetAside, record?: JournalRecord) => void): void {
    this.repairListeners.push(listener);
  }

  /**
   * Reads what is on disk and replays it to the listeners. A torn last line is set aside first (under the lock, so it
   * cannot be a line another process is writing), and the journal is verified after that.
   */
  load(progress?: LoadProgress): JournalRecord[] {
    // Before the lock: a journal path that holds no readable journal is refused in one sentence, nothing written beside it.
    requireReadableJournal(this.file);
    // A load that only reads (`status`) takes no lock: nothing of it is written, and a stuck holder does not hold it up.
    const locked = !this.readOnly && this.takeLockToLoad();
    try {
      const aside = locked ? this.setTornTailAside() : undefined;
      if (locked) writeHeadQuietly(() => removeLeftoverHeadTemporaries(this.file), () => {});
      // Taken before the read: anything this load writes after it (a cut's record, a missing head's) makes the next look differ.
      const identity = verifiedIdentity(this.file, this.filesSettledAt());
      const head = readHead(this.file);
      const bytes = fs.existsSync(this.file) ? fs.readFileSync(this.file) : Buffer.alloc(0);
      // A load that cannot set a torn, unacknowledged last line aside (it only reads) verifies the lines before it.
      this.tornTail = locked ? undefined : unacknowledgedTornTail(bytes, head);
      const text = bytes.subarray(0, bytes.length - (this.tornTail?.bytes ?? 0)).toString('utf8');
      const result = checkHead(verifyJournal(text, progress && ((lines, of) => progress('verified', lines, of))), head, this.file);
      this.problem = result.problem;
      // The terminal's `status` looks again right after loading: a journal it has just verified is not read twice.
      this.trustRead(identity);
      // A tampered journal is still replayed as far as it can be parsed (the lines past the damage as the verification
      // read them), so nothing an operator did is forgotten.
      const records = [...result.records, ...(result.afterTheDamage ?? [])];
      records.forEach((record, index) => {
        this.accept(record);
        if (progress && (index + 1) % linesPerProgress === 0) progress('replayed', index + 1, records.length);
      });
      this.offset = Buffer.byteLength(text);
      this.lastLine = lastLineOf(text);
      const lastSeqLeft = this.lastSeq;
      // Lines lost from the end: what is appended now continues after the last line the head saw written, so the gap
      // stays in the chain (numbers skipped) until a person accepts it, rather than hidden under lines reusing them.
      if (head && head.seq > this.lastSeq) {
        this.lastSeq = head.seq;
        this.lastHash = head.hash;
      }
      this.setCheckpoint(result.problem ? undefined : checkpointOf(Buffer.from(text), result.records.at(-1)), true);
      if (aside) this.recordRepair(aside, false);
      // Said on the record before anything is appended: an acknowledged torn line is said by its repair record instead.
      else if (locked && head && head.seq > lastSeqLeft) this.recordEndCut(lastSeqLeft, head);
      if (locked) this.recordMissingHead();
      if (this.written) {
        this.written = false;
        this.fsyncNow();
      }
      this.loaded = true;
      return records;
    } finally {
      if (locked) this.lock.release();
    }
  }

  /**
   * The lock for a load that may write, or false when the journal cannot be written: a journal this process may only
   * read (`status` as another user) is read as it is, since setting a torn line aside and writing a head would both
   * fail, and whatever must be recorded is refused, naming the file and the uid.
   */
  private takeLockToLoad(): boolean {
    const refused = journalWriteRefusal(this.file);
    if (refused) {
      // Its own code: a read-only volume is said as one, not as a right this user lacks.
      this.markUnwritable(Object.assign(new Error(refused.said), { code: refused.code, path: this.file }));
      return false;
    }
    try {
      this.lock.take();
      return true;
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.markUnwritable(error);
      return false;
    }
  }

  /**
   * Appends one event. Given a function, it is called under the journal's lock after catching up with other processes,
   * so a check it makes (is the plan still pending?) and the line it returns are one atomic step; it may throw to abort.
   *
   * A write that fails or comes up short is a failed append: its bytes are cut off again. Unless `durable` is asked for,
   * the event is then kept in memory (and the listeners see it) and written first once the disk allows; meanwhile
   * `unwritable` says why, and `requireWritable()` refuses whatever must not go ahead without the journal.
   */
  append(input: AppendInput | (() => AppendInput), options: AppendOptions = {}): JournalRecord {
    // What was committed before this call comes first in the journal.
    this.writeBatch();
    const record = this.appendUnsynced(input, options);
    if (this.written) {
      this.written = false;
      this.fsyncNow();
    }
    return record;
  }

  /**
   * Group commit: appends one event without blocking the event loop on the disk. Events committed in the same turn of
   * the event loop are written in one write, under one take of the lock, in the order they were committed (a function
   * is called under the lock, as for `append`), and share one fsync in libuv's thread pool. The promise resolves once
   * the event is on disk. `durable` events are written and fsynced at once (see `append`).
   *
   * A `background` event alone waits up to `backgroundWaitMs` before it is written; any other event committed meanwhile
   * takes it along at the end of its turn. Either way it is written before everything committed or appended after it,
   * and an fsync covers all the lines before it: whatever depends on it reaches the disk with it or after it.
   */
  commit(input: AppendInput | (() => AppendInput), options: AppendOptions = {}): Promise<JournalRecord> {
    if (options.durable) {
      try {
        return Promise.resolve(this.append(input, options));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => {
      this.batch.push({ input, at: options.background ? this.clock().toISOString() : undefined, resolve, reject });
      this.scheduleBatch(options.background ? 'later' : 'soon');
    });
  }

  private scheduleBatch(when: 'soon' | 'later'): void {
    const due = this.batchDue;
    if (due && (due.when === 'soon' || when === 'later')) return;
    due?.cancel();
    // After a long hold the lock was let go for another process's turn (lock-lease.ts): wait for it to pass.
    const yieldMs = this.lock.yieldUntil - Date.now();
    const waitMs = when === 'later' ? Math.max(backgroundWaitMs, yieldMs) : yieldMs;
    const write = () => this.writeBatch();
    this.writeAtExit();
    if (waitMs > 0) {
      const timer = setTimeout(write, waitMs);
      this.batchDue = { when, cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(write);
      this.batchDue = { when, cancel: () => clearImmediate(immediate) };
    }
  }

  /** Resolves once everything committed so far is on disk (a stopping bot waits for it). */
  flushed(): Promise<void> {
    // Somebody waits: a head held back by its pace is written now.
    if (this.headTimer) {
      clearTimeout(this.headTimer);
      this.headTimer = undefined;
      this.writeDueHead();
    }
    // Somebody waits: background events are written now.
    if (this.batchDue?.when === 'later') this.scheduleBatch('soon');
    const idle = this.isIdle() ? Promise.resolve() : new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // Nothing more is coming (a stop): the events kept in memory get one more try, and the lock is not kept for a next batch.
    return idle.then(() => {
      this.tryWriteKept();
      if (!this.batchDue && this.batch.length === 0) this.lock.release();
    });
  }

  /**
   * The events kept in memory because the state dir could not take them, oldest first (redacted, as they would be
   * written). Empty unless the state dir is unwritable: a stopping bot says them in its log rather than lose them.
   */
  keptEvents(): readonly (AppendInput & { at: string })[] {
    return this.pending;
  }

  /**
   * Writes the kept events if the disk now allows (see requireWritable); still unwritable, they stay kept. Called by the
   * bot's sweep too, so they reach the disk soon after it takes writes again, not at the next event: a crash meanwhile
   * would lose them.
   */
  tryWriteKept(): void {
    if (this.pending.length === 0) return;
    try {
      this.requireWritable();
    } catch (error) {
      if (!(error instanceof JournalUnwritable)) throw error;
    }
  }

  /** Set by a write since the last fsync of a synchronous append. */
  private written = false;

  private fsyncNow(): void {
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.fsyncSync(fd);
      this.stats.fsyncs += 1;
    } finally {
      fs.closeSync(fd);
    }
    if (this.lastWrittenRecord) this.writeHeadNow(this.lastWrittenRecord);
  }

  /** Writes the head at once (synchronous appends: durable ones rest on it). */
  private writeHeadNow(record: JournalRecord): void {
    // Only the acceptance of a missing head puts one beside lines it did not see begin (see HeadWriteOptions).
    const acceptsMissingHead = record.type === damageAcceptedType && record.data.headMissing === true;
    writeHeadQuietly(
      () => {
        writeHead(this.file, record, { replaceOnly: !acceptsMissingHead });
        this.headUnwritten = undefined;
      },
      (error) => this.headNotWritten(error),
    );
    // A paced write of an older head in flight must not have the last word: the newest is written again after it.
    if (this.headWriting && (!this.headDue || this.headDue.seq < record.seq)) this.headDue = record;
  }

  /**
   * The head after a group commit: written once `headEveryMs` has passed since the last one, so a busy journal writes
   * it a few times a second rather than once per batch. A head that lags is harmless: it is checked as far as it goes.
   */
  private paceHead(record: JournalRecord): void {
    this.headDue = record;
    if (this.headTimer || this.headWriting) return;
    const wait = this.headWrittenAt + headEveryMs - Date.now();
    if (wait <= 0) this.writeDueHead();
    else this.headTimer = setTimeout(() => {
      this.headTimer = undefined;
      this.writeDueHead();
    }, wait);
  }

  private writeDueHead(): void {
    const record = this.headDue;
    this.headDue = undefined;
    // A head that is not newer than the one on disk is left out by writeHeadAsync itself.
    if (!record || this.headWriting) {
      this.settleIdle();
      return;
    }
    this.headWriting = true;
    writeHeadAsync(this.file, record)
      .then(() => {
        this.headUnwritten = undefined;
      })
      .catch((error: unknown) => {
        if (!isStorageError(error)) throw error;
        this.headNotWritten(error);
      })
      .finally(() => {
        this.headWriting = false;
        this.headWrittenAt = Date.now();
        if (this.headDue) this.paceHead(this.headDue);
        else this.settleIdle();
      });
  }

  private lastWrittenRecord?: JournalRecord;

  /** Asks for the batch and the kept events to be written (or said) when the process exits before they are. */
  private writeAtExit(): void {
    batchesAtExit.set(this, () => this.writeBatchAtExit());
    writeBatchesAtExit();
  }

  /**
   * The batch and the kept events at the process's exit: written if they can be (waiting for the lock as any write
   * does), else said on stderr; events the disk still cannot take follow there as JSON lines, so a log keeps them.
   */
  private writeBatchAtExit(): void {
    const waiting = this.batch.length;
    const offset = this.offset;
    // Nobody is left to hear a refusal (the lock held too long by another process, say): its reason goes to stderr.
    let failure: unknown;
    for (const entry of this.batch) {
      const reject = entry.reject;
      entry.reject = (error) => {
        failure ??= error;
        reject(error);
      };
    }
    try {
      this.writeBatch();
      this.tryWriteKept();
    } catch (error) {
      failure ??= error;
    } finally {
      // Let go at once: the lease's own exit hook may have run already.
      this.lock.release();
    }
    if (this.pending.length > 0) {
      const lines = this.pending.map((event) => `${JSON.stringify(event)}\n`).join('');
      process.stderr.write(
        `databox journal: ${this.pending.length} event(s) kept in memory at exit could not be written to ${this.file} ` +
          `(${this.unwritable?.reason ?? 'unknown'}); they follow, one JSON line each:\n${lines}`,
      );
    } else if (waiting > 0 && this.offset === offset) {
      const why = failure ? (failure as Error).message : (this.unwritable?.reason ?? 'unknown');
      process.stderr.write(`databox journal: ${waiting} event(s) waiting at exit were not written to ${this.file}: ${why}\n`);
    }
  }

  /** Writes the batch committed so far in one write; its callers resume after the fsync that follows. */
  private writeBatch(): void {
    // Called early by an append (what was committed before it comes first): the scheduled write has nothing left to do.
    this.batchDue?.cancel();
    this.batchDue = undefined;
    batchesAtExit.delete(this);
    const batch = this.batch.splice(0);
    if (batch.length === 0) {
      this.settleIdle();
      return;
    }
    const keepAll = (error: unknown, from = 0): void => {
      if (!isStorageError(error)) {
        for (const entry of batch.slice(from)) entry.reject(error);
        return;
      }
      this.markUnwritable(error);
      for (const entry of batch.slice(from)) {
        try {
          entry.resolve(this.keep(typeof entry.input === 'function' ? entry.input() : entry.input));
        } catch (thrown) {
          entry.reject(thrown);
        }
      }
    };
    let continuous: boolean;
    try {
      continuous = this.lock.take();
    } catch (error) {
      keepAll(error);
      this.settleIdle();
      return;
    }
    const done: { entry: Committed; record: JournalRecord }[] = [];
    // Kept only after a batch written whole: after anything else the next batch looks at the file again.
    let whole = false;
    try {
      try {
        // Held since our last batch, the lock let nobody else write: there is no torn line and nothing to catch up on,
        // unless the file was cut or replaced under us (a hand, not a writer: the lock does not stop it), which its
        // size or inode shows.
        if (!continuous || this.changedUnderUs()) this.lookBeforeWriting();
        this.flushPending();
      } catch (error) {
        keepAll(error);
        return;
      }
      const before = { seq: this.lastSeq, hash: this.lastHash };
      const lines: string[] = [];
      // A listener that throws is a bug: what it and the others saw is still written (then it is thrown), the rest refused.
      let listenerFailure: { error: unknown } | undefined;
      for (const entry of batch) {
        if (listenerFailure) {
          entry.reject(listenerFailure.error);
          continue;
        }
        let next: { line: string; record: JournalRecord };
        try {
          const event = typeof entry.input === 'function' ? entry.input() : entry.input;
          // An event that is not JSON (a BigInt, a cycle) is refused alone: the chain goes on without it.
          next = this.next({ ...event, at: entry.at ?? this.clock().toISOString() });
        } catch (error) {
          entry.reject(error);
          continue;
        }
        lines.push(next.line);
        done.push({ entry, record: next.record });
        try {
          // Seen at once, so a check made by a later event of the batch (is the plan still pending?) sees this one.
          this.accept(next.record);
        } catch (error) {
          listenerFailure = { error };
        }
      }
      if (lines.length === 0) {
        whole = true;
        return;
      }
      const text = lines.join('');
      try {
        this.writeLines(text, false);
      } catch (error) {
        if (!isStorageError(error)) {
          // Neither written nor kept (a bug, not the disk): the chain goes back to what is on disk, and the callers are told.
          this.lastSeq = before.seq;
          this.lastHash = before.hash;
          for (const { entry } of done) entry.reject(error);
          done.length = 0;
          throw error;
        }
        // Not written: the batch is kept in memory (the listeners have seen it) and written first once the disk allows.
        this.lastSeq = before.seq;
        this.lastHash = before.hash;
        this.markUnwritable(error);
        for (const { entry, record } of done) {
          this.pending.push({ type: record.type, incident: record.incident, actor: record.actor, data: record.data, at: record.at });
          entry.resolve(record);
        }
        this.writeAtExit();
        done.length = 0;
        return;
      }
      this.offset += Buffer.byteLength(text);
      this.lastWrittenRecord = done.at(-1)?.record;
      this.lastLine = { bytes: Buffer.byteLength(lines.at(-1) as string), hash: this.lastWrittenRecord?.hash };
      this.writable();
      whole = true;
      if (listenerFailure) throw listenerFailure.error;
    } finally {
      if (whole) this.lock.keep();
      else this.lock.release();
      if (done.length > 0) this.requestSync(done);
      else this.settleIdle();
    }
  }

  private requestSync(done: { entry: Committed; record: JournalRecord }[]): void {
    for (const { entry, record } of done) {
      this.syncWaiters.push(() => entry.resolve(record));
      this.syncFailures.push((error) => entry.reject(error));
    }
    this.syncedHead = done.at(-1)?.record;
    if (this.syncing) return;
    this.syncing = true;
    void this.syncLoop();
  }

  /** One fsync at a time; whatever was written meanwhile shares the next one. */
  private async syncLoop(): Promise<void> {
    while (this.syncWaiters.length > 0) {
      // Like PostgreSQL's commit_delay: fsyncs close behind each other wait a moment, so what arrives meanwhile shares one.
      const wait = this.lastSyncAt + syncGapMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastSyncAt = Date.now();
      const waiters = this.syncWaiters.splice(0);
      const failures = this.syncFailures.splice(0);
      const head = this.syncedHead;
      try {
        await this.fsyncWritten();
        this.stats.fsyncs += 1;
      } catch (error) {
        // The lines may not be on disk: nobody is told they are.
        this.markUnwritable(error);
        for (const fail of failures) fail(error);
        continue;
      }
      for (const resolve of waiters) resolve();
      if (head) this.paceHead(head);
    }
    this.syncing = false;
    this.settleIdle();
  }

  private isIdle(): boolean {
    return !this.batchDue && !this.syncing && this.batch.length === 0 && !this.headWriting && !this.headTimer && !this.headDue;
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** A synchronous append's body: written (not yet fsynced) when it returns. */
  private appendUnsynced(input: AppendInput | (() => AppendInput), options: AppendOptions): JournalRecord {
    try {
      this.lock.take();
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.markUnwritable(error);
      if (options.durable) throw this.unwritableError();
      return this.keep(typeof input === 'function' ? input() : input);
    }
    const resolve = (): AppendInput => (typeof input === 'function' ? input() : input);
    try {
      try {
        this.lookBeforeWriting();
      } catch (error) {
        if (!isStorageError(error)) throw error;
        this.markUnwritable(error);
        if (options.durable) throw this.unwritableError();
        return this.keep(resolve());
      }
      return this.appendLocked(resolve(), options);
    } finally {
      this.lock.release();
    }
  }

  /**
   * What a writer does under the lock before its lines: a torn last line set aside, the lines other processes wrote
   * read, then, before anything of its own, what it found journaled (a line lost, its end cut, its head missing).
   */
  private lookBeforeWriting(): void {
    const aside = this.setTornTailAside();
    this.catchUp();
    // A torn line the head says was written is said lost by its repair record, which continues after it.
    if (!aside) this.recordCutWhileRunning();
    else {
      this.cutSeen = undefined;
      this.recordRepair(aside, true);
    }
    this.recordMissingHead();
  }

  /**
   * Whether the journal file is not what this process wrote or read of it: cut under it (shorter), or replaced by another
   * file (`head … > tmp && mv tmp journal.jsonl`), which the open append file, still the old one, does not show. A
   * replaced file's append file is closed, so the next write goes to the file now at the journal's path.
   */
  private changedUnderUs(): boolean {
    const atPath = fs.statSync(this.file, { throwIfNoEntry: false });
    if (this.appendFd === undefined) return atPath !== undefined && atPath.size < this.offset;
    const open = fs.fstatSync(this.appendFd);
    if (atPath && (atPath.ino !== open.ino || atPath.dev !== open.dev)) {
      this.closeAppendFd();
      return true;
    }
    return open.size < this.offset;
  }

  /** The body of an append, with the lock held and the journal caught up. */
  private appendLocked(event: AppendInput, options: AppendOptions): JournalRecord {
    const next = (): { line: string; record: JournalRecord } => this.next({ ...event, at: this.clock().toISOString() });
    let line: { line: string; record: JournalRecord };
    try {
      this.flushPending();
      line = next();
      // A durable event is on disk before anyone (a listener, the caller) learns of it.
      this.writeLines(line.line, Boolean(options.durable));
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.markUnwritable(error);
      if (options.durable) throw this.unwritableError();
      return this.keep(event);
    }
    this.offset += Buffer.byteLength(line.line);
    this.lastWrittenRecord = line.record;
    this.lastLine = { bytes: Buffer.byteLength(line.line), hash: line.record.hash };
    this.written = !options.durable;
    if (options.durable) this.writeHeadNow(line.record);
    this.writable();
    this.accept(line.record);
    return line.record;
  }

  /**
   * Throws a JournalUnwritable, naming the state dir and the cause, while events cannot be written; first tries to
   * write what was kept, so the refusal ends as soon as the disk has room.
   */
  requireWritable(): void {
    if (!this.unwritable && this.pending.length === 0) return;
    try {
      this.lock.take();
      try {
        this.catchUp();
        this.recordCutWhileRunning();
        this.flushPending();
        this.writable();
      } finally {
        this.lock.release();
      }
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.markUnwritable(error);
      throw this.unwritableError();
    }
  }

  /** How far into the journal file this process has read or written: the byte offset of a line's end. */
  get readThrough(): number {
    return this.offset;
  }

  /**
   * The hash of the last line this process read or wrote (the genesis hash for an empty journal): that of the line
   * ending at readThrough, unless the file was cut under it since (then no line there has it, and a start replays
   * nothing from that place).
   */
  get readThroughHash(): string {
    return this.lastHash;
  }

  /**
   * The records of the journal's lines after `from` (an offset and the hash of the line ending there, as readThrough
   * and readThroughHash gave them) up to byte `to`, a line's end; none when that line is not there any more (the file
   * was replaced or cut since).
   */
  recordsAfter(from: { offset: number; hash: string }, to: number): JournalRecord[] {
    if (from.offset >= to || !fs.existsSync(this.file) || fs.statSync(this.file).size < to) return [];
    // The line ending at `from` is read with the rest, to check it is the one that was there.
    const start = Math.max(0, from.offset - 1_048_576);
    const fd = fs.openSync(this.file, 'r');
    let text: string;
    try {
      const buffer = Buffer.alloc(to - start);
      fs.readSync(fd, buffer, 0, buffer.length, start);
      const before = buffer.subarray(0, from.offset - start);
      if (from.offset > 0) {
        if (before.at(-1) !== 0x0a) return [];
        const line = before.subarray(before.lastIndexOf(0x0a, before.length - 2) + 1, before.length - 1).toString('utf8');
        if (parsedHash(line) !== from.hash) return [];
      } else if (from.hash !== genesisHash) return [];
      text = buffer.subarray(from.offset - start).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
    const records: JournalRecord[] = [];
    for (const line of text.split('\n').filter(Boolean)) {
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        // A line that is not JSON is reported by `journal verify`.
      }
    }
    return records;
  }

  /**
   * Applies lines another process (the terminal front end, say) appended since we last looked. New means numbered after
   * the last line this process has seen, not found after the byte it had read to: a journal cut, restored from a copy
   * or rewritten in place under it holds lines it has applied (and the bot has shown) already, wherever they now lie.
   */
  catchUp(): void {
    if (!fs.existsSync(this.file)) return;
    const size = fs.statSync(this.file).size;
    if (size === this.offset) return;
    const fd = fs.openSync(this.file, 'r');
    try {
      // Read from the start of the last line seen, to check it is still there: then only what follows it can be new.
      // Gone (the file cut, or another file in its place), what other processes wrote since may be anywhere in it
      // (after a cut they continue after the last number the head saw written): the file is read from its start.
      let from = this.offset - this.lastLine.bytes;
      let bytes = size > this.offset ? readBytes(fd, from, size) : Buffer.alloc(0);
      if (!this.stillThere(bytes)) {
        // The next write under the lock checks whether lines this process saw were lost from the end (recordCutWhileRunning).
        this.cutSeen ??= { expectedBytes: this.offset, sizeNow: size };
        from = 0;
        bytes = readBytes(fd, 0, size);
      }
      const text = bytes.toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      let accepted = false;
      for (const line of complete.split('\n').filter(Boolean)) {
        try {
          const record = JSON.parse(line) as JournalRecord;
          if (!(record.seq > this.lastSeq)) continue;
          this.accept(record);
          accepted ||= record.type === damageAcceptedType;
          for (const listener of this.elsewhereListeners) listener(record);
        } catch {
          // A line that is not JSON is reported by `journal verify`; the lines after it still count.
        }
      }
      this.offset = from + Buffer.byteLength(complete);
      this.lastLine = lastLineOf(complete);
      // A terminal's `journal repair` accepted the damage: verified again, approvals go ahead without a restart.
      if (accepted && this.problem) this.verifyAgain();
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Whether `bytes`, read from where the last line this process saw began, start with that line. */
  private stillThere(bytes: Buffer): boolean {
    if (this.offset === 0) return true;
    const { bytes: length, hash } = this.lastLine;
    return hash !== undefined && length > 0 && bytes.length >= length && bytes[length - 1] === 0x0a && parsedHash(bytes.subarray(0, length - 1).toString('utf8')) === hash;
  }

  private unwritableError(): JournalUnwritable {
    // A right this process lacks is not a full disk: the fix is another user or another mode, not free space.
    const code = this.unwritable?.code;
    const fix =
      code === 'EACCES' || code === 'EPERM'
        ? `Run it as the user the journal belongs to, or give uid ${processUid()} write access to it and its folder`
        : code === journalMissingCode
          ? 'Put the journal back'
          : 'Free space on that volume (or make it writable)';
    return new JournalUnwritable(
      `refused: the journal in ${this.stateDir} cannot be written (${this.unwritable?.reason ?? 'unknown error'}), and no change is made ` +
        `that the journal could not record. Diagnoses still run. ${fix}; the bot notices by itself.`,
    );
  }

  private markUnwritable(error: unknown): void {
    const err = error as NodeJS.ErrnoException;
    const denied = (err.code === 'EACCES' || err.code === 'EPERM') && err.path;
    const reason = err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'EROFS' ? 'a read-only volume' : denied ? permissionWords(denied) : err.message;
    const was = this.unwritable;
    this.unwritable = { reason, since: was?.since ?? this.clock().toISOString(), ...(err.code ? { code: err.code } : {}) };
    if (!was) this.onWritability?.(this.unwritable);
  }

  private next(event: AppendInput & { at: string }, seq = this.lastSeq + 1, prev = this.lastHash): { line: string; record: JournalRecord } {
    return serialize({
      seq,
      at: event.at,
      type: event.type,
      incident: event.incident ?? null,
      actor: event.actor ?? null,
      data: redactDeep(this.withOsAccount(event), this.redact),
      prev,
    });
  }

  /** An event that could not be written: the listeners see it now (the bot goes on), the disk gets it later. */
  private keep(event: AppendInput): JournalRecord {
    const kept = { ...event, data: redactDeep(this.withOsAccount(event), this.redact), at: this.clock().toISOString() };
    this.pending.push(kept);
    this.writeAtExit();
    const { record } = this.next(kept, this.lastSeq + this.pending.length, genesisHash);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  /** Writes the kept events (under the lock, after catching up), numbered and chained where they now land. */
  private flushPending(): void {
    if (this.pending.length === 0) return;
    let seq = this.lastSeq;
    let prev = this.lastHash;
    const lines: string[] = [];
    let last: JournalRecord | undefined;
    for (const event of this.pending) {
      const { line, record } = this.next(event, (seq += 1), prev);
      lines.push(line);
      prev = record.hash;
      last = record;
    }
    const text = lines.join('');
    this.writeLines(text, true);
    this.pending = [];
    this.offset += Buffer.byteLength(text);
    this.lastWrittenRecord = last;
    this.lastLine = { bytes: Buffer.byteLength(lines.at(-1) as string), hash: last?.hash };
    this.writeHeadNow(last as JournalRecord);
    this.lastSeq = seq;
    this.lastHash = prev;
  }

  /** The journal opened for appending, kept while this process holds the lock (closed when it lets go). */
  private appendFd?: number;

  /** The append file an fsync in the thread pool is using: closed once that fsync is done, not under it. */
  private syncingFd?: number;
  private closeAfterSync = false;

  private closeAppendFd(): void {
    const fd = this.appendFd;
    this.appendFd = undefined;
    if (fd === undefined) return;
    if (fd === this.syncingFd) this.closeAfterSync = true;
    else fs.closeSync(fd);
  }

  /**
   * fsync of what the batches wrote, in libuv's thread pool: on the append file while this process keeps it open (one
   * trip to the pool, where opening the file by name for it takes three, each waking a pool thread and then the event
   * loop), else by name.
   */
  private async fsyncWritten(): Promise<void> {
    const fd = this.appendFd;
    if (fd === undefined) return fsyncFile(this.file);
    this.syncingFd = fd;
    try {
      await new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
    } finally {
      this.syncingFd = undefined;
      if (this.closeAfterSync) {
        this.closeAfterSync = false;
        try {
          fs.closeSync(fd);
        } catch {
          // The fsync's outcome is what counts, as when the file is opened by name for it.
        }
      }
    }
  }

  /** One write (and, when asked, its fsync); a short or failed one is undone (cut back to where it began) and thrown. */
  private writeLines(text: string, sync: boolean): void {
    const buffer = Buffer.from(text);
    if (this.appendFd === undefined) {
      // Moved away or deleted while its head names records: a new file here would hide them, so the event is kept instead.
      const missing = journalMissingWords(this.file);
      if (missing) throw journalMissingError(missing, this.file);
      this.appendFd = fs.openSync(this.file, 'a');
    }
    const fd = this.appendFd;
    try {
      const before = fs.fstatSync(fd).size;
      // Looked at before the write, which changes what identifies the file: is it still the one the last verification read?
      const asVerified = this.asVerifiedBefore(fd, before);
      let identity: string | undefined;
      try {
        // A new journal's head comes before its first line: a journal with lines and no head then always means one deleted.
        if (before === 0) writeFirstHead(this.file);
        const written = this.write(fd, buffer);
        this.stats.writes += 1;
        if (written !== buffer.length) {
          throw Object.assign(new Error(`only ${written} of ${buffer.length} bytes could be written (is the disk full?)`), { code: 'ESHORTWRITE' });
        }
        // Straight after the write, before its fsync (milliseconds): what another process changes from here on gives the
        // journal another identity than this one, which a later look compares with.
        identity = asVerified ? identityAfterOwnWrite(fd) : undefined;
        if (sync) {
          fs.fsyncSync(fd);
          this.stats.fsyncs += 1;
        }
      } catch (error) {
        try {
          fs.ftruncateSync(fd, before);
          fs.fsyncSync(fd);
        } catch {
          // Left torn: the next append sets the partial line aside before writing.
        }
        throw error;
      }
      this.carryVerification(fd, buffer, identity);
    } catch (error) {
      // Opened again for the next write, in case the file itself is what failed.
      this.closeAppendFd();
      throw error;
    }
  }

  /**
   * A write cut short (a full disk, a crash) leaves a last line without its newline. It was never acknowledged, so it is
   * moved to a file of its own and cut from the journal; the next line would otherwise be glued onto it. One the head
   * says was written was acknowledged and cut since: set aside the same way, and said to be lost (see recordRepair).
   */
  private setTornTailAside(): SetAside | undefined {
    if (!fs.existsSync(this.file)) return undefined;
    const size = fs.statSync(this.file).size;
    if (size === 0) return undefined;
    const fd = fs.openSync(this.file, 'r+');
    try {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] === 0x0a) return undefined;
      const text = fs.readFileSync(this.file);
      const keep = text.lastIndexOf(0x0a) + 1;
      if (completeLine(text, keep)) {
        // Only its newline is missing: the line itself is whole and chained, as `journal verify` reads it. It stays.
        fs.writeSync(fd, '\n', size);
        fs.fsyncSync(fd);
        return undefined;
      }
      let aside = `${this.file}.torn-${this.clock().toISOString().replace(/[-:.]/g, '')}`;
      for (let n = 1; fs.existsSync(aside); n += 1) aside = `${aside}-${n}`;
      const torn = text.subarray(keep);
      fs.writeFileSync(aside, torn);
      fs.ftruncateSync(fd, keep);
      fs.fsyncSync(fd);
      if (this.offset > keep) {
        this.offset = keep;
        this.lastLine = { bytes: 0 };
      }
      const tornText = torn.toString('utf8');
      const incident = incidentOfTorn(tornText);
      const acknowledged = acknowledgedTorn(text, keep, readHead(this.file));
      return { file: aside, bytes: torn.length, text: this.redact(tornText), incident, ...(acknowledged ? { acknowledged } : {}) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Verifies the whole journal; `read`: the head and lines recheck has just read (and their identity), not read twice. */
  private verifyAgain(read = this.readForVerifying()): void {
    const complete = read.bytes.subarray(0, read.bytes.lastIndexOf(0x0a) + 1);
    const result = checkHead(verifyJournal(complete.toString('utf8')), read.head, this.file);
    const before = this.problem;
    this.problem = result.problem;
    if (this.loaded && result.problem && !sameDamage(before, result.problem)) this.onDamageFound?.(result.problem);
    this.setCheckpoint(result.problem ? undefined : checkpointOf(complete, result.records.at(-1)), true);
    this.trustRead(read.identity);
  }

  /** Trusts the identity a verification took before reading the journal whole (none, when the files had not settled). */
  private trustRead(identity: FilesIdentity | undefined): void {
    this.verifiedAs = identity && { ...identity, readAtMs: this.filesSettledAt().getTime() };
  }

  /** The journal's identity, then its head, then its lines, as a verification reads them. */
  private readForVerifying(): { identity?: FilesIdentity; head: ReturnType<typeof readHead>; bytes: Buffer } {
    const identity = verifiedIdentity(this.file, this.filesSettledAt());
    // The head before the lines: writers write lines, then the head, so one read first never runs ahead of them (a
    // terminal appending meanwhile would otherwise read as lines removed from the end).
    const head = readHead(this.file);
    const bytes = fs.existsSync(this.file) ? fs.readFileSync(this.file) : Buffer.alloc(0);
    this.verifyReads += 1;
    return { identity, head, bytes };
  }

  /**
   * Verifies the journal as it is on disk now, so a line edited while this process runs is caught before a change is
   * proposed or approved, not only at the next start. Cheap when the bytes verified last time are unchanged: only the
   * lines added since are checked, chained from there. A line still being written is left for the next look.
   */
  recheck(look: 'gate' | 'status' = 'gate'): void {
    if (!fs.existsSync(this.file)) {
      // Gone after this process read or wrote it: deleted, not "nothing recorded yet".
      if (this.offset > 0) this.problem = { line: 1, reason: `the journal ${this.file} is gone: it was deleted or moved while this process used it` };
      this.verifiedAs = undefined;
      return;
    }
    // Each /databox status looks: a journal of a hundred thousand lines is 70 MB to read, so an unchanged one is not.
    if (this.stillAsVerified(look)) return;
    const read = this.readForVerifying();
    const { head, bytes } = read;
    const complete = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
    const last = this.checkpoint;
    // The quick way holds only when nothing this process knows of was cut: the file is as long as what it wrote or
    // read, and the head (written after the lines) names no line past the last one checked.
    const uncut = complete.length >= this.offset;
    if (!this.problem && last && uncut && complete.length >= last.bytes && digestOf(complete.subarray(0, last.bytes)) === digestSoFar(last)) {
      const added = complete.subarray(last.bytes).toString('utf8').split('\n').filter(Boolean);
      const tail = verifyChain(added, 0, { prev: last.prev, seq: last.seq + 1 });
      const lastSeq = tail.records.at(-1)?.seq ?? last.seq;
      if (!tail.problem && head && head.seq <= lastSeq) {
        if (added.length > 0) this.setCheckpoint(checkpointOf(complete, tail.records.at(-1) ?? { hash: last.prev, seq: last.seq }), false);
        this.trustRead(read.identity);
        return;
      }
    }
    this.verifyAgain(read);
  }

  /**
   * Whether the journal and its head are as the last verification left them, so a look need not read the journal again.
   * A verification carried over this process's own appends answers a status only, and for `carriedTrustMs` after the
   * journal was last read whole: nothing rules out a same-size overwrite by another process landing between this
   * process's look before its write and the identity it takes straight after (see carryVerification), which the
   * carried identity would then include. Before a change is proposed or approved ('gate') the journal is read again.
   */
  private stillAsVerified(look: 'gate' | 'status'): boolean {
    const verified = this.verifiedAs;
    if (!verified) return false;
    if (verified.byOwnWrites && (look === 'gate' || this.filesSettledAt().getTime() - verified.readAtMs >= carriedTrustMs)) return false;
    const now = currentIdentity(this.file);
    if (now.journal !== verified.journal) return false;
    if (now.head === verified.head) return true;
    // The head was rewritten since (after this process's own lines, or by another): read (a few bytes), it must name a
    // line verified, as a verification would find it.
    const head = readHead(this.file);
    return !this.problem && head !== undefined && this.verifiedHashes.get(head.seq) === head.hash;
  }

  /** A verification's checkpoint; `fresh`: verified from the start, so the hashes known from before may not be there. */
  private setCheckpoint(checkpoint: Checkpoint | undefined, fresh: boolean): void {
    this.checkpoint = checkpoint;
    if (fresh) this.verifiedHashes.clear();
    if (checkpoint) this.noteVerified(checkpoint.seq, checkpoint.prev);
  }

  private noteVerified(seq: number, hash: string): void {
    this.verifiedHashes.set(seq, hash);
    // The head lags the lines by a paced write at most: the last thousand lines are more than it can be behind.
    if (this.verifiedHashes.size > 1_000) this.verifiedHashes.delete(this.verifiedHashes.keys().next().value as number);
  }

  /**
   * Whether the journal open at `fd` (`size` bytes) is exactly what the last verification passed: nothing failed, the
   * checkpoint covers it to its end, and the file (the one at the journal's path) has the identity then trusted.
   */
  private asVerifiedBefore(fd: number, size: number): boolean {
    const verified = this.verifiedAs;
    if (!verified || this.problem || this.checkpoint?.bytes !== size) return false;
    try {
      return identityOfOpen(fd) === verified.journal && currentIdentity(this.file).journal === verified.journal;
    } catch {
      // Not looked at (the folder unreadable for a moment): the write goes ahead, the verification is not carried over it.
      return false;
    }
  }

  /**
   * After this process's own append: when the journal was as verified just before it, the verification is carried over
   * the lines just written (checked against the chain here, from what this process wrote, not read back), and
   * `identity`, the journal's taken straight after the write, is trusted from here. Any change by another process since
   * (an edit, a cut, a file put in its place, a line appended by the terminal) gives the journal another identity, and
   * the next look reads it. Where file times are coarse (Linux before 6.13, or a file system without its fine-grained
   * times: the timer tick, a few milliseconds; FAT and some SMB shares: 2 s), a same-size edit within that tick of the
   * write can keep them: that, like an edit between the look before the write and the identity, is bounded by
   * `carriedTrustMs`.
   * Otherwise (`identity` undefined: the journal was not as verified) the verification no longer covers the file.
   */
  private carryVerification(fd: number, written: Buffer, identity: string | undefined): void {
    try {
      this.carryVerificationOver(fd, written, identity);
    } catch {
      // The lines are written all the same (a write must not read as failed and be made again): only not carried over.
      this.verifiedAs = undefined;
    }
  }

  private carryVerificationOver(fd: number, written: Buffer, identity: string | undefined): void {
    const last = this.checkpoint;
    const verified = this.verifiedAs;
    if (!identity || !last || !verified) {
      if (verified) this.verifiedAs = undefined;
      return;
    }
    const lines = written.toString('utf8').split('\n').filter(Boolean);
    const tail = verifyChain(lines, 0, { prev: last.prev, seq: last.seq + 1 });
    const record = tail.records.at(-1);
    // The file at the journal's path is the one written, and nothing but these lines was added to it.
    const atPath = currentIdentity(this.file).journal;
    if (tail.problem || !record || atPath !== identity || fs.fstatSync(fd).size !== last.bytes + written.length) {
      this.verifiedAs = undefined;
      return;
    }
    last.digest.update(written);
    last.bytes += written.length;
    last.prev = record.hash;
    last.seq = record.seq;
    for (const line of tail.records) this.noteVerified(line.seq, line.hash);
    this.verifiedAs = { journal: identity, head: verified.head, readAtMs: verified.readAtMs, byOwnWrites: true };
  }

  /**
   * Throws a UserError while the journal fails verification: a change is not proposed or approved over a record that
   * cannot be trusted, and the way out (a person accepting the damage, on the record) is named.
   */
  requireVerified(): void {
    this.recheck();
    if (!this.problem) return;
    throw new UserError(
      `refused: ${failedAtWords(this.problem)} (${this.problem.reason}), so ${untilRepairedWords('away')}. Diagnoses still run.`,
    );
  }

  /** Says what was set aside (in the journal itself, and to the listeners), and verifies the journal again. Lock held. */
  private recordRepair(aside: SetAside, verifyAgain: boolean): void {
    this.setAside.push(aside);
    if (verifyAgain && this.problem) this.verifyAgain();
    const lost = aside.acknowledged;
    if (lost) {
      // An acknowledged line is lost: the record continues after it, as after lines cut from the end, so the gap stays in
      // the chain (the journal fails verification) until a person accepts it.
      const head = readHead(this.file);
      if (head && head.seq > this.lastSeq) {
        this.lastSeq = head.seq;
        this.lastHash = head.hash;
      }
      // Whole lines after it that the head or this process knew of were cut with it (a cut in the middle of a line
      // under a running bot): said too, not only the torn one.
      if (this.lastSeq > lost.seq) lost.alsoLost = { from: lost.seq + 1, to: this.lastSeq };
    }
    const record = this.appendLocked(
      {
        type: 'journal.repaired',
        incident: aside.incident ?? null,
        data: {
          setAside: aside.file,
          bytes: aside.bytes,
          excerpt: aside.text.slice(0, 300),
          reason: lost ? acknowledgedTornWords(lost) : 'the last line was cut short (a crash or a full disk while it was written); it was never acknowledged',
          ...(lost ? { acknowledged: { ...lost } } : {}),
        },
      },
      {},
    );
    // Verified with the record in place: the failure then names the lost event (see verifyJournal).
    if (lost) this.verifyAgain();
    for (const listener of this.repairListeners) listener(aside, record);
  }

  /**
   * Lines cut from the end (the head names a later record than the last one left), found at start: journaled first,
   * continuing after the head's record, so the gap reads as a cut end appended past, not a line removed in the middle.
   * Lock held.
   */
  private recordEndCut(lastSeqLeft: number, head: { seq: number; hash: string }): void {
    this.appendLocked({ type: endCutType, incident: null, data: { ...endCutOf(lastSeqLeft, head) } }, {});
    // Verified with the record in place: the failure then says the end was cut (see verifyJournal).
    this.verifyAgain();
  }

  /** Set when a look found the last line this process saw gone (the file cut or replaced under it), until a write checks it. */
  private cutSeen?: { expectedBytes: number; sizeNow: number };

  /**
   * Lines cut from the end while this process ran: the file's last record is older than the last one this process
   * wrote or read (or its head names). Journaled before its own line, continuing after the last one written, so the
   * gap reads as a cut end appended past, as for a cut found at start. Lock held, caught up.
   */
  private recordCutWhileRunning(): void {
    const seen = this.cutSeen;
    this.cutSeen = undefined;
    if (!seen) return;
    const head = readHead(this.file);
    const written = head && head.seq > this.lastSeq ? head : { seq: this.lastSeq, hash: this.lastHash };
    const lastSeqLeft = lastSeqOf(this.file);
    if (lastSeqLeft >= written.seq) return;
    this.lastSeq = written.seq;
    this.lastHash = written.hash;
    // Bytes are known only when the file is shorter than it was: one replaced by another file may be longer.
    const bytesLost = seen.sizeNow < seen.expectedBytes ? { bytesLost: seen.expectedBytes - seen.sizeNow } : {};
    this.appendLocked({ type: endCutType, incident: null, data: { ...endCutOf(lastSeqLeft, written, { pid: process.pid, ...bytesLost }) } }, {});
    this.verifyAgain();
  }

  /** Whether this journal's head file was found missing and journaled so (since the last acceptance of a missing one). */
  private missingHeadJournaled = false;

  /**
   * A journal with lines and no head file (nothing there, or a directory): journaled once, by the first writer to find it, before its own line, so the
   * failure names that line from then on rather than the journal's end, which moves with every append. Lock held.
   */
  private recordMissingHead(): void {
    if (this.missingHeadJournaled || this.offset === 0) return;
    // A directory there is no head either: found and journaled alike, so the failure names a line that stays put.
    const there = fs.lstatSync(headFile(this.file), { throwIfNoEntry: false });
    if (there && !there.isDirectory()) return;
    this.appendLocked({ type: headMissingType, incident: null, data: headMissingData(lineCountOf(this.file), this.lastLine.hash, there !== undefined) }, {});
    // Once, written or kept in memory until the disk takes it (a kept event is not replayed here, so not seen above).
    this.missingHeadJournaled = true;
    this.verifyAgain();
  }

  private accept(record: JournalRecord): void {
    if (record.type === headMissingType) this.missingHeadJournaled = true;
    else if (acceptsMissingHead(record)) this.missingHeadJournaled = false;
    this.lastHash = record.hash;
    this.lastSeq = record.seq;
    for (const listener of this.listeners) listener(record);
  }
}

/** Whether two verification failures name the same damage: a look that finds it again says nothing new. */
function sameDamage(before: VerifyProblem | undefined, now: VerifyProblem): boolean {
  return before !== undefined && before.line === now.line && before.reason === now.reason && before.changedSince?.line === now.changedSince?.line;
}

/** A journal line as this process saw it: its length in bytes (its newline included) and its hash, when it had one. */
interface SeenLine {
  bytes: number;
  hash?: string;
}

/** The last whole line of `text` (whole lines, or a last one cut short: then none is known). */
function lastLineOf(text: string): SeenLine {
  if (text === '') return { bytes: 0, hash: genesisHash };
  if (!text.endsWith('\n')) return { bytes: 0 };
  const line = text.slice(text.length > 1 ? text.lastIndexOf('\n', text.length - 2) + 1 : 0);
  return { bytes: Buffer.byteLength(line), hash: parsedHash(line.slice(0, -1)) };
}

/** The sequence number of the last whole line of a journal file that reads as a record (0 when none does). */
function lastSeqOf(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
  for (const line of lines.reverse()) {
    try {
      const seq = (JSON.parse(line) as { seq?: unknown }).seq;
      if (typeof seq === 'number') return seq;
    } catch {
      // Not a record (a line damaged by hand): the one before it may be.
    }
  }
  return 0;
}

/** The whole lines of a journal file. */
function lineCountOf(file: string): number {
  const bytes = fs.readFileSync(file);
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** Bytes `from` to `to` of an open file. */
function readBytes(fd: number, from: number, to: number): Buffer {
  const buffer = Buffer.alloc(to - from);
  fs.readSync(fd, buffer, 0, buffer.length, from);
  return buffer;
}

interface Checkpoint {
  bytes: number;
  /** The digest of the bytes verified, kept running so the lines this process appends extend it without a read. */
  digest: Hash;
  /** The last record verified: what the next line must link to and follow. */
  prev: string;
  seq: number;
}

function checkpointOf(verified: Buffer, last: Pick<JournalRecord, 'hash' | 'seq'> | undefined): Checkpoint {
  return { bytes: verified.length, digest: createHash('sha256').update(verified), prev: last?.hash ?? genesisHash, seq: last?.seq ?? 0 };
}

/** The digest of what a checkpoint verified (as digestOf gives it), its running hash kept going. */
function digestSoFar(checkpoint: Checkpoint): string {
  return checkpoint.digest.copy().digest('hex');
}

/** A journal line's hash, or undefined when it is not a record. */
function parsedHash(line: string): string | undefined {
  try {
    return (JSON.parse(line) as JournalRecord).hash;
  } catch {
    return undefined;
  }
}

/** The head is a hint (a stale one is harmless): failing to write it is noted, never thrown. */
function writeHeadQuietly(write: () => void, noted: (error: unknown) => void): void {
  try {
    write();
  } catch (error) {
    if (!isStorageError(error)) throw error;
    noted(error);
  }
}

/** fsync of a file by name in libuv's thread pool (callbacks: cheaper on the event loop than a FileHandle's promises). */
function fsyncFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r', (openError, fd) => {
      if (openError) {
        reject(openError);
        return;
      }
      fs.fsync(fd, (syncError) => fs.close(fd, () => (syncError ? reject(syncError) : resolve())));
    });
  });
}
