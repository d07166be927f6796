// The journal's head: the last line written, kept beside the journal, so lines cut from its end do not go unnoticed.
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../process/alive.js';
import { journalRepairCommand } from '../commands/paste-able.js';
import { editedWords, genesisHash, type JournalRecord, type VerifyProblem, type VerifyResult } from './record.js';
import { foundDirectory, missingHeadFound } from './head-missing.js';

export interface JournalHead {
  seq: number;
  hash: string;
}

export function headFile(journalFile: string): string {
  return `${journalFile}.head`;
}

/** Per head file: paced writes of it in flight in this process, and the newest head written synchronously meanwhile. */
const inFlight = new Map<string, { writes: number; newer?: JournalHead }>();

export interface HeadWriteOptions {
  /**
   * Only put over a head that is there and reads as one. A journal's writer never creates its head beside lines it
   * did not see begin: a head missing there was deleted (lines may have been cut with it), and writing one again would
   * hide that for good. It is created before a journal's first line, and by the acceptance of its absence (`journal repair`).
   */
  replaceOnly?: boolean;
  /** Not synced (the first head, written once on the event loop): lost only with the machine, and then the journal is refused, not trusted. */
  unsynced?: boolean;
}

/** Written after every append: a temporary file renamed over the old one, so a crash leaves one or the other whole. */
export function writeHead(journalFile: string, record: JournalHead, options: HeadWriteOptions = {}): void {
  const file = headFile(journalFile);
  const flying = inFlight.get(file);
  if (flying && (!flying.newer || flying.newer.seq < record.seq)) flying.newer = record;
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    try {
      fs.writeSync(fd, JSON.stringify({ seq: record.seq, hash: record.hash }));
      if (!options.unsynced) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    // Not written whole (a full disk): the empty or partial temporary is no use to anyone, and would stay till the next start.
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  try {
    // A directory there is no missing head to leave missing: nothing can be written there, which is said (see headPathBlocked).
    const blocked = headPathBlocked(journalFile);
    if (blocked) throw new HeadPathBlocked(blocked);
    if (options.replaceOnly && !readHeadQuietly(file)) {
      fs.rmSync(temporary, { force: true });
      throwIfUnreadable(file);
      return;
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    // Not put in place: no temporary left beside it either.
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** No head can be written at the head file's path (a directory there): its message says what to do. */
export class HeadPathBlocked extends Error {
  readonly code = 'EISDIR';
}

/**
 * Why no head can be written at the head file's path, when something there is not a file a head can replace (a
 * directory: a rename cannot put a file over it), and what to do; undefined otherwise, a missing head included.
 */
export function headPathBlocked(journalFile: string): string | undefined {
  return headIsDirectory(journalFile) ? `the journal's head file ${headFile(journalFile)} is a directory, not a file, so no head can be read or written there: ${headDirectoryFix(journalFile)}` : undefined;
}

function headIsDirectory(journalFile: string): boolean {
  try {
    return fs.lstatSync(headFile(journalFile), { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // A folder that cannot be looked into: the write itself says why.
    return false;
  }
}

/** What to do about a directory at the head's path: move it aside, then accept the missing head on the record. */
function headDirectoryFix(journalFile: string): string {
  const file = headFile(journalFile);
  return `move it aside (\`mv ${file} ${file}.aside\`), then \`${journalRepairCommand}\``;
}

/** The head a journal gets before its first line: none written yet, so a crash before the first head is not a lost head. */
export function writeFirstHead(journalFile: string): void {
  // One that reads is kept (a head of a journal cut to nothing is evidence); an empty or garbled one (a power cut after
  // an earlier first head) is replaced: the journal has no line it could hide.
  if (readHeadQuietly(headFile(journalFile))) return;
  // A crash of the bot keeps it (the page cache outlives the process); a power cut before it reached the disk leaves lines
  // with no head, which is refused as unverifiable until `journal repair`: never trusted wrongly.
  writeHead(journalFile, { seq: 0, hash: genesisHash }, { unsynced: true });
}

let headWrites = 0;

/** One step of a head write in libuv's thread pool, by callback: a FileHandle's promises cost the event loop more. */
function step<T>(run: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

/**
 * The same, off the event loop (every step in libuv's thread pool); callers chain these so one runs at a time. Written
 * late, it does not put an older head back over one a synchronous append wrote meanwhile: it checks before its rename,
 * and one written in this process during the few steps between that check and the rename is written again after it.
 * Against another process that window remains; a head that lags is only a hint, checked as far as it goes.
 */
export async function writeHeadAsync(journalFile: string, record: JournalRecord): Promise<void> {
  const file = headFile(journalFile);
  const flying = inFlight.get(file) ?? { writes: 0 };
  flying.writes += 1;
  inFlight.set(file, flying);
  try {
    await writeHeadIfNewer(journalFile, record);
  } finally {
    flying.writes -= 1;
    const newer = flying.newer;
    if (flying.writes === 0) inFlight.delete(file);
    // A synchronous write here (another journal of this process) between the check and the rename below may have been
    // replaced by this older head: it is put back. Another process's is not seen; a lagging head is only a hint.
    if (newer && newer.seq > record.seq && (readHeadQuietly(file)?.seq ?? 0) < newer.seq) writeHead(journalFile, newer, { replaceOnly: true });
  }
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** Throws the error of reading a head file there that this process may not read: it is not a missing head, and is not kept. */
function throwIfUnreadable(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
  } catch (error) {
    if (isPermissionError(error)) throw error;
  }
}

function readHeadQuietly(file: string): JournalHead | undefined {
  try {
    return parseHead(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function writeHeadIfNewer(journalFile: string, record: JournalRecord): Promise<void> {
  const file = headFile(journalFile);
  const temporary = `${file}.${process.pid}-${(headWrites += 1)}.tmp`;
  const fd = await step<number>((done) => fs.open(temporary, 'w', done));
  try {
    try {
      const text = JSON.stringify({ seq: record.seq, hash: record.hash });
      const written = await step<number>((done) => fs.write(fd, text, done));
      // A head cut short would read as no head at all: refused like a short journal write (is the disk full?).
      if (written !== Buffer.byteLength(text)) throw Object.assign(new Error(`only ${written} bytes of the head could be written (is the disk full?)`), { code: 'ESHORTWRITE' });
      await step<void>((done) => fs.fsync(fd, done));
    } finally {
      await step<void>((done) => fs.close(fd, done));
    }
  } catch (error) {
    // Not written whole (a full disk): removed, not left beside the head until the next start.
    await step<void>((done) => fs.rm(temporary, { force: true }, done));
    throw error;
  }
  const blocked = headPathBlocked(journalFile);
  if (blocked) {
    await step<void>((done) => fs.rm(temporary, { force: true }, done));
    throw new HeadPathBlocked(blocked);
  }
  let unreadable: unknown;
  const onDisk = await step<string>((done) => fs.readFile(file, 'utf8', done)).then(parseHead, (error: unknown) => {
    if (isPermissionError(error)) unreadable = error;
    return undefined;
  });
  // Only over a head that is there (see HeadWriteOptions): these are written after group commits, never the first.
  if (!onDisk || onDisk.seq >= record.seq) {
    await step<void>((done) => fs.rm(temporary, { force: true }, done));
    // One there that this process may not read is not a missing head left missing: the head is not kept, which is said.
    if (unreadable) throw unreadable;
    return;
  }
  await step<void>((done) => fs.rename(temporary, file, done));
}

/**
 * Removes the temporary head files of writers that are gone (an exit in the middle of a head write leaves one): each
 * holds only a head never put in place, a hint written again by the next write. A live writer's are left alone.
 */
export function removeLeftoverHeadTemporaries(journalFile: string): string[] {
  const prefix = `${path.basename(headFile(journalFile))}.`;
  const removed: string[] = [];
  for (const name of fs.readdirSync(path.dirname(journalFile))) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? /^(\d+)(?:-\d+)?$/.exec(name.slice(prefix.length, -'.tmp'.length))?.[1] : undefined;
    if (!pid || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    fs.rmSync(path.join(path.dirname(journalFile), name), { force: true });
    removed.push(name);
  }
  return removed;
}

export function readHead(journalFile: string): JournalHead | undefined {
  try {
    return parseHead(fs.readFileSync(headFile(journalFile), 'utf8'));
  } catch {
    return undefined;
  }
}

function parseHead(text: string): JournalHead | undefined {
  try {
    const head = JSON.parse(text) as JournalHead;
    return typeof head.seq === 'number' && typeof head.hash === 'string' ? head : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a journal with lines but no head cannot be verified to its end, and what to do. `found` is the record a writer
 * journaled when it first found no head (at line `at`; lines after it were written without a head).
 */
export function missingHeadReason(journalFile: string, found?: { at: number; directory: boolean }): string {
  const file = headFile(journalFile);
  // Said first and plainly, with what to do: the line named is where it was found, not the end, which moves.
  if (headIsDirectory(journalFile)) {
    const recorded = found ? ` (a writer found it so and recorded it at line ${found.at}; no line from it on has a head)` : '';
    return (
      `the journal's head file ${file} is a directory, not a file: no head can be read or written there${recorded}, so lines removed from the journal's end would not show and it cannot be verified to its end. ` +
      `To go on, ${headDirectoryFix(journalFile)} accepts the missing head on the record`
    );
  }
  const lines = (at: number) => `${at - 1} line${at === 2 ? '' : 's'}`;
  if (found?.directory) {
    return (
      `its head file ${file} was a directory when a writer found it so and recorded it at line ${found.at} (the journal had ${lines(found.at)}); it is not there now (moved aside?), and no head was written since, ` +
      `so lines removed from its end would not show: it cannot be verified to its end. Compare the journal's last lines with the incidents' threads before accepting it`
    );
  }
  const since = found ? ` (found missing when the journal had ${lines(found.at)}, as the record at line ${found.at} says; lines from it on were written without a head)` : '';
  return (
    `its head file ${file} is missing or unreadable${since}, so lines removed from its end would not show: it cannot be verified to its end. ` +
    `If the head file was moved, put it back; if not, compare the journal's last lines with the incidents' threads before accepting it`
  );
}

/**
 * A line whose hash does not fit, past the last record the head names: no line the bot wrote and edited since, as far as
 * the head tells, but one added after it (appended by hand, its hash not recomputed): said so, not "edited".
 */
function addedPastTheHead<R extends VerifyResult>(result: R, head: JournalHead | undefined): R {
  const problem = result.problem as VerifyProblem;
  const last = result.records.at(-1);
  if (!head || !last || last.seq < head.seq || !problem.reason.includes(editedWords)) return result;
  return { ...result, problem: { ...problem, reason: problem.reason.replace(editedWords, `(a line added after the last one the head file names, record ${head.seq})`) } };
}

/**
 * Adds a problem when the journal ends before the last line the head says was written, or that line differs, or when
 * it has lines and no head (deleted, perhaps with lines cut from the end; or a journal older than heads): a head is
 * written before a journal's first line, so a journal with lines always has one.
 */
export function checkHead<R extends VerifyResult>(result: R, head: JournalHead | undefined, journalFile: string): R {
  if (result.problem) return addedPastTheHead(result, head);
  if (!head) {
    const lines = result.lineCount ?? result.records.length;
    if (lines === 0) return result;
    // Named where a writer first found it (journaled then), not at the end, which moves as lines are appended.
    const found = missingHeadFound(result.records);
    const foundAt = found ? (result.lineOf?.get(found) ?? found.seq) : undefined;
    if (found && foundAt !== undefined) {
      const intactCount = result.records.indexOf(found);
      const problem = { line: foundAt, reason: missingHeadReason(journalFile, { at: foundAt, directory: foundDirectory(found) }), headMissing: true };
      return { ...result, records: result.records.slice(0, intactCount), intactCount, problem, afterTheDamage: result.records.slice(intactCount) };
    }
    return { ...result, intactCount: result.records.length, problem: { line: lines + 1, reason: missingHeadReason(journalFile), headMissing: true }, afterTheDamage: [] };
  }
  const last = result.records.at(-1);
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < head.seq) {
    // Where sequence numbers and lines differ (a line accepted as removed before), the problem is the line after the end.
    const end = result.lineCount ?? lastSeq;
    const ends = end === lastSeq ? `the journal ends at line ${lastSeq}` : `the journal ends at line ${end}, record ${lastSeq}`;
    const was = end === lastSeq ? `line ${head.seq}` : `record ${head.seq}`;
    return { ...result, intactCount: result.records.length, problem: { line: end + 1, reason: `${ends}, but ${was} was written: lines were removed from its end` }, afterTheDamage: [] };
  }
  const written = result.records.find((r) => r.seq === head.seq);
  if (written && written.hash !== head.hash) {
    // Verified no further than that line; and as the chain was hashed again to hold, the lines before it are not proven
    // either: the rewrite may have begun at any of them (rewritten says so, where the lines before would be called verified).
    const intactCount = result.records.indexOf(written);
    const line = result.lineOf?.get(written) ?? head.seq;
    const reason = `this line differs from the one written there (the journal was rewritten at or before line ${line}; where the rewrite began cannot be told)`;
    return { ...result, records: result.records.slice(0, intactCount), intactCount, problem: { line, reason, rewritten: true }, afterTheDamage: result.records.slice(intactCount) };
  }
  return result;
}
