// The local target's sessions live on the session thread (src/duckdb/sessions-off-thread.ts): no DuckDB instance is
// opened or closed on the event loop, the caps set at start reach read-only opens there, a driver's TypeError stays
// one, and a closed session says so.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { limitReadOnly } from '../../src/duckdb/open.js';
import { driverFaultSaid, isDriverFault } from '../../src/engine/steps/driver-fault.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

/** Every openDatabase made on this (the main) thread; the session thread imports the module unmocked. */
const openedHere = vi.hoisted(() => [] as string[]);
vi.mock('../../src/duckdb/open.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/duckdb/open.js')>();
  return {
    ...real,
    openDatabase: (location: string, writable: boolean, caps?: Parameters<typeof real.openDatabase>[2]) => {
      openedHere.push(location);
      return real.openDatabase(location, writable, caps);
    },
  };
});

const tempDir = useTempDirs('local-target-thread-');
afterEach(() => limitReadOnly({}));

describe('the local target on the session thread', () => {
  it('reads and writes the file without opening DuckDB on the event loop', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 20 });
    const writer = await localTarget(file).open({ writable: true });
    await writer.run('DELETE FROM marts WHERE id >= $1', [15]);
    await writer.close();
    // The close has settled: the file is closed and a new read sees the write.
    const reader = await localTarget(file).open({ writable: false });
    expect((await reader.run('SELECT count(*) FROM marts')).rows).toEqual([['15']]);
    await reader.close();
    expect(openedHere).toEqual([]);
  });

  it('gives read-only opens the caps set on the main thread at the time of the open', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 5 });
    limitReadOnly({ memoryLimit: '100MB' });
    const capped = await localTarget(file).open({ writable: false });
    const cappedLimit = (await capped.run("SELECT current_setting('memory_limit')")).rows[0]?.[0];
    await capped.close();
    limitReadOnly({});
    const uncapped = await localTarget(file).open({ writable: false });
    const defaultLimit = (await uncapped.run("SELECT current_setting('memory_limit')")).rows[0]?.[0];
    await uncapped.close();
    expect(cappedLimit).toMatch(/^9\d(\.\d+)? MiB$/);
    expect(defaultLimit).not.toBe(cappedLimit);
  });

  it("keeps a TypeError the driver throws on the session thread a TypeError here, so a step says it as the bot's fault", async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 5 });
    const session = await localTarget(file).open({ writable: true });
    // @duckdb/node-api's own check, in the driver, of what it is given to run.
    const fault = await session.run(undefined as unknown as string).then(() => undefined, (error: unknown) => error);
    await session.close();
    expect(fault).toBeInstanceOf(TypeError);
    expect(isDriverFault(fault)).toBe(true);
    expect(driverFaultSaid(fault as Error, file)).toBe(`the bot failed inside (TypeError: A string was expected), a fault in the bot or its database driver to report, not an answer from ${file}`);
  });

  it('answers a statement on a closed session with that, and closes once however often asked', async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 5 });
    const session = await localTarget(file).open({ writable: false });
    const closing = session.close();
    expect(session.close()).toBe(closing);
    await closing;
    await expect(session.run('SELECT 1')).rejects.toThrow('this database session is already closed');
  });

  it('stops a running statement when closed under it, and both settle', { timeout: 30_000 }, async () => {
    const file = path.join(tempDir(), 'databox.duckdb');
    await createDuckdbFile(file, { marts: 5 });
    const session = await localTarget(file).open({ writable: false });
    const stopped = expect(session.run('SELECT count(*) FROM range(10000000000) a, range(10) b')).rejects.toThrow(/interrupt/i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await session.close();
    await stopped;
  });

  it('names the file and the problem when it does not open', async () => {
    await expect(localTarget(path.join(tempDir(), 'missing', 'x.duckdb')).open({ writable: false })).rejects.toThrow(/x\.duckdb/);
  });
});
