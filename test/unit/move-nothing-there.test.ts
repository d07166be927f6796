// Tests how a plan shows a move with nothing at its source as the plan is made (src/engine/steps/move-step.ts, and the
// log of a database the stack writes, left unpinned by pinnedAsWritten in src/incidents/against-diagnosis.ts).
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/engine/describe.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { pinnedAsWritten } from '../../src/incidents/against-diagnosis.js';

const move = (from: string, asPlanned?: object): ResolvedStep =>
  ({ id: 'move_wal', title: 'Move its write-ahead log with it', kind: 'move', from, to: `${from}.broken`, ifMissing: 'skip', ifTaken: 'suffix', mutates: true, destructive: true, acceptStatuses: [], timeoutMs: 60_000, guard: false, ...(asPlanned ? { asPlanned } : {}) }) as unknown as ResolvedStep;

describe('a move with nothing at its source as the plan is made', () => {
  it('says so under it: nothing to move', () => {
    expect(describeStep(move('/srv/databox/data/old.duckdb', { absent: true }), '/srv/databox')).toContain('\n-- nothing is at data/old.duckdb as the plan is made: nothing to move');
    expect(describeStep(move('/srv/databox/data/old.duckdb', { bytes: 10, modifiedAt: '2026-12-03T00:00:00.000Z' }), '/srv/databox')).not.toContain('nothing is at');
  });

  it("says so for the log of a database the stack writes, which is left unpinned, and that the database's next write may make one", () => {
    const [log] = pinnedAsWritten([move('/srv/databox/data/databox.duckdb.wal', { absent: true })], new Set(['/srv/databox/data/databox.duckdb']));
    expect(log).not.toHaveProperty('asPlanned');
    expect(describeStep(log as ResolvedStep, '/srv/databox')).toContain(
      "\n-- nothing is at data/databox.duckdb.wal as the plan is made: nothing to move, unless the database's next write makes one, which moves with it",
    );
  });
});
