// DuckDB's errors as the bot shows and writes them: without the native stack trace DuckDB appends to its internal errors.

/** A frame of that trace: `libduckdb.so(_ZN6duckdb…+0x5b) [0x7f6481c4c1eb]`, `node() [0x18a7b40]`. */
const frame = /\[0x[0-9a-f]+\]\s*$/i;

/**
 * `message` without DuckDB's "Stack Trace:" section (that line, then blank lines and frames): addresses in the bot's
 * own libraries, of no use to an operator, that bury the error in a thread or a step's log. Every other line is kept.
 */
export function withoutStackTrace(message: string): string {
  const lines = message.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^\s*Stack Trace:\s*$/.test(lines[i] as string)) {
      kept.push(lines[i] as string);
      continue;
    }
    while (i + 1 < lines.length && ((lines[i + 1] as string).trim() === '' || frame.test(lines[i + 1] as string))) i += 1;
    // The blank line DuckDB puts before the section goes with it.
    while (kept.length > 0 && (kept.at(-1) as string).trim() === '') kept.pop();
  }
  return kept.join('\n');
}

/** The error DuckDB threw, its message without the stack trace (the same error, so its class and fields are kept). */
export function withoutStackTraceIn(error: unknown): unknown {
  if (error instanceof Error) error.message = withoutStackTrace(error.message);
  return error;
}
