// The journal's head: the last line written, kept beside the journal, so lines cut from its end do not go unnoticed.
import fs from 'node:fs';
import type { JournalRecord, VerifyResult } from './record.js';

export interface JournalHead {
  seq: number;
  hash: string;
}

export function headFile(journalFile: string): string {
  return `${journalFile}.head`;
}

/** Written after every append: a temporary file renamed over the old one, so a crash leaves one or the other whole. */
export function writeHead(journalFile: string, record: JournalRecord): void {
  const file = headFile(journalFile);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, JSON.stringify({ seq: record.seq, hash: record.hash }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

let headWrites = 0;

/**
 * The same, off the event loop (the fsync runs in libuv's thread pool); callers chain these so one runs at a time. Written
 * late, it never puts an older head back: one that a synchronous append (here or in another process) wrote meanwhile.
 */
export async function writeHeadAsync(journalFile: string, record: JournalRecord): Promise<void> {
  const file = headFile(journalFile);
  const temporary = `${file}.${process.pid}-${(headWrites += 1)}.tmp`;
  const handle = await fs.promises.open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify({ seq: record.seq, hash: record.hash }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  if ((readHead(journalFile)?.seq ?? 0) >= record.seq) {
    await fs.promises.rm(temporary, { force: true });
    return;
  }
  await fs.promises.rename(temporary, file);
}

export function readHead(journalFile: string): JournalHead | undefined {
  try {
    const head = JSON.parse(fs.readFileSync(headFile(journalFile), 'utf8')) as JournalHead;
    return typeof head.seq === 'number' && typeof head.hash === 'string' ? head : undefined;
  } catch {
    return undefined;
  }
}

/** Adds a problem when the journal ends before the last line the head says was written, or that line differs. */
export function checkHead(result: VerifyResult, head: JournalHead | undefined): VerifyResult {
  if (result.problem || !head) return result;
  const last = result.records.at(-1);
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < head.seq) {
    return { ...result, intactCount: result.records.length, problem: { line: lastSeq + 1, reason: `the journal ends at line ${lastSeq}, but line ${head.seq} was written: lines were removed from its end` } };
  }
  const written = result.records.find((r) => r.seq === head.seq);
  if (written && written.hash !== head.hash) {
    return { ...result, intactCount: head.seq - 1, problem: { line: head.seq, reason: 'this line differs from the one written there (the journal was rewritten from here on)' } };
  }
  return result;
}
