// The bench's scenario-2 phase on a small table: its bare script runs the step's own queries, so a change to them that
// the floor does not follow (a new bound value, a macro) fails here, not at the next `npm run bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { benchDayCounts } from '../../bench/phases/day-counts.js';
import type { BenchContext } from '../../bench/lib/figures.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('measures the per-day counts beside the same queries in a bare script', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-bench-'));
  dirs.push(dir);
  const ctx: BenchContext = {
    dir,
    small: true,
    sizes: { requests: 0, scenario1Bytes: 0, rawRows: 60_000, journalAppends: 0, verifyLines: 0, outputBytes: 0 },
    figures: [],
    notes: [],
    log: () => {},
  };
  await benchDayCounts(ctx);
  expect(ctx.figures).toEqual([expect.objectContaining({ name: expect.stringContaining('scenario 2: per-day counts on 60,000 raw rows'), unit: 'ms' })]);
  expect(ctx.figures[0]?.value).toBeGreaterThan(0);
  expect(ctx.figures[0]?.floor).toBeGreaterThan(0);
});
