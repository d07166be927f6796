// The state dir made ready at start: made level by level, made by another process meanwhile is fine, a link to nothing said as such.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareStateDir } from '../../src/state-dir.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('state-dir-');
afterEach(() => vi.restoreAllMocks());

describe('prepareStateDir', () => {
  it('makes every missing folder of the path', () => {
    const dir = path.join(tempDir(), 'a', 'b', 'var');
    prepareStateDir(dir);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  it('takes a folder another process made between the look and the mkdir (the bot and a terminal starting together)', () => {
    const dir = path.join(tempDir(), 'var');
    const mkdir = fs.mkdirSync;
    vi.spyOn(fs, 'mkdirSync').mockImplementationOnce((folder, options) => {
      mkdir(folder, options);
      throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${String(folder)}'`), { code: 'EEXIST' });
    });
    expect(() => prepareStateDir(dir)).not.toThrow();
  });

  it('says a symbolic link to nothing is one (a volume not mounted), not EEXIST', () => {
    const dir = path.join(tempDir(), 'var');
    fs.symlinkSync('/mnt/databox-state-not-mounted', dir);
    expect(() => prepareStateDir(dir)).toThrow(/cannot be created or written \(it is a symbolic link to \/mnt\/databox-state-not-mounted, which does not exist \(a volume not mounted\?\); this process runs as uid/);
  });
});
