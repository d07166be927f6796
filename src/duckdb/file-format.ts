// Tells from a file's first bytes whether it is a DuckDB database, and if not, what it looks like.
import fs from 'node:fs';
import { duckdbChecksum } from './block-checksums.js';

export interface FileFormat {
  /** DuckDB's format: its magic, or (damagedMainHeader) its database headers; not whether DuckDB can open it. */
  duckdb: boolean;
  /** What the file looks like when it is not DuckDB's format: "a SQLite database", "a Parquet file", "an empty file" … */
  looksLike?: string;
  /** Why: the bytes that gave it away. */
  evidence?: string;
  /**
   * A DuckDB file whose main header is damaged (its "DUCK" magic overwritten), told by the database headers after it,
   * which still carry DuckDB's own checksums: what was found, said as evidence of damage, not of another format.
   */
  damagedMainHeader?: string;
}

/** DuckDB's main header: an 8-byte checksum, then the magic bytes "DUCK". */
const duckdbMagicOffset = 8;
/** The main header and DuckDB's two database headers, 4 KiB each, each led by the checksum of the rest of it. */
const headerBytes = 4_096;
const sniffBytes = 3 * headerBytes;

/** Which of the two database headers (after the main one) hold the checksum DuckDB wrote for them. */
function intactDatabaseHeaders(head: Buffer): number[] {
  return [1, 2].filter((index) => {
    const header = head.subarray(index * headerBytes, (index + 1) * headerBytes);
    if (header.length < headerBytes || header.subarray(8).every((byte) => byte === 0)) return false;
    const { high, low } = duckdbChecksum(header.subarray(8));
    return header.readUInt32LE(0) === low && header.readUInt32LE(4) === high;
  });
}

const signatures: { looksLike: string; offset: number; bytes: Buffer; name: string }[] = [
  { looksLike: 'a SQLite database', offset: 0, bytes: Buffer.from('SQLite format 3\0', 'latin1'), name: '"SQLite format 3"' },
  { looksLike: 'a Parquet file', offset: 0, bytes: Buffer.from('PAR1'), name: '"PAR1"' },
  // A backup kept compressed, copied into place as it is: said, with how to get the database out of it.
  { looksLike: 'a gzip archive, perhaps a compressed copy of a database (`gunzip -c` it into a file of its own)', offset: 0, bytes: Buffer.from([0x1f, 0x8b]), name: '1f 8b' },
  { looksLike: 'a zip archive', offset: 0, bytes: Buffer.from('PK\x03\x04', 'latin1'), name: '"PK"' },
  { looksLike: 'a zstd archive, perhaps a compressed copy of a database (`zstd -dc` it into a file of its own)', offset: 0, bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), name: '28 b5 2f fd' },
  { looksLike: 'a tar archive', offset: 257, bytes: Buffer.from('ustar'), name: '"ustar" at byte 257' },
  { looksLike: 'an Arrow IPC file', offset: 0, bytes: Buffer.from('ARROW1'), name: '"ARROW1"' },
];

/** Reads at most the first 12 KiB: never the whole file, and never through DuckDB (which may reach for extensions). */
export function sniffFileFormat(filePath: string): FileFormat {
  const header = Buffer.alloc(sniffBytes);
  const fd = fs.openSync(filePath, 'r');
  let length: number;
  try {
    length = fs.readSync(fd, header, 0, sniffBytes, 0);
  } finally {
    fs.closeSync(fd);
  }
  const head = header.subarray(0, length);
  if (length === 0) return { duckdb: false, looksLike: 'an empty file', evidence: '0 bytes' };
  if (head.subarray(duckdbMagicOffset, duckdbMagicOffset + 4).toString('latin1') === 'DUCK') return { duckdb: true };
  const intact = intactDatabaseHeaders(head);
  if (intact.length > 0) {
    const starts = head.subarray(0, 16).toString('hex').replace(/(..)/g, '$1 ').trim();
    return {
      duckdb: true,
      damagedMainHeader: `no "DUCK" magic at byte ${duckdbMagicOffset} (it starts with ${starts}), but ${intact.length === 2 ? 'both database headers after it carry' : `the database header at byte ${intact[0]! * headerBytes} carries`} DuckDB's own checksum`,
    };
  }
  for (const signature of signatures) {
    if (head.subarray(signature.offset, signature.offset + signature.bytes.length).equals(signature.bytes)) {
      return { duckdb: false, looksLike: signature.looksLike, evidence: `it starts with ${signature.name}` };
    }
  }
  // The text itself is never shown: anyone who may type a backup path could name any file the bot can read (its .env).
  if (looksLikeText(head)) return { duckdb: false, looksLike: 'a text file', evidence: 'it starts with text, not shown here' };
  return { duckdb: false, looksLike: 'an unknown format', evidence: `no "DUCK" magic at byte ${duckdbMagicOffset}; it starts with ${head.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim()}` };
}

/** Valid UTF-8 without NUL or other control characters (tabs and line ends aside). */
function looksLikeText(head: Buffer): boolean {
  // A multi-byte character cut at the end of what was read is not evidence of binary data.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const replaced = (text.match(/\uFFFD/g) ?? []).length;
  if (replaced > 1) return false;
  return !/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text);
}
