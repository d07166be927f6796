// Opens a DuckDB file read-only and tells apart missing, locked (busy), corrupt and healthy, never creating the file.
import fs from 'node:fs';
import path from 'node:path';
import { accessProblem } from '../disk/access-said.js';
import { endsEarly } from './ends-early.js';
import { sniffFileFormat } from './file-format.js';
import { otherLockHolders, type LockHolder } from './lock-holders.js';
import { openDatabase, type OpenDatabase } from './open.js';
import { newestDays, type MartDate, type NewestDay } from './newest-days.js';
import { readAllHere } from './read-here.js';
import { runsDatabox } from '../process/databox-program.js';

export type OpenStatus = 'ok' | 'missing' | 'dangling-link' | 'not-a-file' | 'wal-not-a-file' | 'empty-file' | 'not-duckdb' | 'locked' | 'corrupt' | 'wal-damaged' | 'unreadable';

export interface OpenResult {
  status: OpenStatus;
  /** DuckDB's own error text, or what was found. */
  message: string;
  /** The process holding the lock, when DuckDB names it. */
  holderPid?: number;
  holder?: string;
  /** Held by a process that opened the file read-only, not by a writer. */
  heldReadOnly?: boolean;
  /** What a file that is not DuckDB's format looks like ("a SQLite database", "an empty file" …). */
  looksLike?: string;
  /** Where a symbolic link at the path points, when what it points at does not exist. */
  linkTarget?: string;
  /** Opened: the schemas that hold its tables, sorted (another project's file gives itself away by them). */
  schemas?: string[];
  /** Corrupt, and DuckDB read past where the file ends: that it is cut short, in the operator's words (ends-early.ts). */
  endsEarly?: string;
  /** A log that fails to replay as one written by another database does: what it does that the file's own never would. */
  foreignLog?: string;
  /** Opened, and asked for (newestOf): each mart's newest date, read in the same open. */
  newest?: NewestDay[];
}

/** The probe of each file under way in this process: a second waits for the first (see walAloneIsDamaged's link). */
const probing = new Map<string, Promise<OpenResult>>();

/**
 * One probe of a file at a time in this process (the watcher's and a diagnosis' may meet): a damaged log is probed
 * through a link folder beside the file, which a second probe at the same moment must not find half-made.
 */
export function probeOpen(filePath: string, newestOf: readonly MartDate[] = []): Promise<OpenResult> {
  const key = path.resolve(filePath);
  const before = probing.get(key) ?? Promise.resolve(undefined);
  const probe = before.catch(() => undefined).then(() => probeOpenNow(filePath, newestOf));
  probing.set(key, probe);
  const forget = () => {
    if (probing.get(key) === probe) probing.delete(key);
  };
  probe.then(forget, forget);
  return probe;
}

async function probeOpenNow(filePath: string, newestOf: readonly MartDate[]): Promise<OpenResult> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return nothingAt(filePath);
    // A folder this process may not look into (EACCES) hides a file that may well be there: never "missing".
    const access = accessProblem(filePath, error as NodeJS.ErrnoException);
    if (access) return { status: 'unreadable', message: access };
    return { status: 'unreadable', message: `cannot look at ${filePath}: ${(error as Error).message.split(',')[0]} (this process runs as uid ${process.getuid?.() ?? '?'})` };
  }
  if (!stat.isFile()) return { status: 'not-a-file', message: `${filePath} is ${whatIsThere(stat)}, not a file` };
  // Not another format: nothing at all, as a copy that failed or a disk that filled up leaves a file.
  if (stat.size === 0) return { status: 'empty-file', message: `${filePath} is empty (0 bytes): truncated to nothing, as a failed copy or a full disk leaves a file` };
  // The header is read first: DuckDB handed a SQLite or Parquet file reaches for an extension to read it.
  let format;
  try {
    format = sniffFileFormat(filePath);
  } catch (error) {
    const access = accessProblem(filePath, error as NodeJS.ErrnoException);
    return access ? { status: 'unreadable', message: access } : classifyOpenError((error as Error).message);
  }
  if (!format.duckdb) {
    return {
      status: 'not-duckdb',
      message: `${filePath} is not a DuckDB database file: it looks like ${format.looksLike} (${format.evidence}, ${stat.size} bytes)`,
      looksLike: format.looksLike,
    };
  }
  // DuckDB would call it not a database file at all: the headers after the main one say whose it is.
  if (format.damagedMainHeader) {
    return { status: 'corrupt', message: `${filePath} is a DuckDB database file whose main header, its first 4 KiB, is damaged: ${format.damagedMainHeader} (${stat.size} bytes)` };
  }
  const walThere = walNotAFile(filePath);
  if (walThere) return { status: 'wal-not-a-file', message: walThere };
  let database: OpenDatabase | undefined;
  try {
    database = await openDatabase(filePath, false);
    await readAllHere(database.connection, 'SELECT 1');
    const schemas = await readAllHere(database.connection, 'SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1');
    const newest = newestOf.length > 0 ? { newest: await newestDays(database.connection, newestOf) } : {};
    return { status: 'ok', message: `opened read-only and ran SELECT 1 (${stat.size} bytes)`, schemas: schemas.map((row) => String(row[0])), ...newest };
  } catch (error) {
    const classified = classifyOpenError((error as Error).message);
    // A log that does not fit the file's catalog is no damage to DuckDB ("already exists"): the file alone is tried too.
    const replay = /replaying WAL file/i.test(classified.message) && (classified.status === 'corrupt' || foreignLogSign(classified.message) !== undefined);
    const walAlone = replay ? await walAloneIsDamaged(filePath, classified.message) : undefined;
    if (walAlone || classified.status !== 'corrupt') return walAlone ?? classified;
    const early = endsEarly(filePath, [classified.message]);
    return early ? { ...classified, endsEarly: early } : classified;
  } finally {
    database?.close();
  }
}

