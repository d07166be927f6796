// The Slack carry-over file: kept by a stop, taken once by the next start, each run's message shown once.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCarryOver, takeCarryOver } from '../../src/slack/carry-over.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-carry-over-');

describe('the carry-over', () => {
  it('is taken once, and a run whose end is carried over is not shown a second time by its message', () => {
    const dir = tempDir();
    saveCarryOver(dir, [
      { what: 'run', incident: 'dbx-1', run: 'dbx-1/1' },
      { what: 'verdict', incident: 'dbx-1', run: 'dbx-1/1' },
      { what: 'run', incident: 'dbx-1', run: 'dbx-1/2' },
      { what: 'root', incident: 'dbx-1' },
    ]);
    expect(takeCarryOver(dir)).toEqual([
      { what: 'verdict', incident: 'dbx-1', run: 'dbx-1/1' },
      { what: 'run', incident: 'dbx-1', run: 'dbx-1/2' },
      { what: 'root', incident: 'dbx-1' },
    ]);
    expect(fs.existsSync(path.join(dir, 'slack-carry-over.json'))).toBe(false);
    expect(takeCarryOver(dir)).toEqual([]);
  });

  it('leaves no file when there is nothing to show again, and reads a damaged one as nothing', () => {
    const dir = tempDir();
    saveCarryOver(dir, []);
    expect(fs.existsSync(path.join(dir, 'slack-carry-over.json'))).toBe(false);
    fs.writeFileSync(path.join(dir, 'slack-carry-over.json'), '{"not": "a list"');
    expect(takeCarryOver(dir)).toEqual([]);
  });
});
