// Moves a file or directory aside without ever overwriting what is at the target: a taken name gets a timestamp suffix.
import fs from 'node:fs';
import { compactTimestamp } from '../../timestamps.js';

/** `to`, or `to.<timestamp>` (and a counter after that) when the name is taken. */
export function freeName(to: string, now: Date): string {
  if (!fs.existsSync(to)) return to;
  // A write-ahead log keeps its .wal last (databox.duckdb.broken.<stamp>.wal), so it still sits beside its database
  // file (databox.duckdb.broken.<stamp>) when both names were taken.
  const wal = /\.wal$/.test(to);
  const base = wal ? to.slice(0, -'.wal'.length) : to;
  for (let n = 0; ; n += 1) {
    const stamp = `${compactTimestamp(now)}${n === 0 ? '' : `-${n}`}`;
    const candidate = wal ? `${base}.${stamp}.wal` : `${base}.${stamp}`;
    if (!fs.existsSync(candidate)) return candidate;
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
        fs.unlinkSync(from);
      }
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || ifTaken === 'fail' || attempt >= 5) throw error;
    }
  }
}
