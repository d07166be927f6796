// A runbook written for an older version, holding a key this one no longer reads (the stop step's launchedBackfill), still loads, and the key is named to remove.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkRunbooks } from '../../src/runbook/load.js';
import { retiredKeyNotes } from '../../src/runbook/retired-key-notes.js';
import { runbooksCommand } from '../../src/terminal/runbooks-command.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-retired-keys-');

/** The bundled runbooks, with schedule.yml's rollback stop steps given launchedBackfill as it was bundled before the key was retired. */
function folderWithLaunchedBackfill(): { dir: string; text: string } {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const doc = parse(fs.readFileSync(path.join(dir, 'schedule.yml'), 'utf8')) as Record<string, any>;
  let added = 0;
  for (const recoveryPath of doc.recovery) {
    for (const step of recoveryPath.rollback?.steps ?? []) {
      if (step.kind !== 'dagster-schedule-stop') continue;
      step.launchedBackfill = '{{recovery.backfill.backfillId?}}';
      added += 1;
    }
  }
  expect(added, 'schedule.yml has rollbacks stopping schedules').toBeGreaterThan(0);
  const text = stringify(doc);
  fs.writeFileSync(path.join(dir, 'schedule.yml'), text);
  return { dir, text };
}

describe('a retired key in a runbook of an older version', () => {
  it('loads all the same, as the bot starts and runbooks check reads it', () => {
    const { dir } = folderWithLaunchedBackfill();
    expect(checkRunbooks(dir).problems).toEqual([]);
  });

  it('is named with its file and line, to be removed, and runbooks check says so beside OK', () => {
    const { dir, text } = folderWithLaunchedBackfill();
    const file = path.join(dir, 'schedule.yml');
    const lines = text.split('\n').flatMap((line, i) => (line.includes('launchedBackfill') ? [i + 1] : []));
    const notes = retiredKeyNotes(dir);
    expect(notes).toHaveLength(lines.length);
    notes.forEach((note, i) => expect(note).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lines[i]}: at recovery\\[\\d+\\]\\.rollback\\.steps\\[\\d+\\]\\.launchedBackfill: launchedBackfill is no longer read: the backfill step says this now; remove it$`)));
    const out: string[] = [];
    const err: string[] = [];
    const code = runbooksCommand(['runbooks', 'check', dir], { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toContain(`${notes.join('\n')}\n`);
    expect(out.join('')).toContain(`runbooks OK: 4 runbooks in ${dir}`);
  });

  it('is not said of the bundled runbooks, which hold none', () => {
    expect(retiredKeyNotes(path.join(projectRoot, 'runbooks'))).toEqual([]);
  });
});
