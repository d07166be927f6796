// A backup path that names nothing, at the terminal: what to give is said with the database file as it is named here,
// never the runbook's example name (databox.duckdb) for a database called otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('recover duckdb path=b with a backup path that does not exist', () => {
  it("names the database file as it is here, not databox.duckdb, and creates nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-missing-backup-'));
    temps.push(dir);
    const checkout = await buildTestCheckout(dir, { corrupt: true });
    const database = path.join(path.dirname(checkout.databasePath), 'Dätä böx-1.duckdb');
    fs.renameSync(checkout.databasePath, database);
    const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), DATABOX_DATABASE_PATH: database });
    const missing = path.join(dir, 'backups', 'gone.duckdb');
    const result = await runCliProcess(['recover', 'duckdb', 'path=b', `backup=${missing}`], { env, stdin: 'ignore' });
    expect(result.code).toBe(2);
    // Before: "backup= is a backup copy of databox.duckdb that opens read-only …".
    expect(result.stderr).not.toContain('copy of databox.duckdb');
    expect(result.stderr).toContain(
      `databox: backup=${missing}: ${missing} does not exist. backup= is a backup copy of the database file that opens read-only (its path, such as /backups/databox.duckdb); the database file here is ${database}: give the backup's full path, as it is on the bot's host`,
    );
    expect(fs.existsSync(missing)).toBe(false);
  }, 120_000);
});
