// Tells a DuckDB file cut short from DuckDB's own read errors: it asked for bytes past where the file now ends.
import fs from 'node:fs';
import path from 'node:path';

/**
 * DuckDB's error for a read the file is too short for, as DuckDB 1.x words it: `IO Error: Could not read enough bytes
 * from file "<path>": attempted to read <n> bytes from location <offset>` (a header or block past the file's end).
 */
const shortRead = /Could not read enough bytes from file "(.*)": attempted to read (\d+) bytes from location (\d+)/g;

/**
 * "the file ends early: …" when one of DuckDB's errors read past the end of `filePath` as it is now (a copy or a write
 * that stopped part-way leaves the header counting blocks the file no longer has); undefined when none did, when the
 * read was of another file (its write-ahead log), or when the file cannot be looked at.
 */
export function endsEarly(filePath: string, errors: readonly string[]): string | undefined {
  let size: number;
  try {
    size = fs.statSync(filePath).size;
  } catch {
    return undefined;
  }
  // The file may be read through a link of another folder (a probe without its log): its name is the same. Read through
  // a symbolic link, DuckDB names the file the link points at, under that file's own name.
  const names = new Set([path.basename(filePath), path.basename(realPathOf(filePath))]);
  const readTo = errors
    .flatMap((error) => [...error.matchAll(shortRead)])
    .filter((match) => names.has(path.basename(match[1] as string)))
    .map((match) => Number(match[3]) + Number(match[2]));
  const furthest = Math.max(0, ...readTo);
  if (furthest <= size) return undefined;
  return `the file ends early: ${grouped(size)} bytes, where DuckDB reads on to byte ${grouped(furthest)}: cut short (a copy or a disk-full write stopped part-way?)`;
}

const grouped = (n: number) => n.toLocaleString('en');

/** Where `filePath` leads once every symbolic link on the way is followed; the path itself when that cannot be told. */
function realPathOf(filePath: string): string {
  try {
    return fs.realpathSync(filePath);
  } catch {
    return filePath;
  }
}
