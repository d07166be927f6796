// A write refused because the file system is mounted read-only (EROFS), in an operator's words: where, what it most
// likely means, and what to do. Node's text ("EROFS: read-only file system, link 'a' -> 'b'") and DuckDB's name neither.

/** Whether `error` is the file system refusing every write: it is mounted read-only. */
export function isReadOnlyFileSystem(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EROFS';
}

/** Whether DuckDB's error is that one: DuckDB gives no code, only the system's words in its message. */
export function duckdbSaysReadOnly(error: unknown): boolean {
  return /read-only file system/i.test((error as Error | undefined)?.message ?? '');
}

/** "the file system holding /data is read-only (…)": nothing can be created, written or moved in `folder`. */
export function readOnlySaid(folder: string): string {
  return `the file system holding ${folder} is read-only (mounted read-only, or remounted so by the kernel after disk errors): nothing can be written there`;
}

/** What to do about it, said after what it stopped. */
export const readOnlyFix = 'check the disk (the kernel log, dmesg, names its errors), remount it read-write';
