// The disk watcher's words as Slack shows them: the database by its file, the state dir by name, no folder of the server.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchPathsNamed } from '../../src/slack/watch-paths-named.js';
import { diskWatcher } from '../../src/watchers/disk-watcher.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('watch-paths-named-');
const checkedAt = new Date('2026-04-21T09:00:00Z');

describe('the disk watcher named for Slack', () => {
  it('names the state dir by name, and the folder measured for a missing database as the folder above it', async () => {
    const root = tempDir();
    const stateDir = path.join(root, 'var');
    fs.mkdirSync(stateDir);
    const databasePath = path.join(root, 'gone', 'databox.duckdb');
    const named = watchPathsNamed(databasePath, stateDir);

    const stateOnly = await diskWatcher({ paths: [stateDir], alertPercent: 1, fullPercent: 100, enabled: true }).check(checkedAt);
    expect(named(stateOnly.summary)).toMatch(/^Disk at or over 1%: the volume holding the state dir \d+% used/);

    const missing = await diskWatcher({ paths: [databasePath], alertPercent: 1, fullPercent: 100, enabled: true }).check(checkedAt);
    expect(missing.summary).toContain(`${databasePath} (not there: measured the volume holding ${root} instead)`);
    expect(named(missing.summary)).toContain('the volume holding databox.duckdb (not there: measured the volume of the nearest folder above it instead) ');
    expect(missing.details.map(named).join('\n')).not.toContain(root);
  });
});
