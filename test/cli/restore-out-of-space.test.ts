// Path B's copy stopped by a full volume: the bot removes its partial copy, so the copy is not said to have changed
// anything, and what is at the database path now is said with what to do. The real CLI, in a user and mount namespace
// whose data/ is a file system with no inode left for the copy (ENOSPC), the corrupt database put there first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const unshareWorks = (await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false })).exitCode === 0;
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** The short hash the approver types, read from the CLI's prompt. */
const hashIn = (prompt: string) => /\(([0-9a-f]{8})\)/.exec(prompt)?.[1] ?? null;

describe('path B on a volume that runs out of room as the backup is copied into place', () => {
  it.skipIf(!unshareWorks)('says the copy left no database at the path, to roll back or free space, and does not list it as a change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-restore-no-space-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const data = path.dirname(checkout.databasePath);
    const corrupt = path.join(dir, 'corrupt.duckdb');
    fs.renameSync(checkout.databasePath, corrupt);
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    // Three inodes: the folder, the database, and one for the copy's partial file. Each name a file gains takes one
    // too, so the database moves aside (its old name given back), the copy is written, and naming it the database fails.
    const script = 'mount -t tmpfs -o size=512m,nr_inodes=3 tmpfs "$0" && cp "$1" "$0/databox.duckdb" && shift && "$@"; ended=$?; echo "data/: $(ls -A "$0")"; exit $ended';
    const inside = ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', script, data, corrupt];
    const result = await runCliProcess(['recover', 'duckdb', 'path=b', `backup=${checkout.backup}`, '--approver', 'bob'], { env, answer: hashIn, inside });
    expect(result.stdout).toContain(
      `could not copy ${checkout.backup} → ${checkout.databasePath}: ENOSPC: no space left on device, link '${checkout.databasePath}.partial-`,
    );
    expect(result.stdout).toContain(`; its partial copy was removed: no database at ${checkout.databasePath} now: roll back, or free space and propose again`);
    const changed = result.stdout.slice(result.stdout.indexOf('Changed before it stopped'));
    expect(changed).toContain('• Back up the broken file for forensics: moved');
    expect(changed).not.toContain('• Copy the backup into place');
    expect(result.stdout).toContain('data/: databox.duckdb.broken\n');
  }, 180_000);
});
