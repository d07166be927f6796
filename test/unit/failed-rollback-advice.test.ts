// Tests failedRollbackAdvice (src/incidents/failed-rollback-advice.ts): what a failed rollback left, said truly when an
// earlier rollback of the same recovery had changed things already.
import { describe, expect, it } from 'vitest';
import { failedRollbackAdvice } from '../../src/incidents/failed-rollback-advice.js';
import type { Run } from '../../src/incidents/state.js';

const step = (id: string, title: string) => ({ id, title, kind: 'move', mutates: true, destructive: true, acceptStatuses: [], guard: false });
const steps = [step('aside_rebuilt', 'Move the rebuilt (or half-built) file aside'), step('restore_db', 'Put the original file back')];
const rollback = (id: string, asideStatus: 'ok' | 'skipped') =>
  ({
    id,
    kind: 'rollback',
    rollbackOf: 'dbx-20261204-3f88/2',
    steps,
    results: [
      { stepId: 'aside_rebuilt', status: asideStatus, summary: asideStatus === 'ok' ? 'moved data/databox.duckdb → data/databox.duckdb.rebuild-rolled-back' : 'nothing to move', outputs: {} },
      { stepId: 'restore_db', status: 'failed', summary: 'data/databox.duckdb.broken does not exist', outputs: {}, untouched: true },
    ],
  }) as unknown as Run;

describe('the advice after a failed rollback', () => {
  it('says a rollback that changed nothing left the database as the recovery did, when nothing else rolled it back', () => {
    expect(failedRollbackAdvice(rollback('dbx-20261204-3f88/5', 'skipped'))).toContain('It changed nothing: the database is as the recovery left it.');
  });

  it('says a second rollback that changed nothing left things as the first one did, and what is at the database path now', () => {
    const first = rollback('dbx-20261204-3f88/4', 'ok');
    const advice = failedRollbackAdvice(rollback('dbx-20261204-3f88/5', 'skipped'), { earlier: [first], databaseNow: 'Nothing is at /srv/databox/data/databox.duckdb now.' });
    expect(advice).not.toContain('as the recovery left it.');
    expect(advice).toContain(
      'It changed nothing itself, but the database is not as the recovery left it: the earlier rollback dbx-20261204-3f88/4 (Move the rebuilt (or half-built) file aside) changed it, and that is still so. Nothing is at /srv/databox/data/databox.duckdb now.',
    );
  });
});
