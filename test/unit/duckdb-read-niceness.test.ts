// DATABOX_READ_NICENESS: a full read's DuckDB work runs on the reader thread itself, at the niceness it was given, not
// on libuv's shared pool at the bot's priority, where the setting could not reach it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitReader, probeOpenOffThread, scanTablesOffThread } from '../../src/duckdb/off-thread.js';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-niceness-');
const niceness = 7;

/** CPU ticks this process's threads have used, summed by their nice value (Linux's /proc/self/task/<tid>/stat). */
function cpuByNiceness(): Map<number, number> {
  const byNice = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    let fields: string[];
    try {
      fields = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      continue;
    }
    // After the name: state is field 3, utime 14, stime 15, nice 19 (1-based, proc(5)).
    const ticks = Number(fields[11]) + Number(fields[12]);
    const nice = Number(fields[16]);
    byNice.set(nice, (byNice.get(nice) ?? 0) + ticks);
  }
  return byNice;
}

describe('the reader thread’s niceness', () => {
  it.skipIf(process.platform !== 'linux')('spends the full read’s CPU on a thread at the configured niceness', async () => {
    const file = path.join(tempDir(), 'db.duckdb');
    await createDuckdbFile(file, { events: 3_000_000, users: 1_000_000 });
    limitReader({ memoryLimit: '100MB', threads: 1, niceness });
    // The thread's start (loading DuckDB, and tsx here) is not the read's work.
    expect((await probeOpenOffThread(file)).status).toBe('ok');
    const before = cpuByNiceness();
    const scan = await scanTablesOffThread(file, { timeoutMs: 60_000 });
    const after = cpuByNiceness();
    expect(scan.status).toBe('ok');
    expect(scan.tables).toEqual([
      { table: 'main.events', rows: 3_000_000 },
      { table: 'main.users', rows: 1_000_000 },
    ]);
    const used = (nice: number) => (after.get(nice) ?? 0) - (before.get(nice) ?? 0);
    const others = [...after.keys()].filter((nice) => nice !== niceness).reduce((sum, nice) => sum + used(nice), 0);
    expect(used(niceness)).toBeGreaterThan(2 * others);
  });
});
