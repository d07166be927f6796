// Named pipes nobody writes to, standing in for files on a hung network mount: a DuckDB file with views over them, and
// the release that lets whatever still waits on one return before the test's files are removed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Runs `sql` on the DuckDB file `file` while each of `pipes` is a small CSV file (so views over it bind as they are
 * made), then replaces each with a named pipe nobody writes to.
 */
export async function databaseReadingPipes(file: string, pipes: readonly string[], sql: string): Promise<void> {
  for (const pipe of pipes) fs.writeFileSync(pipe, 'a,b\n1,2\n');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  for (const pipe of pipes) {
    fs.rmSync(pipe);
    execFileSync('mkfifo', [pipe]);
  }
}

/** Whatever still waits on the pipe gets its end of file (opened for writing, then closed), so nothing is left hanging. */
export function releasePipe(pipe: string): void {
  try {
    fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // No reader left (ENXIO), or no pipe: nothing waits on it.
  }
}
