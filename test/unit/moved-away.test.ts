// The put-back a diagnosis names for a database file the bot moved away and left elsewhere: every log moved aside
// beside it (its .wal, and a checkpoint's .wal.checkpoint) goes back with it, and logs left at the path are named.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { movedAwayNote } from '../../src/incidents/moved-away.js';
import type { Run } from '../../src/incidents/state.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('moved-away-');

/** A rollback that moved the database (and, by steps that follow it, its logs) aside, as the journal replays it. */
function rollbackMoving(file: string, to: string): Run {
  const step = { id: 'aside', kind: 'move', title: 'Move the rebuilt (or half-built) file aside' };
  return {
    id: 'dbx-20261204-0001/4',
    startedAt: '2026-12-04T08:00:00.000Z',
    steps: [step],
    results: [{ stepId: 'aside', status: 'ok', outputs: { from: file, to } }],
  } as unknown as Run;
}

it('puts back every log moved aside with the file, the checkpoint log too, and names logs left at the path', () => {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  const aside = `${file}.rebuild-rolled-back`;
  for (const name of [aside, `${aside}.wal`, `${aside}.wal.checkpoint`]) fs.writeFileSync(name, 'x');
  const runs = [rollbackMoving(file, aside)];

  const note = movedAwayNote(file, runs);
  expect(note).toBe(
    ` The bot moved a file away from ${file} that is still where it left it: ${aside} (moved there by dbx-20261204-0001/4, "Move the rebuilt (or half-built) file aside"): ` +
      `\`mv -n ${aside} ${file} && mv -n ${aside}.wal.checkpoint ${file}.wal.checkpoint && mv -n ${aside}.wal ${file}.wal\` puts it and its logs (${aside}.wal.checkpoint, ${aside}.wal) back.`,
  );

  // The checkpoint's log alone moved aside: it alone goes back with the file.
  fs.rmSync(`${aside}.wal`);
  expect(movedAwayNote(file, runs)).toContain(`\`mv -n ${aside} ${file} && mv -n ${aside}.wal.checkpoint ${file}.wal.checkpoint\` puts it and its log (${aside}.wal.checkpoint) back.`);

  // Left at the path, a checkpoint's log is named as a write-ahead log is: either must go aside first.
  fs.writeFileSync(`${file}.wal.checkpoint`, 'x');
  expect(movedAwayNote(file, runs)).toContain(
    ` A log is at ${file}.wal.checkpoint now, a checkpoint's log, which DuckDB would replay or delete beside a file put there, so move it aside first.`,
  );
});
