// The append-only JSON Lines journal: one fsynced line per event, hash-chained, shared safely by several processes.
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../process/alive.js';
import { redactDeep } from '../redact.js';
import { checkHead, readHead, writeHead } from './head.js';
import { genesisHash, serialize, verifyLines, type JournalRecord, type VerifyProblem } from './record.js';

export interface AppendInput {
  type: string;
  incident?: string | null;
  actor?: string | null;
  data?: Record<string, unknown>;
}

export type RecordListener = (record: JournalRecord) => void;

const lockWaitMs = 10_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class Journal {
  readonly file: string;
  private readonly lockFile: string;
  private offset = 0;
  private lastHash = genesisHash;
  private lastSeq = 0;
  private listeners: RecordListener[] = [];
  /** Set when the journal on disk failed verification at start-up. */
  problem?: VerifyProblem;

  constructor(
    stateDir: string,
    private readonly clock: () => Date = () => new Date(),
    /** Applied to every string in an event's data before it is written: nothing secret reaches the disk. */
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'journal.jsonl');
    this.lockFile = `${this.file}.lock`;
  }

  onRecord(listener: RecordListener): void {
    this.listeners.push(listener);
  }

  /** Reads what is on disk and replays it to the listeners. */
  load(): JournalRecord[] {
    const text = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8') : '';
    const result = checkHead(verifyLines(text), readHead(this.file));
    this.problem = result.problem;
    // A tampered journal is still replayed as far as it can be parsed, so nothing an operator did is forgotten.
    const records = result.problem ? parseLoosely(text) : result.records;
    for (const record of records) this.accept(record);
    this.offset = Buffer.byteLength(text);
    return records;
  }

  /**
   * Appends one event. Given a function, it is called under the journal's lock after catching up with other processes,
   * so a check it makes (is the plan still pending?) and the line it returns are one atomic step; it may throw to abort.
   */
  append(input: AppendInput | (() => AppendInput)): JournalRecord {
    return this.withLock(() => {
      this.setTornTailAside();
      this.catchUp();
      const event = typeof input === 'function' ? input() : input;
      const { line, record } = serialize({
        seq: this.lastSeq + 1,
        at: this.clock().toISOString(),
        type: event.type,
        incident: event.incident ?? null,
        actor: event.actor ?? null,
        data: redactDeep(event.data ?? {}, this.redact),
        prev: this.lastHash,
      });
      const fd = fs.openSync(this.file, 'a');
      try {
        fs.writeSync(fd, line);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      this.offset += Buffer.byteLength(line);
      writeHead(this.file, record);
      this.accept(record);
      return record;
    });
  }

  /** Applies lines another process (the terminal front end, say) appended since we last looked. */
  catchUp(): void {
    if (!fs.existsSync(this.file)) return;
    const size = fs.statSync(this.file).size;
    if (size <= this.offset) return;
    const fd = fs.openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      const text = buffer.toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      for (const line of complete.split('\n').filter(Boolean)) {
        try {
          this.accept(JSON.parse(line) as JournalRecord);
        } catch {
          // A line that is not JSON is reported by `journal verify`; the lines after it still count.
        }
      }
      this.offset += Buffer.byteLength(complete);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * A write cut short (a full disk, a crash) leaves a last line without its newline. It was never acknowledged, so it is
   * moved to a file of its own and cut from the journal; the next line would otherwise be glued onto it.
   */
  private setTornTailAside(): void {
    if (!fs.existsSync(this.file)) return;
    const size = fs.statSync(this.file).size;
    if (size === 0) return;
    const fd = fs.openSync(this.file, 'r+');
    try {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] === 0x0a) return;
      const text = fs.readFileSync(this.file);
      const keep = text.lastIndexOf(0x0a) + 1;
      let aside = `${this.file}.torn-${this.clock().toISOString().replace(/[-:.]/g, '')}`;
      for (let n = 1; fs.existsSync(aside); n += 1) aside = `${aside}-${n}`;
      fs.writeFileSync(aside, text.subarray(keep));
      fs.ftruncateSync(fd, keep);
      fs.fsyncSync(fd);
      this.offset = Math.min(this.offset, keep);
    } finally {
      fs.closeSync(fd);
    }
  }

  private accept(record: JournalRecord): void {
    this.lastHash = record.hash;
    this.lastSeq = record.seq;
    for (const listener of this.listeners) listener(record);
  }

  private withLock<T>(work: () => T): T {
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      try {
        fs.writeFileSync(this.lockFile, String(process.pid), { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // Plain read: the holder may release the lock meanwhile, and re-creating the file here (as flag a+ did)
        // would leave an empty lock that nobody holds and every process then waits on.
        let holder: number;
        try {
          holder = Number(fs.readFileSync(this.lockFile, 'utf8'));
        } catch (readError) {
          if ((readError as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw readError;
        }
        // Our own PID can only be a leftover: this process takes and releases the lock synchronously. (In a container the
        // bot is often PID 1 after every restart, so a lock left by a killed predecessor carries our PID.)
        if (holder && (holder === process.pid || !processAlive(holder))) {
          fs.rmSync(this.lockFile, { force: true });
          continue;
        }
        if (Date.now() > deadline) throw new Error(`the journal ${this.file} has been locked by PID ${holder} for ${lockWaitMs / 1000}s`);
        sleepSync(5);
      }
    }
    try {
      return work();
    } finally {
      fs.rmSync(this.lockFile, { force: true });
    }
  }
}

function parseLoosely(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // An unparseable line is reported by verification; the rest is still replayed.
    }
  }
  return records;
}
