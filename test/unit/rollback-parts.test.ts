// Tests the one list of what a rollback is made of (runbook/rollback-parts.ts), which the load checks and the making of a rollback both read: every part of every list, in order, each with where it is written.
import { describe, expect, it } from 'vitest';
import { rollbackPartTemplates, rollbackParts } from '../../src/runbook/rollback-parts.js';
import { recoveryPath } from '../../src/runbook/schema.js';

/** A path whose rollback has two of each part: inspect steps, guards, previews and steps, each reading its own value. */
const path = recoveryPath.parse({
  id: 'a',
  title: 'Move the file aside',
  description: 'Moves the file aside',
  steps: [{ id: 'move_db', kind: 'move', title: 'Move the file aside', from: 'db.duckdb', to: 'db.broken', mutates: true, destructive: true }],
  rollback: {
    title: 'Put the file back',
    inspect: [
      { id: 'list_kept', kind: 'command', title: 'What was kept', argv: ['ls', '{{recovery.move_db.to}}'] },
      { id: 'list_moved', kind: 'command', title: 'What was moved', argv: ['ls', 'moved'], onlyIfRan: 'move_db' },
    ],
    guards: [
      { id: 'kept_opens', kind: 'duckdb-open', title: 'The kept file opens', path: 'kept.duckdb' },
      { id: 'moved_opens', kind: 'duckdb-open', title: 'The moved file opens', path: 'moved.duckdb', onlyIfRan: 'move_db' },
    ],
    previews: [
      { id: 'kept_rows', title: 'Rows kept', sql: 'SELECT count(*) FROM kept' },
      { id: 'moved_rows', title: 'Rows moved', sql: 'SELECT count(*) FROM moved', onlyIfRan: 'move_db' },
    ],
    steps: [
      { id: 'restore_db', kind: 'move', title: 'Put the file back', from: 'db.broken', to: 'db.duckdb', onlyIfRan: 'move_db', mutates: true, destructive: true },
      { id: 'reload', kind: 'command', title: 'Reload', argv: ['task', 'reload'], mutates: true },
    ],
  },
});

describe("a rollback's parts", () => {
  it('are its inspect steps, guards, previews and steps, in that order, each with its list, place and name in messages', () => {
    expect(rollbackParts(path.rollback).map(({ list, index, what, part }) => `${list}[${index}] ${what} ${part.id} onlyIfRan=${part.onlyIfRan ?? '-'}`)).toEqual([
      'inspect[0] inspect step list_kept onlyIfRan=-',
      'inspect[1] inspect step list_moved onlyIfRan=move_db',
      'guards[0] guard kept_opens onlyIfRan=-',
      'guards[1] guard moved_opens onlyIfRan=move_db',
      'previews[0] preview kept_rows onlyIfRan=-',
      'previews[1] preview moved_rows onlyIfRan=move_db',
      'steps[0] step restore_db onlyIfRan=move_db',
      'steps[1] step reload onlyIfRan=-',
    ]);
  });

  it("are read for their templates as a step's or a preview's", () => {
    const [inspect, , , , preview] = rollbackParts(path.rollback);
    expect(rollbackPartTemplates(inspect!).map((use) => use.template)).toContain('{{recovery.move_db.to}}');
    expect(rollbackPartTemplates(preview!).map((use) => use.template)).toEqual(['SELECT count(*) FROM kept']);
  });

  it('are none for a path without a rollback', () => {
    expect(rollbackParts(undefined)).toEqual([]);
  });
});
