// The local DuckDB file as a target (src/database/local-target.ts): bound values, read-only unless writable, interrupts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('local-target-');

describe('the local target', () => {
  it('runs statements with bound values, read-only unless the step writes', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 50 });
    const target = localTarget(file);
    expect(target).toMatchObject({ name: 'local', database: 'databox', label: file, lockKey: file });
    const reader = await target.open({ writable: false });
    try {
      expect(await reader.run('SELECT count(*) AS n FROM marts WHERE id < $1', [10])).toEqual({ columns: ['n'], rows: [['10']] });
      await expect(reader.run('DELETE FROM marts')).rejects.toThrow(/read-only/);
    } finally {
      await reader.close();
    }
    const writer = await target.open({ writable: true });
    try {
      await writer.run('DELETE FROM marts WHERE id >= $1', [40]);
      expect((await writer.run('SELECT count(*) FROM marts')).rows).toEqual([['40']]);
    } finally {
      await writer.close();
    }
  });

  it('stops a running statement when interrupted', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 10 });
    const session = await localTarget(file).open({ writable: false });
    try {
      const running = session.run('SELECT count(*) FROM range(10000000000) a');
      setTimeout(() => session.interrupt(), 200);
      await expect(running).rejects.toThrow(/interrupt/i);
    } finally {
      await session.close();
    }
  });
});
