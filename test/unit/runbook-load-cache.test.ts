// The on-disk runbook load cache: which changes to the loader's code make another key, and what a load taken from it gives.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { codeVersion, loadCacheOf, loadKey } from '../../src/runbook/load-cache.js';
import { projectRoot } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function codeFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-cache-code-'));
  temps.push(dir);
  fs.mkdirSync(path.join(dir, 'runbook'));
  fs.writeFileSync(path.join(dir, 'runbook', 'load.js'), 'export const checks = 1;\n');
  fs.writeFileSync(path.join(dir, 'runbook', 'load.js.map'), '{"mappings":""}');
  fs.writeFileSync(path.join(dir, 'cli.js'), 'import "./runbook/load.js";\n');
  return dir;
}

describe('the runbook load cache key', () => {
  it('changes with any byte of any module of the code folder, however deep, and with a module added', () => {
    const dir = codeFolder();
    const before = codeVersion(dir, ['yaml', 'zod']);
    expect(codeVersion(dir, ['yaml', 'zod'])).toBe(before);
    fs.writeFileSync(path.join(dir, 'runbook', 'load.js'), 'export const checks = 2;\n');
    const edited = codeVersion(dir, ['yaml', 'zod']);
    expect(edited).not.toBe(before);
    fs.writeFileSync(path.join(dir, 'runbook', 'new-check.js'), '');
    expect(codeVersion(dir, ['yaml', 'zod'])).not.toBe(edited);
  });

  it('changes with a module moved to another folder, its bytes the same', () => {
    const dir = codeFolder();
    const before = codeVersion(dir, ['yaml']);
    fs.mkdirSync(path.join(dir, 'engine'));
    fs.renameSync(path.join(dir, 'cli.js'), path.join(dir, 'engine', 'cli.js'));
    expect(codeVersion(dir, ['yaml'])).not.toBe(before);
  });

  it('is the same when only a source map changed, which nothing runs', () => {
    const dir = codeFolder();
    const before = codeVersion(dir, ['yaml']);
    fs.writeFileSync(path.join(dir, 'runbook', 'load.js.map'), '{"mappings":"AAAA"}');
    expect(codeVersion(dir, ['yaml'])).toBe(before);
  });

  it('changes with the yaml or zod package read', () => {
    const dir = codeFolder();
    expect(codeVersion(dir, ['yaml'])).not.toBe(codeVersion(dir, ['zod']));
  });

  it('tells apart two files from one whose text holds what separates them', () => {
    const two = loadKey([{ name: 'a.yml', text: 'x' }, { name: 'b.yml', text: 'y' }]);
    expect(loadKey([{ name: 'a.yml', text: 'x\0b.yml\0y' }])).not.toBe(two);
    expect(loadKey([{ name: 'b.yml', text: 'y' }, { name: 'a.yml', text: 'x' }])).not.toBe(two);
    expect(loadKey([{ name: 'a.yml', text: 'x' }, { name: 'b.yml', text: 'y' }])).toBe(two);
  });
});

describe('a load taken from the cache', () => {
  it('gives its runbooks frozen and with their files\' versions, as a full load does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-cache-runbooks-'));
    temps.push(dir);
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const file = path.join(dir, 'duckdb.yml');
    const title = `Blown DuckDB file ${process.pid}-${Date.now()}`;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title: .*$/m, `title: ${title}`));
    const full = (await import('../../src/runbook/load.js')).checkRunbooks(dir);
    expect(full.problems).toEqual([]);
    // A process of its own, as the next start is: nothing this one loaded is remembered.
    vi.resetModules();
    const cache = await import('../../src/runbook/load-cache.js');
    const names = fs.readdirSync(dir).sort();
    const key = cache.loadKey(names.map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }))) as string;
    const entryFile = path.join(cache.loadCacheDir, `${key}.v8`);
    const entry = v8.deserialize(fs.readFileSync(entryFile)) as { key: string; runbooks: { id: string; title: string }[] };
    fs.writeFileSync(entryFile, v8.serialize({ ...entry, runbooks: entry.runbooks.map((rb) => (rb.id === 'duckdb' ? { ...rb, title: `${title} (kept)` } : rb)) }));
    const taken = (await import('../../src/runbook/load.js')).checkRunbooks(dir);
    const { runbookVersion } = await import('../../src/runbook/runbook-version.js');
    expect(taken.problems).toEqual([]);
    expect(taken.files).toEqual(full.files);
    const duckdb = taken.runbooks.get('duckdb');
    expect(duckdb?.title).toBe(`${title} (kept)`);
    expect({ ...duckdb, title }).toEqual({ ...full.runbooks.get('duckdb') });
    expect(Object.isFrozen(duckdb?.diagnosis.steps[0])).toBe(true);
    expect(runbookVersion(duckdb)).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    expect(runbookVersion(taken.runbooks.get('backfill'))).toBe(createHash('sha256').update(fs.readFileSync(path.join(dir, 'backfill.yml'))).digest('hex'));
  });
});

describe('the code a load is kept for', () => {
  const files = [{ name: 'a.yml', text: 'x' }];
  const cacheFolder = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-cache-kept-'));
    temps.push(dir);
    return dir;
  };

  it('is the code as the process loaded it: a checkout changed before its first load does not give the newer code\'s key', () => {
    const code = codeFolder();
    const older = loadCacheOf(code, cacheFolder());
    fs.writeFileSync(path.join(code, 'runbook', 'load.js'), 'export const checks = 2;\n');
    const newer = loadCacheOf(code, cacheFolder());
    expect(older.loadKey(files)).not.toBe(newer.loadKey(files));
  });

  it('is not kept when the code on disk changed between the load and keeping it', () => {
    const code = codeFolder();
    const cacheDir = cacheFolder();
    const cache = loadCacheOf(code, cacheDir);
    const key = cache.loadKey(files) as string;
    fs.writeFileSync(path.join(code, 'runbook', 'load.js'), 'export const checks = 2;\n');
    cache.keepLoad(key, []);
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    fs.writeFileSync(path.join(code, 'runbook', 'load.js'), 'export const checks = 1;\n');
    cache.keepLoad(key, []);
    expect(fs.readdirSync(cacheDir)).toEqual([`${key}.v8`]);
  });
});
