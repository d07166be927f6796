// The files DuckDB keeps beside a database under its name: its write-ahead log, and the log a checkpoint writes to
// while it runs (DuckDB 1.5 deletes a .wal.checkpoint beside a file at that file's next checkpoint, whoever's it was).

/** The suffixes of a database's own files beside it, the longest first so a name is matched by the one it ends in. */
export const companionSuffixes = ['.wal.checkpoint', '.wal'] as const;

/** The suffix `file` ends in when it is a database's log (`….wal`, `….wal.checkpoint`), or '' when it is none. */
export function companionSuffix(file: string): string {
  return companionSuffixes.find((suffix) => file.endsWith(suffix)) ?? '';
}

/** What such a log is to a file put beside it, as a reason its name counts as taken. */
export function companionSaid(log: string): string {
  return companionSuffix(log) === '.wal.checkpoint' ? "a checkpoint's log, which DuckDB would replay or delete beside a file put there" : 'a log DuckDB would replay into a file put beside it';
}
