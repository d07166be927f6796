// A DuckDB file's write-ahead log: DuckDB reads it in with the file, so a copy of the file alone would lose what is only there.
import fs from 'node:fs';
import { sniffFileFormat } from './file-format.js';

/** A non-empty `<file>.wal` beside a DuckDB file; DuckDB leaves an empty one behind at times, which holds nothing. */
export function walBeside(file: string): { file: string; bytes: number } | undefined {
  try {
    const stat = fs.statSync(`${file}.wal`);
    return stat.isFile() && stat.size > 0 ? { file: `${file}.wal`, bytes: stat.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why `file` must not be copied now, when a log is beside it; undefined when there is none. `since` tells when it
 * appeared (" now", for a check made again as the copy runs).
 */
export function walRefusal(file: string, since = ''): string | undefined {
  const wal = walBeside(file);
  return wal
    ? `${file} has a write-ahead log beside it${since} (${wal.file}, ${wal.bytes} bytes): a copy of the file alone would lose what is only in the log. Checkpoint it first (open it read-write with DuckDB and run CHECKPOINT), then propose the plan again`
    : undefined;
}

/**
 * Whether the log begins as every log DuckDB writes does: its first entry, the WAL_VERSION (98) entry, serialized as
 * field 100 holding that type. DuckDB reads nothing from a file at the log's path that does not (random bytes, another
 * format): it opens the database as of its last checkpoint, silently, and its next checkpoint removes the file.
 */
export function walHasDuckdbHeader(walFile: string): boolean {
  const head = Buffer.alloc(3);
  let fd: number | undefined;
  try {
    fd = fs.openSync(walFile, 'r');
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(walVersionEntry);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Field 100 (0x64, little-endian) holding WAL_VERSION (98, 0x62): the first bytes of DuckDB's logs since 0.10. */
const walVersionEntry = Buffer.from([0x64, 0x00, 0x62]);

/**
 * What a file at a log's path that does not begin as a log is, said beside that: " (it is a DuckDB database file, not a
 * log)", " (it looks like a text file)"; '' when nothing tells (random bytes). Its content is never shown, as for any
 * file sniffed. `database`: it is a whole DuckDB database file, perhaps the database itself under the log's name.
 */
export function notALog(walFile: string): { said: string; database: boolean } {
  try {
    const format = sniffFileFormat(walFile);
    if (format.duckdb) return { said: ' (it is a DuckDB database file, not a log)', database: true };
    return { said: format.looksLike === undefined || format.looksLike === 'an unknown format' ? '' : ` (it looks like ${format.looksLike})`, database: false };
  } catch {
    return { said: '', database: false };
  }
}
