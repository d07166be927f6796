// DATABOX_DUCKDB_MEMORY_LIMIT: read-only opens (probes, full reads, counts) get DuckDB's memory_limit; writes do not.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { limitReadOnlyMemory, openDatabase } from '../../src/duckdb/open.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-memory-');

async function memoryLimit(file: string, writable: boolean): Promise<string> {
  const database = await openDatabase(file, writable);
  try {
    const reader = await database.connection.runAndReadAll("SELECT current_setting('memory_limit')");
    return String(reader.getRows()[0]?.[0]);
  } finally {
    database.close();
  }
}

afterEach(() => limitReadOnlyMemory(undefined));

describe('the memory cap of read-only opens', () => {
  it('applies the configured limit to read-only opens only', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { t: 10 });
    const uncapped = await memoryLimit(file, false);
    limitReadOnlyMemory('100MB');
    expect(await memoryLimit(file, false)).toBe('95.3 MiB');
    expect(await memoryLimit(file, true)).toBe(uncapped);
  });
});
