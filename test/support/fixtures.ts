// Shared test helpers: temp directories removed after each test file, fixture script paths, small real DuckDB files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll } from 'vitest';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
export const scriptsDir = path.join(projectRoot, 'test', 'fixtures', 'scripts');

/** Call at the top level of a test file: returns a maker of fresh temp dirs, all removed after the file's tests. */
export function useTempDirs(prefix = 'databox-test-'): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/**
 * Creates a DuckDB file with one table per entry (name → row count), filled with deterministic,
 * poorly compressible rows: id, a hash and an md5 string.
 */
export async function createDuckdbFile(file: string, tables: Record<string, number>): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      let salt = 0;
      for (const [name, rows] of Object.entries(tables)) {
        salt += 1;
        await connection.run(
          `CREATE TABLE "${name}" AS SELECT i AS id, hash(i * ${salt + 1}) AS h, md5((i + ${salt})::VARCHAR) AS s FROM range(${rows}) t(i)`,
        );
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
