// Path A typed at the terminal for a database whose folder is on a read-only file system that is also short of room:
// the refusal names the read-only folder, which no room would put right, not only the room. The real CLI, in a user and
// mount namespace whose data/ is a small file system remounted read-only once the database is in it.
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

describe('path A on a read-only folder short of room', () => {
  it.skipIf(!unshareWorks)('is refused for the read-only folder first, before anything is proposed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-read-only-full-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const data = path.dirname(checkout.databasePath);
    const corrupt = path.join(dir, 'corrupt.duckdb');
    fs.renameSync(checkout.databasePath, corrupt);
    const size = fs.statSync(corrupt).size;
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    // Room for the file and less than as much again: a rebuild beside it would not fit either.
    const script = `mount -t tmpfs -o size=${Math.ceil((size * 1.5) / 4096) * 4096} tmpfs "$0" && cp "$1" "$0/databox.duckdb" && mount -o remount,ro "$0" && shift && "$@"`;
    const inside = ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', script, data, corrupt];
    const result = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], { env, stdin: 'ignore', inside });
    expect(result.stdout + result.stderr).toMatch(/refused, nothing was proposed: the step "Back up the broken file for forensics": [^\n]*read-only file system/);
    expect(result.stdout + result.stderr).not.toMatch(/has room for a rebuild[^\n]*did not pass/);
  }, 180_000);
});
