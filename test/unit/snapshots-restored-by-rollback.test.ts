// Which of a recovery's named snapshots its rollback restores by name, read from the shipped runbooks' rollback steps:
// scenario 3's undo restores the one taken before its swap or in-place restore; scenario 2's put kept rows back instead.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../src/runbook/load.js';
import { snapshotStepsRestoredByRollback } from '../../src/runbook/snapshots-restored-by-rollback.js';
import { projectRoot } from '../support/fixtures.js';

const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));

function restored(scenario: string, pathId: string): string[] {
  const found = runbooks.get(scenario)?.recovery.find((p) => p.id === pathId);
  if (!found) throw new Error(`${scenario} has no path ${pathId}`);
  return [...snapshotStepsRestoredByRollback(found)];
}

describe('snapshotStepsRestoredByRollback', () => {
  it("names the snapshot scenario 3's rollbacks restore by name", () => {
    expect(restored('motherduck', 's')).toEqual(['swap_snapshot']);
    expect(restored('motherduck', 'b')).toEqual(['restore_snapshot']);
  });

  it("names none for scenario 2's rollbacks, which put kept rows back, nor for a path without a rollback", () => {
    expect(restored('backfill', 'a')).toEqual([]);
    expect(restored('backfill', 'b')).toEqual([]);
    expect(restored('backfill', 'c')).toEqual([]);
  });
});
