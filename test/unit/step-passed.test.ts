// How a step's outcome is said: a guard's accepted status carries a note (good news it hopes for does not), a run's steps
// are counted, and a clone made beside the database is no change to it.
import { describe, expect, it } from 'vitest';
import { acceptedNote, changesData, passedCount, writesOnlyBeside } from '../../src/engine/step-passed.js';

describe('acceptedNote', () => {
  const notHeld = { guard: true, acceptStatuses: ['missing', 'corrupt', 'wal-damaged'] };

  it('notes a problem a guard lets pass, so a red-looking status is not read as the guard failing', () => {
    expect(acceptedNote(notHeld, 'corrupt')).toBe(' (accepted by this check)');
    expect(acceptedNote({ guard: true, acceptStatuses: ['wal-damaged'] }, 'wal-damaged')).toBe(' (accepted by this check)');
  });

  it('says nothing after good news a guard asks for (a restorable moment), after ok, or after a status it refused', () => {
    expect(acceptedNote({ guard: true, acceptStatuses: ['restorable'] }, 'restorable')).toBe('');
    expect(acceptedNote({ guard: true, acceptStatuses: ['healthy'] }, 'healthy')).toBe('');
    expect(acceptedNote(notHeld, 'ok')).toBe('');
    expect(acceptedNote(notHeld, 'locked')).toBe('');
  });

  it('says nothing after a step that is no guard: its accepted status is its goal', () => {
    expect(acceptedNote({ acceptStatuses: ['fresh'] }, 'fresh')).toBe('');
    expect(acceptedNote({ guard: false, acceptStatuses: ['corrupt'] }, 'corrupt')).toBe('');
  });
});

describe('passedCount', () => {
  it('counts a skipped step apart from those that passed, as a validation that stopped at its first step reads', () => {
    const steps = [{ id: 'freshness', acceptStatuses: [] }, { id: 'verify', acceptStatuses: [] }];
    expect(passedCount(steps, [{ stepId: 'freshness', status: 'stale' }, { stepId: 'verify', status: 'skipped' }])).toBe('0 steps passed, 1 skipped (each says why), 1 did not');
  });
});

describe('a new database made from the plan\'s own (a clone)', () => {
  const sql = (text: string) => ({ id: 'x', kind: 'sql', title: 'x', mutates: true, sql: text });

  it('changes no data of it, whatever the statement says beside it: IF NOT EXISTS, a snapshot, a comment', () => {
    expect(changesData(sql('CREATE DATABASE "databox_broken_x" FROM "databox"'))).toBe(false);
    expect(changesData(sql('create database if not exists "db_b" from "db" -- kept for later'))).toBe(false);
    expect(changesData(sql(`CREATE DATABASE "r" FROM "db" (SNAPSHOT_NAME 'x; DROP DATABASE db')`))).toBe(false);
  });

  it('is a change when it replaces one, or when any other statement of the step changes data', () => {
    expect(changesData(sql('CREATE OR REPLACE DATABASE "databox" FROM "other"'))).toBe(true);
    expect(changesData(sql('CREATE DATABASE "b" FROM "db"; DELETE FROM t WHERE id < 3'))).toBe(true);
    expect(changesData(sql('COPY FROM DATABASE "r" (OVERWRITE) TO "db"'))).toBe(true);
  });

  it('leaves a plan of a clone and its counts writing only beside the database; a swap writes to it', () => {
    const clone = [{ kind: 'sql', mutates: true, sql: 'CREATE DATABASE "r" FROM "db"' }, { kind: 'table-counts', mutates: false }];
    expect(writesOnlyBeside(clone)).toBe(true);
    expect(writesOnlyBeside([...clone, { kind: 'named-snapshot', mutates: true }, { kind: 'sql', mutates: true, sql: 'COPY FROM DATABASE "r" (OVERWRITE) TO "db"' }])).toBe(false);
    expect(writesOnlyBeside([]), 'a plan with no steps recorded is not known to write only beside').toBe(false);
  });
});
