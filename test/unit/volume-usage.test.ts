// Use% of a volume as df reports it: the arithmetic on statfs's figures, and the same number df prints for a real directory.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dfUsePercent, freeOfTotal, volumeUsage } from '../../src/disk/volume-usage.js';
import { diskWatcher } from '../../src/watchers/disk-watcher.js';
import { recordedAt } from '../helpers/dagster-fixtures.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('volume-');

/** df's own Use% for the volume holding a directory, as a number. */
function dfPercent(dir: string): number {
  const printed = execFileSync('df', ['--output=pcent', dir], { encoding: 'utf8' });
  return Number(/(\d+)%/.exec(printed.split('\n')[1] ?? '')?.[1]);
}

describe('dfUsePercent', () => {
  it('is df\'s used / (used + available), rounded up: blocks reserved for root count in neither', () => {
    // `stat -f /` on a host where df said 25%: 66,053,021 blocks, 59,611,940 free, 20,156,647 available.
    expect(dfUsePercent({ blocks: 66_053_021, bfree: 59_611_940, bavail: 20_156_647 })).toBe(25);
    // Nothing left to a non-root writer is 100%, however much root keeps.
    expect(dfUsePercent({ blocks: 1000, bfree: 50, bavail: 0 })).toBe(100);
    // Any fraction rounds up, as df's does: 1 block of 1000 is 1%.
    expect(dfUsePercent({ blocks: 1000, bfree: 999, bavail: 999 })).toBe(1);
    expect(dfUsePercent({ blocks: 0, bfree: 0, bavail: 0 })).toBe(0);
  });

  it('names the reserve beside the free space, so the figures add up', () => {
    expect(freeOfTotal({ freeText: '76.9 GiB', totalText: '252.0 GiB', reservedBytes: 150 * 2 ** 30 })).toBe('76.9 GiB free of 252.0 GiB, plus 150.0 GiB only root may write');
    expect(freeOfTotal({ freeText: '1.0 GiB', totalText: '2.0 GiB', reservedBytes: 0 })).toBe('1.0 GiB free of 2.0 GiB');
  });
});

describe('volumeUsage on this machine', () => {
  it('gives the use% df prints for the same directory, and bavail as the free space', async () => {
    const dir = tempDir();
    const before = dfPercent(dir);
    const usage = await volumeUsage(dir);
    const after = dfPercent(dir);
    // Other writers on the volume may move df's figure between the two reads; it is one of them.
    expect([before, after]).toContain(usage.usedPercent);
    const { bavail, bsize } = fs.statfsSync(dir);
    expect(Math.abs(usage.freeBytes - bavail * bsize)).toBeLessThan(2 ** 30);
  });

  it('makes the disk watcher alert at df\'s use%, not at a smaller figure that counts the reserve as free', async () => {
    const dir = tempDir();
    const database = path.join(dir, 'data', 'databox.duckdb');
    const percent = dfPercent(dir);
    const finding = await diskWatcher({ paths: [database], alertPercent: percent, fullPercent: 100, enabled: true }).check(recordedAt);
    expect(finding.state).toBe('problem');
    expect(finding.summary).toContain(`${percent}% used`);
  });
});
