// Which DuckDB files this process found damaged when something opened or read them: a watcher that skips opening a file
// unchanged since it last opened must not go on calling it healthy once another reader (the marts watcher) found it damaged.
import path from 'node:path';

const noted = new Map<string, number>();
let count = 0;

/** Notes that opening or reading `file` found it damaged. */
export function noteDamaged(file: string): void {
  count += 1;
  noted.set(path.resolve(file), count);
}

/** A number that changes each time damage is noted for `file` (0 until it is): compared, it tells whether any was since. */
export function damageNoted(file: string): number {
  return noted.get(path.resolve(file)) ?? 0;
}
