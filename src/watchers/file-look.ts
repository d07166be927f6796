// What a DuckDB file looks like from outside, to tell it unchanged since a watcher last opened it without opening it.
import fs from 'node:fs';
import { damageNoted } from '../duckdb/damage-seen.js';

/**
 * Its inode, size, write and change times to the nanosecond, its log's the same, and the damage other readers found in
 * it; undefined when it cannot be looked at. The same again, a watcher need not open it: each read-only open can refuse
 * a process of the stack that opens it to write at that moment. Damage written in place with its write time put back
 * (touch -r) still moves the change time, which only the clock sets; a reader that found the file damaged is heard.
 */
export function fileLook(file: string): string | undefined {
  try {
    const identity = (stat: fs.BigIntStats) => `${stat.dev}/${stat.ino}/${stat.size}/${stat.mtimeNs}/${stat.ctimeNs}`;
    const stat = fs.statSync(file, { bigint: true });
    const wal = fs.statSync(`${file}.wal`, { bigint: true, throwIfNoEntry: false });
    return `${identity(stat)} ${wal ? identity(wal) : 'no log'} ${damageNoted(file)}`;
  } catch {
    return undefined;
  }
}
