// The real CLI diagnosing a database it cannot reach though nothing is damaged: a symbolic link that loops back on
// itself, and a file of mode 0600 owned by another user, read by a user without root's powers. Each is said as what it is.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, standinBin } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const checkouts: Checkout[] = [];
afterEach(() => {
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

function setUp(): { checkout: Checkout; env: Record<string, string> } {
  const checkout = new Checkout();
  checkouts.push(checkout);
  return { checkout, env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, USER: 'alice', PATH: `${standinBin}:${process.env.PATH ?? ''}` }) };
}

describe('a database out of reach, at the terminal', { timeout: 120_000 }, () => {
  it('names a symbolic link that leads round to itself as a loop, with what to point at the file', async () => {
    const { checkout, env } = setUp();
    fs.symlinkSync('databox.duckdb', checkout.databasePath);
    const result = await runCliProcess(['diagnose', 'duckdb'], { env, stdin: 'ignore' });
    expect(result.stdout).toContain('Unreadable, but not damaged');
    expect(result.stdout).toContain(`${checkout.databasePath} is a symbolic link that leads round to itself (ELOOP: a loop of symbolic links), so no file is behind it: point the link, or DATABOX_DATABASE_PATH, at the database file`);
    // Advice for a file another DuckDB wrote has nothing to do with a link.
    expect(result.stdout).not.toContain('storage version');
  });

  it.runIf(process.getuid?.() === 0)('names the mode and the owner of a file the bot\'s user may not read', async () => {
    const { checkout, env } = setUp();
    await createHealthyDatabase(checkout.databasePath, 100);
    fs.chmodSync(checkout.databasePath, 0o600);
    fs.chownSync(checkout.databasePath, 65534, 65534);
    const result = await runCliProcess(['diagnose', 'duckdb'], { env, stdin: 'ignore', withoutRootPowers: true });
    expect(result.stdout).toContain('Unreadable, but not damaged');
    expect(result.stdout).toContain(`${checkout.databasePath} cannot be read by this process (uid 0): EACCES (mode 0600, owner uid 65534, group gid 65534): give the bot's user read access (chmod, chown, or its group)`);
    // Nor with a permission.
    expect(result.stdout).not.toContain('storage version');
  });
});
