// A runbook text checked once per process: the same text gives the same (frozen) result, another text is checked anew.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbookText } from '../../src/runbook/load.js';
import { projectRoot } from '../helpers/cli-process.js';

const file = path.join(projectRoot, 'runbooks', 'duckdb.yml');
const text = fs.readFileSync(file, 'utf8');

describe('checkRunbookText', () => {
  it('gives the same result for the same file and text, frozen so no caller changes what the next one gets', () => {
    const first = checkRunbookText(text, file);
    expect(first.ok).toBe(true);
    expect(checkRunbookText(text, file)).toBe(first);
    if (!first.ok) return;
    expect(Object.isFrozen(first.runbook.diagnosis.steps)).toBe(true);
    expect(() => (first.runbook.diagnosis.steps as unknown[]).push({})).toThrow(TypeError);
    expect(() => Object.assign(first.runbook, { title: 'changed' })).toThrow(TypeError);
  });

  it('checks an edited text, or the same text under another name, anew', () => {
    const first = checkRunbookText(text, file);
    const edited = checkRunbookText(text.replace(/^title: .*$/m, 'title: Blown DuckDB file, edited'), file);
    expect(edited).not.toBe(first);
    expect(edited.ok && edited.runbook.title).toBe('Blown DuckDB file, edited');
    const renamed = checkRunbookText(text, path.join(path.dirname(file), 'other.yml'));
    expect(renamed.ok).toBe(false);
    expect(!renamed.ok && renamed.problems.join('\n')).toContain('must match the file name "other"');
  });
});
