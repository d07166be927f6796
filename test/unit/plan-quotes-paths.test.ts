// Tests that path B's plan quotes a backup path with spaces alike in every step that names it (the step kinds' describe).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/engine/describe.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { projectRoot } from '../support/fixtures.js';

describe("path B's plan, for a backup whose path has spaces", () => {
  it('quotes it in the guards and the full read as in the copy, so each reads as one path', () => {
    const root = '/srv/databox';
    const backup = `${root}/bk dir/old backup.duckdb`;
    const pathB = loadRunbooks(path.join(projectRoot, 'runbooks')).get('duckdb')?.recovery.find((p) => p.id === 'b');
    const values = { backup, database_path: `${root}/data/databox.duckdb`, incident_id: 'dbx-20261205-0001', now: '20261205T000000Z' };
    const steps = resolveSteps([...(pathB?.guards ?? []), ...(pathB?.steps ?? [])], { root, values });
    const naming = steps.map((step) => describeStep(step, root)).filter((text) => text.includes('old backup.duckdb'));
    // Before: "open bk dir/old backup.duckdb read-only …" in the guards and the read, "cp 'bk dir/old backup.duckdb' …" in the copy.
    expect(naming.length).toBeGreaterThanOrEqual(4);
    for (const text of naming) {
      expect(text).toContain("'bk dir/old backup.duckdb'");
      expect(text.replaceAll("'bk dir/old backup.duckdb'", '')).not.toContain('old backup.duckdb');
    }
  });
});
