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
