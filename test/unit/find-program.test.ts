// The PATH lookup a changing plan's programs get before it is proposed and before it runs, on real files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProgram } from '../../src/process/find-program.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-find-program-');

describe('findProgram', () => {
  it('finds an executable file on PATH or at its path, and names what is wrong otherwise', () => {
    const dir = tempDir();
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'task'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'notes'), 'not a program\n', { mode: 0o644 });
    fs.mkdirSync(path.join(bin, 'uv'));
    const pathVariable = ['/nonexistent', bin].join(path.delimiter);
    expect(findProgram('task', { cwd: dir, pathVariable })).toBeUndefined();
    expect(findProgram('notes', { cwd: dir, pathVariable })).toBe(`"notes" is not on PATH (${pathVariable})`);
    expect(findProgram('uv', { cwd: dir, pathVariable }), 'a directory is not a program').toBe(`"uv" is not on PATH (${pathVariable})`);
    expect(findProgram('task', { cwd: dir, pathVariable: '/nonexistent' })).toBe('"task" is not on PATH (/nonexistent)');
    expect(findProgram('bin/task', { cwd: dir })).toBeUndefined();
    expect(findProgram('./bin/notes', { cwd: dir })).toBe('./bin/notes is not an executable file');
    expect(findProgram('bin/gone', { cwd: dir })).toBe('bin/gone does not exist');
    // A relative PATH entry is taken from the directory the command starts in, as execvp's search does; an empty one
    // is that directory itself.
    expect(findProgram('task', { cwd: dir, pathVariable: 'bin' })).toBeUndefined();
    expect(findProgram('task', { cwd: bin, pathVariable: '/nonexistent:' })).toBeUndefined();
    expect(findProgram('task', { cwd: bin, pathVariable: '/nonexistent::/other' })).toBeUndefined();
  });
});
