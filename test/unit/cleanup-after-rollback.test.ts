// A cleanup (dropping an incident's clones) proposed after a rollback of that incident warns that a clone may be needed.
import { describe, expect, it } from 'vitest';
import { cleanupAfterRollback } from '../../src/incidents/against-diagnosis.js';
import type { Incident } from '../../src/incidents/state.js';
import type { RecoveryPath } from '../../src/runbook/schema.js';

const cleanup = { id: 'c', cleanup: true } as RecoveryPath;
const incidentWith = (runs: { id: string; kind: string; status: string; title: string }[]) => ({ id: 'dbx-20261203-aaaa', runs }) as unknown as Incident;

describe('a cleanup after a rollback', () => {
  it('warns, naming the rollback, when one of the incident ran; says nothing otherwise, or for a path that is no cleanup', () => {
    const swapped = [{ id: 'dbx-20261203-aaaa/2', kind: 'recovery', status: 'succeeded', title: 'Path A: Clone the moment' }];
    expect(cleanupAfterRollback(incidentWith(swapped), cleanup)).toBeUndefined();
    const rolledBack = [...swapped, { id: 'dbx-20261203-aaaa/5', kind: 'rollback', status: 'succeeded', title: 'Rollback of path S: Put the database back' }];
    expect(cleanupAfterRollback(incidentWith(rolledBack), cleanup)).toBe(
      'A rollback of this incident ran (plan dbx-20261203-aaaa/5, Rollback of path S: Put the database back): the database is back as it was before, so a restored clone this plan drops may be the one a new swap needs; once dropped, only UNDROP brings it back within the retention. Read the clones listed before approving.',
    );
    expect(cleanupAfterRollback(incidentWith(rolledBack), { id: 'a', cleanup: false } as RecoveryPath)).toBeUndefined();
    const failedRollback = [...swapped, { id: 'dbx-20261203-aaaa/5', kind: 'rollback', status: 'failed', title: 'Rollback of path S' }];
    expect(cleanupAfterRollback(incidentWith(failedRollback), cleanup)).toBeUndefined();
  });
});
