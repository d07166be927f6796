// Waits for a process running test/fixtures/scripts/hold-duckdb.mjs to say it holds its file.
import type { ResultPromise } from 'execa';

/** Resolves once the holder prints "ready"; rejects, with what it printed, if it exits first. */
export function holderReady(child: ResultPromise): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready')) resolve();
    });
    child.once('exit', () => reject(new Error(`the holder exited before it was ready: ${seen}`)));
  });
}
