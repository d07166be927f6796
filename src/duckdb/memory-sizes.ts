// Memory sizes for DuckDB: its notation in bytes, the memory it sees on this host, and the largest block pool it takes.
import os from 'node:os';

const sizeUnits: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
/** The part of DuckDB's notation the bot takes: a number and a unit, where MB is 1,000,000 bytes and MiB 2^20, as in DuckDB. */
export const sizePattern = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** "256MB" in bytes; undefined for what is not a size in `sizePattern`'s notation. */
export function sizeInBytes(text: string): number | undefined {
  const size = sizePattern.exec(text.trim());
  return size ? Number(size[1]) * (sizeUnits[(size[2] as string).toLowerCase()] as number) : undefined;
}

export interface HostMemory {
  bytes: number;
  /** A cgroup (a container's --memory, a systemd MemoryMax) limits this process to less than the host has. */
  cgroup: boolean;
}

/**
 * The memory this process may use, as DuckDB counts it: the host's, or its cgroup's limit when lower. Node says "no
 * limit" as 0 (Node 22) or as 2^64 − 1 (Node 20, where cgroup v2's memory.max is "max").
 */
export function hostMemory(): HostMemory {
  const total = os.totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? { bytes: constrained, cgroup: true } : { bytes: total, cgroup: false };
}

/**
 * The largest block_allocator_memory DuckDB takes here. It reserves its block pool for 80% of the memory it sees (its
 * default memory_limit), and a larger block_allocator_memory aborts the whole process at the open ("Attempted to
 * dereference unique_ptr that is NULL!", exit 134): measured with @duckdb/node-api 1.5.6 on a 23.5 GiB host, 18.8 GiB
 * opens, anything a block (256 KiB) beyond it aborts, whatever memory_limit is.
 */
export function largestBlockPool(): number {
  return Math.floor(hostMemory().bytes * 0.8);
}
