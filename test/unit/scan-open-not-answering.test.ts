// Tests scanTables (src/duckdb/scan.ts) on a file whose open never answers (a named pipe at the database's path, as a
// file on a network mount that hangs after the diagnosis' probe reads): the scan answers in time, or at once when stopped.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanTables } from '../../src/duckdb/scan.js';
import { useTempDirs } from '../support/fixtures.js';
import { releasePipe } from '../helpers/hung-pipe.js';

const tempDir = useTempDirs('databox-scan-open-pipe-');
const pipes: string[] = [];

afterEach(() => {
  // The open still waiting on the pipe gets its end of file (opened for writing, then closed) and returns.
  for (const pipe of pipes.splice(0)) releasePipe(pipe);
});

/** A named pipe nobody writes to, where the database file would be. */
function pipeAsDatabase(): string {
  const pipe = path.join(tempDir(), 'db.duckdb');
  execFileSync('mkfifo', [pipe]);
  pipes.push(pipe);
  return pipe;
}

describe('a full read whose open never answers', { timeout: 60_000 }, () => {
  it('is said unreadable once its open has had as long as the storage is given, not after the step’s 10 minutes', async () => {
    const file = pipeAsDatabase();
    const scan = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: 300 });
    expect(scan.status).toBe('unreadable');
    expect(scan.message).toBe(`opening ${file} did not answer within 300 ms: the storage under it does not answer (a hung network mount, say)`);
  });

  it('stops waiting for it when the scan is stopped, and says what stopped it', async () => {
    const file = pipeAsDatabase();
    const stop = new AbortController();
    setTimeout(() => stop.abort('interrupted at the terminal (SIGINT)'), 300);
    const scan = await scanTables(file, { timeoutMs: 10 * 60_000, storageAnswerMs: 10 * 60_000, signal: stop.signal });
    expect(scan.status).toBe('interrupted');
    expect(scan.message).toBe('stopped while opening the file: interrupted at the terminal (SIGINT)');
  });
});
