// A DuckDB file's write-ahead log: DuckDB reads it in with the file, so a copy of the file alone would lose what is only there.
import fs from 'node:fs';

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
