// Steps that copy, move or write the DuckDB file, or make the folder rows are kept in, on a file system mounted
// read-only (as the kernel leaves one after disk errors): each says so, naming the folder and what to do, not Node's or DuckDB's errno text. A real read-only bind
// mount, in a user and mount namespace of its own (unshare); skipped where this machine allows none.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createDuckdbFile, projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('read-only-file-system-');
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
const unshareWorks = (await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false })).exitCode === 0;

interface Said {
  status: string;
  summary: string;
  untouched: boolean;
}

describe('a copy, a move, a DuckDB write and a kept-rows folder on a read-only file system', () => {
  it.skipIf(!unshareWorks)('each fails naming the folder, that its file system is read-only and what to do, and changes nothing', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    const database = path.join(data, 'databox.duckdb');
    const backup = path.join(dir, 'backup.duckdb');
    await createDuckdbFile(database, { observations: 10 });
    await createDuckdbFile(backup, { observations: 10 });
    const before = fs.readdirSync(data).sort();
    // data/ bound over itself read-only: what is there reads, nothing there can be written (EROFS).
    const readOnlyThenRun = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"';
    const result = await execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', readOnlyThenRun, data, tsx, path.join(scriptsDir, 'read-only-steps.ts'), data, backup], {
      cwd: projectRoot,
      reject: false,
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    const { copy, move, sql, keep, restore } = JSON.parse(result.stdout) as Record<'copy' | 'move' | 'sql' | 'keep' | 'restore', Said>;
    const readOnly = `the file system holding ${data} is read-only (mounted read-only, or remounted so by the kernel after disk errors): nothing can be written there`;
    const fix = 'check the disk (the kernel log, dmesg, names its errors), remount it read-write';
    // Before: "… EROFS: read-only file system, copyfile '…' -> '…/restored.duckdb.partial-<pid>'; its partial copy was removed: … put that right …".
    expect(copy).toEqual({
      status: 'failed',
      summary: `could not copy ${backup} → ${path.join(data, 'restored.duckdb')}: ${readOnly}; nothing was written: no file at ${path.join(data, 'restored.duckdb')} now: roll back, or ${fix} and propose again`,
      untouched: true,
    });
    // Before: "could not move …: EROFS: read-only file system, link '…' -> '….broken'".
    expect(move).toEqual({ status: 'failed', summary: `could not move ${database}: ${readOnly}, so nothing was moved: ${fix}, then ask again`, untouched: true });
    // Before: "cannot open …: IO Error: Cannot open file "…": Read-only file system; nothing was changed".
    expect(sql).toEqual({ status: 'failed', summary: `cannot open ${database} to write: ${readOnly}; nothing was changed: ${fix}, then ask again`, untouched: true });
    // Before: each step threw "ENOENT: no such file or directory, mkdir '…/kept'" (Node's recursive mkdir says EROFS so).
    const keptIn = (name: string) => {
      const folder = path.join(data, name);
      const said = readOnly.replace(`holding ${data} `, `holding ${folder} `);
      return { status: 'failed', summary: `could not create ${folder} to keep the rows of observations in: ${said}, so no rows were kept and nothing in the database changed: ${fix}, then ask again`, untouched: true };
    };
    expect(keep).toEqual(keptIn('kept'));
    expect(restore).toEqual(keptIn('kept-before-restore'));
    for (const said of [copy, move, sql, keep, restore]) expect(said.summary).not.toMatch(/EROFS|ENOENT|permission denied|    at /i);
    expect(fs.readdirSync(data).sort()).toEqual(before);
  }, 150_000);
});
