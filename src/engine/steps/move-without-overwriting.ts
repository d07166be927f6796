// Moves a file or directory aside without ever overwriting what is at the target: a taken name gets a timestamp suffix.
import fs from 'node:fs';
import { compactTimestamp } from '../../timestamps.js';
import { companionSuffix, companionSuffixes } from '../../duckdb/companion-files.js';

/**
 * `to`, or `to.<timestamp>` (and a counter after that) when the name is taken. A name is free only with its logs' names
 * (.wal, .wal.checkpoint) free too, and a log's (`….wal`, `….wal.checkpoint`) only with its database's and the other
 * log's: DuckDB replays the log beside a file into it, so a file moved aside must never land beside another's log, nor a
 * log beside another file (databox.duckdb.broken from an earlier incident). A log keeps its suffix last
 * (databox.duckdb.broken.<stamp>.wal).
 */
export function freeName(to: string, now: Date): string {
  const suffix = companionSuffix(to);
  const base = to.slice(0, to.length - suffix.length);
  const free = (name: string) => ['', ...companionSuffixes].every((companion) => !fs.existsSync(`${name}${companion}`));
  const named = (name: string) => `${name}${suffix}`;
  if (free(base)) return named(base);
  for (let n = 0; ; n += 1) {
    const candidate = `${base}.${compactTimestamp(now)}${n === 0 ? '' : `-${n}`}`;
    if (free(candidate)) return named(candidate);
  }
}

/**
 * Moves `from` to `to` (or a free timestamped name when `to` is taken and ifTaken is "suffix"). A file is moved by a hard
 * link and an unlink, which fails rather than replace a file that appeared since the check; a directory by a rename,
 * which fails on a non-empty target.
 */
export function moveWithoutOverwriting(from: string, to: string, ifTaken: 'suffix' | 'fail', now: Date, before?: (target: string) => void): string {
  for (let attempt = 0; ; attempt += 1) {
    const target = ifTaken === 'suffix' ? freeName(to, now) : to;
    // Told the exact target before anything moves, so a crash between the move and its result can be settled on disk.
    before?.(target);
    try {
      if (fs.lstatSync(from).isDirectory()) {
        if (fs.existsSync(target)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
        fs.renameSync(from, target);
      } else {
        fs.linkSync(from, target);
        try {
          fs.unlinkSync(from);
        } catch (error) {
          // The file now has both names: the move is half done, which the caller must not call untouched.
          throw Object.assign(error as Error, { linkedTo: target });
        }
      }
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || ifTaken === 'fail' || attempt >= 5) throw error;
    }
  }
}
