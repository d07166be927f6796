// What a restart points to of a step its bot died in: its output file, its size and its last lines; never another run's file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputLeftBehind } from '../../src/incidents/output-file.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-output-file-');

describe('the output a step left behind', () => {
  it('is pointed to whole when short, and by its last lines when long, saying the rest is in the file', () => {
    const dir = tempDir();
    const short = path.join(dir, 'short.log');
    fs.writeFileSync(short, 'reloading…\nloaded 3 of 9 days\n');
    expect(outputLeftBehind(short)).toEqual({ logFile: short, outputBytes: fs.statSync(short).size, excerpt: 'reloading…\nloaded 3 of 9 days' });
    const long = path.join(dir, 'long.log');
    fs.writeFileSync(long, Array.from({ length: 5_000 }, (_, i) => `line ${i}`).join('\n'));
    const left = outputLeftBehind(long);
    expect(left.excerpt?.split('\n')[0]).toBe(`[… the rest of its ${fs.statSync(long).size} bytes is in the file …]`);
    expect(left.excerpt?.split('\n')[1]).toMatch(/^line \d+$/);
    expect(left.excerpt?.endsWith('line 4999')).toBe(true);
    expect(left.excerpt?.length).toBeLessThan(1_300);
  });

  it('is none when the file is empty, missing, or older than the step (another run of the same id)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.log');
    expect(outputLeftBehind(file)).toEqual({});
    fs.writeFileSync(file, '');
    expect(outputLeftBehind(file)).toEqual({});
    fs.writeFileSync(file, 'old output\n');
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(file, old, old);
    expect(outputLeftBehind(file, new Date().toISOString())).toEqual({});
    expect(outputLeftBehind(file, new Date(old.getTime() - 60_000).toISOString()).logFile).toBe(file);
  });
});