const linkFolderPrefix = '.databox-without-wal-';

/** The process that made a link folder (its name carries the PID), while it runs: its probe may be under way. */
function ownerRunning(name: string): boolean {
  const pid = Number(/^\.databox-without-wal-(\d+)-/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A probe's folders a bot stopped mid-probe left beside the file: a link to this very file (the same inode) is removed,
 * which loses nothing while the file is there under its own name; anything else in them is left as it is. A folder of
 * a process still running is its probe under way (the bot and a terminal may probe at once): left alone.
 */
function removeLeftLinks(filePath: string): void {
  const folder = path.dirname(filePath);
  const inode = fs.statSync(filePath).ino;
  for (const name of fs.readdirSync(folder).filter((n) => n.startsWith(linkFolderPrefix) && !ownerRunning(n))) {
    const left = path.join(folder, name);
    for (const entry of fs.readdirSync(left)) {
      const linked = path.join(left, entry);
      if (fs.lstatSync(linked).ino === inode) fs.unlinkSync(linked);
    }
    if (fs.readdirSync(left).length === 0) fs.rmdirSync(left);
  }
}

/**
 * Whether the file opens without its write-ahead log, when replaying the log is what failed: then only the log is
 * damaged, and the file as of its last checkpoint is there. DuckDB looks for the log beside the real path of what it
 * opens (a symbolic link is resolved), so the file is opened through a hard link in a folder of its own beside it,
 * which is removed after (the link only: the file is the same file). Undefined when that cannot be told.
 */
async function walAloneIsDamaged(filePath: string, message: string): Promise<OpenResult | undefined> {
  let dir: string | undefined;
  let database: OpenDatabase | undefined;
  try {
    removeLeftLinks(filePath);
    dir = fs.mkdtempSync(path.join(path.dirname(filePath), `${linkFolderPrefix}${process.pid}-`));
    const link = path.join(dir, path.basename(filePath));
    fs.linkSync(filePath, link);
    database = await openDatabase(link, false);
    await readAllHere(database.connection, 'SELECT 1');
    const wal = `${filePath}.wal`;
    const size = fs.statSync(wal).size;
    const without = `Without its write-ahead log, ${filePath} opens read-only as of its last checkpoint and SELECT 1 succeeds`;
    const foreign = foreignLogSign(message);
    return foreign
      ? {
          status: 'wal-damaged',
          message: `${message}\n${without}: what fails to replay is ${wal} (${size} bytes), and ${foreign}, which the file's own log never does: it is possibly another database's log, left beside this file (a file put in place by hand keeps the old one's .wal), not this file's writes since that checkpoint`,
          foreignLog: foreign,
        }
      : {
          status: 'wal-damaged',
          message: `${message}\n${without}: what is damaged is ${wal} (${size} bytes), which holds the writes since that checkpoint`,
        };
  } catch {
    // A folder the bot cannot write in, a file system without hard links, or the file itself damaged: said as before.
    return undefined;
  } finally {
    database?.close();
    // The link only: the file is there under its own name.
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a log that fails to replay does that the file's own log never would, by DuckDB's error; undefined for any other
 * failure. A sign, not proof: nothing in a log says whose it is, and one whose writes fit the file's catalog replays into
 * it, whoever wrote it.
 */
export function foreignLogSign(message: string): string | undefined {
  // DuckDB 1.5 fails to name a table it cannot find while it replays with this internal error instead.
  if (/GetDefaultDatabase with no default database set/i.test(message)) return 'it writes to a table this file does not have';
  if (/with name .+ already exists/i.test(message)) return 'it creates a table or schema this file already has';
  return undefined;
}

/**
 * Another process's lock on a file that opened read-only: a DuckDB opened read-only elsewhere shares the file with the
 * probe, but every process that writes (each Dagster run, dlt, SQLMesh) is refused while it stays open, and a recovery
 * that moves the file would move it from under that process. databox-bot's own reads (another diagnosis, the bot's
 * watcher) are not counted: each lasts a moment, and diagnoses run at once by design (ownReadersNote says them).
 */
export function heldByAnother(filePath: string, holders: readonly LockHolder[] = otherLockHolders(filePath)): OpenResult | undefined {
  const holder = holders.find((found) => !isOwnReader(found));
  if (!holder) return undefined;
  const who = holder.pid > 0 ? `PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : 'a process (an open-file-description lock, which names no PID)';
  const how = holder.access === 'read' ? 'open read-only' : 'locked';
  return {
    status: 'locked',
    message: `${who} holds ${filePath} ${how}: the file opens read-only, but DuckDB refuses every process that writes (each Dagster run, dlt, SQLMesh) until it closes`,
    holderPid: holder.pid > 0 ? holder.pid : undefined,
    holder: holder.command || undefined,
    heldReadOnly: holder.access === 'read',
  };
}

/** A read-only holder that is databox-bot's own bot or CLI (databox-program.ts). */
function isOwnReader(holder: LockHolder): boolean {
  return holder.access === 'read' && holder.pid > 0 && runsDatabox(holder.pid);
}

/**
 * The line saying that databox-bot's own processes had the file open read-only beside this one's read, which went
 * through; undefined when none did.
 */
export function ownReadersNote(filePath: string, holders: readonly LockHolder[]): string | undefined {
  const own = holders.filter(isOwnReader);
  if (own.length === 0) return undefined;
  const who = own.map((holder) => `PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`).join(', ');
  return `also open read-only at that moment in databox-bot's own ${who}: another diagnosis or the bot's watcher, reading ${filePath} beside this one, not holding it`;
}

/** What is at a path where a file should be and none is (nothing, or a link to nothing); undefined when something is there. */
export function absentFile(filePath: string): OpenResult | undefined {
  try {
    fs.statSync(filePath);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? nothingAt(filePath) : undefined;
  }
}

/** A path with nothing behind it: a link to nothing is said as one, else the path does not exist. */
function nothingAt(filePath: string): OpenResult {
  return danglingLink(filePath) ?? { status: 'missing', message: `${filePath} does not exist` };
}

/**
 * A symbolic link whose target does not exist: the file is most likely behind it still (a volume not mounted), and
 * anything that creates the database at the path would write through the link, into wherever it points.
 */
function danglingLink(filePath: string): OpenResult | undefined {
  let linkTarget: string;
  try {
    if (!fs.lstatSync(filePath).isSymbolicLink()) return undefined;
    linkTarget = fs.readlinkSync(filePath);
  } catch {
    return undefined;
  }
  const resolved = path.resolve(path.dirname(filePath), linkTarget);
  return {
    status: 'dangling-link',
    message: `${filePath} is a symbolic link to ${resolved}, which does not exist (a volume not mounted, or a link left pointing at an old place)`,
    linkTarget: resolved,
  };
}

/**
 * What is at the database's write-ahead log path when it is not a file (a directory, a pipe), said plainly: DuckDB names
 * it only inside an error that reads like damage or a permission. undefined when a file or nothing is there.
 */
export function walNotAFile(filePath: string): string | undefined {
  const walThere = notAFileAt(`${filePath}.wal`);
  return walThere && `${filePath}.wal, where DuckDB reads and writes the database's write-ahead log, is ${walThere}, not a file`;
}

/** What is at a path where a file may be, when it is something else (a directory …); undefined for a file or nothing. */
function notAFileAt(filePath: string): string | undefined {
  try {
    const stat = fs.statSync(filePath);
    return stat.isFile() ? undefined : whatIsThere(stat);
  } catch {
    // Nothing there, or nothing this process may look at: DuckDB's own open says the rest.
    return undefined;
  }
}

function whatIsThere(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSocket()) return 'a socket';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return 'a device';
  return 'something other than a regular file';
}

/** Whether DuckDB's error names a known sign of damage, and nothing that makes a healthy file fail (memory, permissions, a version). */
export function isDamage(message: string): boolean {
  return damage.test(message) && !notDamage.test(message);
}

/** What DuckDB says about a damaged file: a foreign or cut-short header, a failed checksum, a block it cannot read. */
const damage = /not a valid DuckDB database file|could not read enough bytes|checksum|corrupt|could not read from file|invalid block|unexpected end of file|INTERNAL Error|Serialization Error/i;
/** Reasons a healthy file may not open: permissions, a storage version from another DuckDB, memory. */
const notDamage = /permission denied|read-only file system|version number|storage version|newer version|older version|out of memory|too many open files|is a directory/i;

/**
 * Locked, corrupt, or unreadable for another reason. Only a known sign of damage counts as corrupt: that verdict
 * offers to move the file aside, which must not happen to a healthy file another DuckDB version wrote.
 */
export function classifyOpenError(message: string): OpenResult {
  if (/could not set lock|conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    const holder = /held in (.+?) \(PID/.exec(message)?.[1];
    return { status: 'locked', message, holderPid: pid ? Number(pid) : undefined, holder };
  }
  if (isDamage(message)) return { status: 'corrupt', message };
  return { status: 'unreadable', message };
}
