// Checks DuckDB's own checksum of the blocks a full read of every table does not reach (an index, DuckDB's metadata,
// space it freed): a damaged index block reads as healthy until a write or a key lookup reaches it.
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quotedName } from './quoted-name.js';
import { readAllHere } from './read-here.js';

/** DuckDB's file starts with a main header and two database headers of 4 KiB each; block 0 comes after them. */
const fileHeaderBytes = 3 * 4_096;
/** Each block starts with its checksum: 8 bytes, over the rest of the block. */
const checksumBytes = 8;

export interface FailedBlock {
  block: number;
  /** The block's first byte in the file. */
  offset: number;
  /** The file ends before the block does. */
  missing?: boolean;
}

export interface BlockCheck {
  /** The blocks checked: every block of the file no table's rows are read from. */
  checked: number;
  failed: FailedBlock[];
  /** Blocks DuckDB counts as free: a failed block may be one of them, left torn by a write cut short. */
  freeBlocks: number;
  /**
   * Blocks past the end of the file, no more of them than the free ones: the free tail a checkpoint cuts off after it
   * has written the header that still counts them. Not failures.
   */
  pastEnd: number;
  /** The failed blocks are few enough to all be free ones, which DuckDB never reads: the check cannot tell. */
  mayBeFree: boolean;
  /** Why the check was not made (a block layout the bot does not know: an encrypted file, another DuckDB version). */
  skipped?: string;
}

export interface TableName {
  schema: string;
  table: string;
}

/** 0xbf58476d1ce4e5b9, DuckDB's checksum multiplier, as 32-bit halves: the product is taken modulo 2^64. */
const multiplierHigh = 0xbf58476d;
const multiplierLow = 0x1ce4e5b9;

/** The high 32 bits of the 64-bit product of two unsigned 32-bit numbers, in 16-bit pieces so no double loses a bit. */
function multiplyHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16)) >>> 0;
}

/**
 * DuckDB's block checksum (src/common/checksum.cpp): 5381, XORed with each little-endian 64-bit word times the
 * multiplier. A block's payload is a whole number of words, so DuckDB's string hash of a remainder never applies here.
 */
export function duckdbChecksum(payload: Buffer): { high: number; low: number } {
  let high = 0;
  let low = 5381;
  const words = new DataView(payload.buffer, payload.byteOffset, payload.byteLength - (payload.byteLength % 8));
  for (let at = 0; at < words.byteLength; at += 8) {
    const wordLow = words.getUint32(at, true);
    const wordHigh = words.getUint32(at + 4, true);
    low ^= Math.imul(wordLow, multiplierLow) >>> 0;
    high ^= (multiplyHigh(wordLow, multiplierLow) + Math.imul(wordLow, multiplierHigh) + Math.imul(wordHigh, multiplierLow)) >>> 0;
  }
  return { high: high >>> 0, low: low >>> 0 };
}

/** The blocks each table's rows are kept in, as DuckDB reports them; a table whose storage cannot be listed adds none. */
async function tableBlocks(connection: DuckDBConnection, tables: readonly TableName[], stopped: () => boolean): Promise<Set<number>> {
  const blocks = new Set<number>();
  for (const { schema, table } of tables) {
    if (stopped()) break;
    const name = quotedName(schema, table).replace(/'/g, "''");
    try {
      const rows = await readAllHere(
        connection,
        `SELECT DISTINCT b FROM (SELECT block_id AS b FROM pragma_storage_info('${name}') UNION ALL SELECT unnest(additional_block_ids) FROM pragma_storage_info('${name}')) WHERE b >= 0`,
        stopped,
      );
      for (const [block] of rows) blocks.add(Number(block));
    } catch {
      // DuckDB's pragma cannot parse some quoted names ("a""b"): that table's blocks are checked too, which only costs time.
    }
  }
  return blocks;
}

/** Whether block `block` of the open file holds the checksum DuckDB wrote for it; undefined when the file ends first. */
function blockMatches(fd: number, buffer: Buffer, block: number): boolean | undefined {
  const read = fs.readSync(fd, buffer, 0, buffer.length, fileHeaderBytes + block * buffer.length);
  if (read < buffer.length) return undefined;
  const { high, low } = duckdbChecksum(buffer.subarray(checksumBytes));
  return buffer.readUInt32LE(0) === low && buffer.readUInt32LE(4) === high;
}

/**
 * Checks every block of `filePath` (open in `connection`, read-only) that `tables` do not keep rows in. Called once every
 * table has read in full, so the blocks skipped have passed DuckDB's own checksum. Yields between blocks, so a timeout
 * or an abort (`stopped`) ends it.
 */
export async function checkUnreadBlocks(filePath: string, connection: DuckDBConnection, tables: readonly TableName[], stopped: () => boolean): Promise<BlockCheck> {
  const [sizes] = await readAllHere(connection, `SELECT block_size, total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()`, stopped);
  const [blockSize, totalBlocks, freeBlocks] = (sizes ?? []).map(Number) as [number, number, number];
  const unknownLayout = (why: string): BlockCheck => ({ checked: 0, failed: [], freeBlocks, pastEnd: 0, mayBeFree: false, skipped: `this file's block layout is not the one the bot knows (${why}), so blocks no table is read from were not checked` });
  if (!(blockSize > checksumBytes) || blockSize % 8 !== 0) return unknownLayout(`block size ${blockSize}`);
  const read = await tableBlocks(connection, tables, stopped);
  const fd = fs.openSync(filePath, 'r');
  try {
    const buffer = Buffer.alloc(blockSize);
    // Blocks DuckDB has just read without complaint must match: if they do not, the bot's reading of the layout is wrong.
    const known = [...read].filter((block) => block < totalBlocks).slice(0, 2);
    if (known.some((block) => blockMatches(fd, buffer, block) !== true)) return unknownLayout('blocks DuckDB read without complaint do not match their checksums as the bot computes them');
    const failed: FailedBlock[] = [];
    let checked = 0;
    for (let block = 0; block < totalBlocks && !stopped(); block += 1) {
      if (read.has(block)) continue;
      const matches = blockMatches(fd, buffer, block);
      checked += 1;
      if (matches !== true) failed.push({ block, offset: fileHeaderBytes + block * blockSize, ...(matches === undefined ? { missing: true } : {}) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (known.length === 0 && checked > 0 && failed.length === checked) return unknownLayout('no block of the file matches its checksum as the bot computes it');
    const missing = failed.filter((f) => f.missing).length;
    const pastEnd = missing <= freeBlocks ? missing : 0;
    const damaged = pastEnd > 0 ? failed.filter((f) => !f.missing) : failed;
    return { checked, failed: damaged, freeBlocks, pastEnd, mayBeFree: damaged.length > 0 && damaged.length <= freeBlocks - pastEnd };
  } finally {
    fs.closeSync(fd);
  }
}
