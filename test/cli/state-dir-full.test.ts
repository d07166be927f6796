// A corrupt database whose own volume has room, diagnosed while the bot's state dir is on a full volume: the verdict
// is the state dir's (the bot cannot journal, where, and what to free), with the file said corrupt, never "Disk full,
// and the database file is lost". The real CLI, in a user and mount namespace whose state dir is a full 1 MiB tmpfs.
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

describe('a diagnosis with the state dir\'s volume full and the database\'s not', () => {
  it.skipIf(!unshareWorks)('says the state dir is full, naming it, and the file corrupt: not a full disk that lost the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-state-dir-full-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
    // A 1 MiB volume over the state dir, filled to its last byte before the CLI starts.
    const script = 'mount -t tmpfs -o size=1m tmpfs "$0" && { head -c 2000000 /dev/zero > "$0/filler" 2>/dev/null; "$@"; }';
    const inside = ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', script, checkout.stateDir];
    const result = await runCliProcess(['diagnose', 'duckdb'], { env, stdin: 'ignore', inside });
    const said = (result.stdout + result.stderr).replace(/\s+/g, ' ');
    expect(said).not.toContain('Disk full');
    expect(said).not.toContain('is lost');
    expect(said).toContain("The bot's state dir is full — it cannot write its journal; free space there first");
    expect(said).toContain(`The volume holding the bot's state dir, ${checkout.stateDir}, is full (`);
    expect(said).toContain(`step outputs under ${checkout.stateDir}/outputs and postmortems under ${checkout.stateDir}/postmortems can be moved to another volume`);
    expect(said).toMatch(/The database's own volume has room: this is not the database's disk\./);
    expect(said).toMatch(/The database file, as the evidence above found it: does not open: [^.]*Corrupt database file/i);
  }, 180_000);
});
