// A clean load of a runbooks folder kept on disk (node_modules/.cache) and taken by the next CLI process, only for the
// same files: a changed byte, or an entry that cannot be read, is a full load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCacheDir } from '../../src/runbook/load-cache.js';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** The bundled runbooks copied, duckdb's title made this test's own: a load no other process has kept. */
function runbooksTitled(title: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-cache-runbooks-'));
  temps.push(dir);
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const file = path.join(dir, 'duckdb.yml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title: .*$/m, `title: ${title}`));
  return dir;
}

function check(dir: string) {
  return execa(process.execPath, [...cliArgs, 'runbooks', 'check', dir], { cwd: projectRoot, env: cliEnv({}), extendEnv: false, reject: false, stdin: 'ignore' });
}

/** The kept entry whose duckdb runbook has this title, and what it holds. */
function entryTitled(title: string): { file: string; entry: { key: string; runbooks: { id: string; title: string }[] } } {
  for (const name of fs.readdirSync(loadCacheDir).filter((n) => n.endsWith('.v8'))) {
    const file = path.join(loadCacheDir, name);
    let entry: { key: string; runbooks: { id: string; title: string }[] };
    try {
      entry = v8.deserialize(fs.readFileSync(file));
    } catch {
      // Another test's entry, let go or damaged on purpose while this one looked.
      continue;
    }
    if (entry.runbooks.some((rb) => rb.title === title)) return { file, entry };
  }
  throw new Error(`no kept load has a runbook titled ${title}`);
}

describe('the runbook load cache', () => {
  it('keeps a clean load, which the next process with the same files takes, and a changed byte in a file does not', async () => {
    const title = `Blown DuckDB file ${process.pid}-${Date.now()}`;
    const dir = runbooksTitled(title);
    const first = await check(dir);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`ok  duckdb: ${title}\n`);
    // What the next process says is what the entry holds: its title changed there, and nowhere else.
    const { file, entry } = entryTitled(title);
    const kept = entry.runbooks.map((rb) => (rb.id === 'duckdb' ? { ...rb, title: `${title} (kept)` } : rb));
    fs.writeFileSync(file, v8.serialize({ ...entry, runbooks: kept }));
    const second = await check(dir);
    expect(second.stdout).toContain(`ok  duckdb: ${title} (kept)\n`);
    expect(second.exitCode).toBe(0);
    fs.appendFileSync(path.join(dir, 'schedule.yml'), '# one more byte\n');
    const changed = await check(dir);
    expect(changed.stdout).toContain(`ok  duckdb: ${title}\n`);
    expect(changed.exitCode).toBe(0);
  });

  it('loads in full when the kept entry cannot be read as one', async () => {
    const title = `Blown DuckDB file ${process.pid}-${Date.now()}-broken`;
    const dir = runbooksTitled(title);
    expect((await check(dir)).exitCode).toBe(0);
    const { file } = entryTitled(title);
    const full = fs.readFileSync(file);
    for (const broken of [full.subarray(0, full.length / 2), Buffer.from('not an entry')]) {
      fs.writeFileSync(file, broken);
      const result = await check(dir);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`ok  duckdb: ${title}\n`);
      expect(result.exitCode).toBe(0);
    }
  });

  it('keeps no load with a problem: each run names it, from a full load', async () => {
    const title = `Blown DuckDB file ${process.pid}-${Date.now()}-wrong`;
    const dir = runbooksTitled(title);
    const file = path.join(dir, 'duckdb.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^section: 1$/m, 'section: 2'));
    const first = await check(dir);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain('section 2 is also');
    expect(() => entryTitled(title)).toThrow(/no kept load/);
    expect((await check(dir)).stderr).toBe(first.stderr);
  });
});
