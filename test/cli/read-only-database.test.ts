// A database that opens and reads but cannot be written (a read-only mount, here): the diagnosis says so instead of
// "healthy", since every Dagster run must write it. The real CLI, in a user and mount namespace whose data/ is read-only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { cliArgs, cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const unshareWorks = (await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false })).exitCode === 0;
/** Whether this machine lets this process set the immutable attribute (root on a file system that has it). */
async function immutableWorks(): Promise<boolean> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chattr-')), 'probe');
  fs.writeFileSync(file, '');
  temps.push(path.dirname(file));
  const set = (await execa('chattr', ['+i', file], { reject: false })).exitCode === 0;
  if (set) await execa('chattr', ['-i', file], { reject: false });
  return set;
}
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const canSetImmutable = await immutableWorks();

describe('diagnose duckdb on a database that cannot be written', () => {
  it.skipIf(!unshareWorks)('names what cannot be written and why, offers no recovery, and is never called healthy', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-read-only-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: false });
    const data = path.dirname(checkout.databasePath);
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    // The folder holding the database is bound over itself read-only: the file reads, nothing there can be written.
    const readOnlyThenRun = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"';
    const run = (args: string[]) =>
      execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', readOnlyThenRun, data, process.execPath, ...cliArgs, ...args], {
        cwd: projectRoot,
        env,
        extendEnv: false,
        reject: false,
        timeout: 120_000,
      });
    const result = await run(['diagnose', 'duckdb']);
    expect(result.stdout).toContain('● Verdict: The database file cannot be written');
    expect(result.stdout).toContain(`${checkout.databasePath} cannot be written by this process (uid 0): on a read-only file system`);
    expect(result.stdout).not.toContain('Verdict: Healthy');
    expect(result.stdout).not.toMatch(/recover duckdb path=/);
    // Its tables were still read in full: the read-only verdict is not a guess over an unread file.
    expect(result.stdout).toMatch(/read all \d+ tables in full/);
    expect(result.exitCode).toBe(1);

    const writable = await execa(process.execPath, [...cliArgs, 'diagnose', 'duckdb'], { cwd: projectRoot, env, extendEnv: false, reject: false });
    expect(writable.stdout).toContain('● Verdict: Healthy');

    // Through a link, DuckDB writes beside the link's target: a read-only folder holding only the link does not matter,
    // a read-only folder holding the target does.
    const volume = path.join(dir, 'volume');
    fs.mkdirSync(volume);
    fs.renameSync(checkout.databasePath, path.join(volume, 'databox.duckdb'));
    fs.symlinkSync(path.join(volume, 'databox.duckdb'), checkout.databasePath);
    expect((await run(['diagnose', 'duckdb'])).stdout).toContain('● Verdict: Healthy');
    const targetReadOnly = await execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', readOnlyThenRun, volume, process.execPath, ...cliArgs, 'diagnose', 'duckdb'], {
      cwd: projectRoot,
      env,
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    expect(targetReadOnly.stdout).toContain(`${checkout.databasePath} (a link to ${path.join(volume, 'databox.duckdb')}) cannot be written by this process (uid 0): on a read-only file system`);
  }, 180_000);

  // A folder without write permission, for a process without root's powers (which would pass any mode): the corrupt
  // file in it needs a recovery, and every recovery would stop at its first move.
  it('says a database that needs a recovery sits in a folder nothing can be moved in, offers no path, and refuses one typed, moving nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-read-only-folder-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const data = path.dirname(checkout.databasePath);
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    const run = (args: string[]) => runCliProcess(args, { env, stdin: 'ignore', withoutRootPowers: true });
    const cannotWrite = `the folder ${data} cannot be written by this process (uid ${process.getuid?.()}): EACCES: mode 555, owner uid ${fs.statSync(data).uid}`;
    fs.chmodSync(data, 0o555);
    try {
      const diagnosed = await run(['diagnose', 'duckdb']);
      expect(diagnosed.stdout).toContain('● Verdict: The database needs a recovery, but its folder cannot be written');
      expect(diagnosed.stdout).toContain(`${cannotWrite}. The evidence above finds the database in need of a recovery`);
      expect(diagnosed.stdout).not.toMatch(/recover duckdb path=/);
      const incident = /dbx-\d{8}-[0-9a-f]{4}/.exec(diagnosed.stdout)?.[0];
      const recovered = await run(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob']);
      expect(recovered.code).toBe(2);
      expect(recovered.stderr).toContain(`refused, nothing was proposed: the step "Back up the broken file for forensics": ${cannotWrite}, so ${checkout.databasePath} cannot be moved: nothing was moved.`);
      expect(fs.readdirSync(data)).toEqual(['databox.duckdb']);
    } finally {
      fs.chmodSync(data, 0o755);
    }
  }, 180_000);

  it('says once that an approved plan was not started when its folder became read-only after it was proposed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-read-only-approve-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const data = path.dirname(checkout.databasePath);
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    const run = (args: string[]) => runCliProcess(args, { env, stdin: 'ignore', withoutRootPowers: true });
    const diagnosed = await run(['diagnose', 'duckdb']);
    const incident = /dbx-\d{8}-[0-9a-f]{4}/.exec(diagnosed.stdout)?.[0];
    // Proposed while the folder can be written; no approver at a pipe, so it waits.
    const proposed = await run(['recover', 'duckdb', 'path=a', `incident=${incident}`]);
    const [, planId, hash] = /approve (\S+) ([0-9a-f]{8})/.exec(proposed.stderr) ?? [];
    expect(planId).toBeDefined();
    fs.chmodSync(data, 0o555);
    try {
      const approved = await run(['approve', planId as string, hash as string, '--approver', 'bob']);
      expect(approved.code).toBe(2);
      const refusal = `plan ${planId} was not started, nothing was changed: the step "Back up the broken file for forensics": the folder ${data} cannot be written`;
      expect(approved.stdout).toContain(`✘ Recovery not started: ${refusal}`);
      // Before: the same refusal again on standard error, as "databox: plan … was not started, …".
      expect(`${approved.stdout}${approved.stderr}`.split(refusal)).toHaveLength(2);
      expect(fs.readdirSync(data)).toEqual(['databox.duckdb']);
    } finally {
      fs.chmodSync(data, 0o755);
    }
  }, 180_000);

  it.skipIf(!canSetImmutable)('names an immutable attribute, which root is refused by whatever the mode says', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-immutable-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: false });
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    await execa('chattr', ['+i', checkout.databasePath]);
    try {
      const result = await execa(process.execPath, [...cliArgs, 'diagnose', 'duckdb'], { cwd: projectRoot, env, extendEnv: false, reject: false });
      expect(result.stdout).toContain('● Verdict: The database file cannot be written');
      expect(result.stdout).toContain('EPERM: mode 644, owner uid 0; the mode allows it, so most likely an immutable or append-only attribute (lsattr shows it; chattr -i clears it)');
    } finally {
      await execa('chattr', ['-i', checkout.databasePath], { reject: false });
    }
  }, 180_000);
});
