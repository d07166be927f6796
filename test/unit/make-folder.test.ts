// makeFolder: `mkdir -p` one level at a time, which takes EEXIST as made only when a folder is what is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../../src/disk/make-folder.js';

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'make-folder-'));
});
afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('makeFolder', () => {
  it('makes the folder and the missing ones above it', () => {
    const folder = path.join(work, 'a', 'b', 'c');
    makeFolder(folder);
    expect(fs.statSync(folder).isDirectory()).toBe(true);
  });

  it('refuses a name where no folder can be made (a symbolic link to nothing, a volume not mounted), rather than taking EEXIST as made', () => {
    const folder = path.join(work, 'kept');
    fs.symlinkSync(path.join(work, 'not-mounted'), folder);
    expect(() => makeFolder(folder)).toThrow();
  });
});
