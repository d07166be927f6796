// Tells a DuckDB database file by its header (the magic bytes "DUCK" after an 8-byte checksum), without opening it.
import fs from 'node:fs';

const magic = Buffer.from('DUCK');
const magicOffset = 8;

/** True when the file starts with DuckDB's header; reading 12 bytes costs nothing next to opening the database. */
export function hasDuckdbHeader(filePath: string): boolean {
  const header = Buffer.alloc(magicOffset + magic.length);
  let fd: number | undefined;
  try {
    fd = fs.openSync(filePath, 'r');
    const read = fs.readSync(fd, header, 0, header.length, 0);
    return read === header.length && header.subarray(magicOffset).equals(magic);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
