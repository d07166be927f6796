// Writes a command's redacted output to a file as it arrives, with back-pressure, so a step that prints gigabytes keeps
// its whole output on disk while the bot holds only a bounded head and tail of it in memory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A step's whole output as kept on disk: where, how many bytes, their digest, and whether all of it is there. */
export interface SpooledOutput {
  file: string;
  bytes: number;
  digest: string;
  /** Bytes left out in the middle because the output passed the spool's limit (its end is still kept). */
  omittedBytes: number;
  /** Set when the file could not be written (a full disk, say): it holds only part of the output. */
  problem?: string;
}

/** A kept output larger than 1 GiB keeps its first GiB and its last MiB: a runaway command must not fill the disk. */
export const spoolLimits = { bytes: 1024 ** 3, endBytes: 1024 ** 2 } as const;

export class OutputSpool {
  private readonly stream?: fs.WriteStream;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private omitted = 0;
  /** What came after the limit was reached: only its last part is kept, to be written at the end. */
  private late: Buffer[] = [];
  private lateLength = 0;
  private problem?: string;
  private waiting: (() => void)[] = [];

  constructor(
    readonly file: string,
    private readonly limits: { bytes: number; endBytes: number } = spoolLimits,
  ) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.stream = fs.createWriteStream(file);
      this.stream.on('error', (error) => this.fail(error));
      this.stream.on('drain', () => this.release());
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.problem ??= (error as Error).message ?? String(error);
    this.release();
  }

  private release(): void {
    this.waiting.splice(0).forEach((resume) => resume());
  }

  private put(buffer: Buffer): boolean {
    this.bytes += buffer.length;
    this.hash.update(buffer);
    return this.stream?.write(buffer) ?? true;
  }

  /** Takes redacted text; false when the caller should pause its source until `whenDrained` calls back. */
  write(text: string): boolean {
    if (!text || !this.stream || this.problem) return true;
    const room = this.limits.bytes - this.bytes;
    const length = Buffer.byteLength(text, 'utf8');
    if (this.late.length === 0 && length <= room) {
      // The usual case, with no copy of the text: the file stream encodes it as it writes.
      this.bytes += length;
      this.hash.update(text, 'utf8');
      return this.stream.write(text, 'utf8');
    }
    const buffer = Buffer.from(text, 'utf8');
    const ok = room > 0 ? this.put(buffer.subarray(0, room)) : true;
    const rest = room > 0 ? buffer.subarray(room) : buffer;
    this.late.push(Buffer.from(rest));
    this.lateLength += rest.length;
    while (this.lateLength > this.limits.endBytes && this.late.length > 1) {
      const dropped = this.late.shift() as Buffer;
      this.lateLength -= dropped.length;
      this.omitted += dropped.length;
    }
    return ok;
  }

  /** Calls `resume` once the file has taken what it was given (or cannot take more). */
  whenDrained(resume: () => void): void {
    if (!this.stream || this.problem || !this.stream.writableNeedDrain) resume();
    else this.waiting.push(resume);
  }

  /** Ends the file; what passed the limit is written as a marker and the output's last part. */
  async close(): Promise<SpooledOutput> {
    const stream = this.stream;
    if (stream && !this.problem) {
      if (this.late.length > 0) {
        // The late part's end follows the first part; a marker says what was left out between them.
        if (this.omitted > 0) this.put(Buffer.from(`\n[… ${this.omitted} bytes omitted: the output passed the ${this.limits.bytes}-byte limit of a kept output …]\n`));
        for (const buffer of this.late) this.put(buffer);
        this.late = [];
      }
      await new Promise<void>((resolve) => {
        stream.once('close', resolve);
        stream.end();
      });
    } else {
      stream?.destroy();
    }
    return { file: this.file, bytes: this.bytes, digest: `sha256:${this.hash.digest('hex')}`, omittedBytes: this.omitted, problem: this.problem };
  }
}
