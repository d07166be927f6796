// Tests what an operator editing a runbook is told of mistakes a document, a chat or a type mix-up plants: each said plainly, with what to write.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbooks } from '../../src/runbook/load.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-runbook-edit-messages-');

/** A folder of the bundled runbooks, which each one's texts name. */
function runbooks(): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  return dir;
}

/** The index of duckdb.yml's recovery step running `sqlmesh plan prod --auto-apply`, and of that option in it. */
function autoApply(doc: Doc): { path: number; step: number; arg: number } {
  for (const [p, recovery] of (doc.recovery as Doc[]).entries()) {
    for (const [s, step] of (recovery.steps as Doc[]).entries()) {
      const arg = Array.isArray(step.argv) ? step.argv.indexOf('--auto-apply') : -1;
      if (arg !== -1) return { path: p, step: s, arg };
    }
  }
  throw new Error('duckdb.yml runs no sqlmesh plan --auto-apply');
}

describe('an argv option typeset with en or em dashes', () => {
  it('is refused naming the character, where it is, and the option to write', () => {
    const doc = bundled('duckdb.yml');
    const at = autoApply(doc);
    doc.recovery[at.path].steps[at.step].argv[at.arg] = '\u2013\u2013auto-apply';
    doc.validation.steps[2].argv.push('-\u2014force');
    const last = doc.validation.steps[2].argv.length - 1;
    const dashes = 'starts with dashes that are not hyphens, as a document or a chat typesets them: the program would read it as an argument, not the option';
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([
      `at recovery[${at.path}].steps[${at.step}].argv[${at.arg}]: "\u2013\u2013auto-apply" ${dashes} --auto-apply it looks like. Write --auto-apply (it holds an en dash "\u2013" (U+2013) at the start (type a plain hyphen - instead), an en dash "\u2013" (U+2013) after "\u2013" (type a plain hyphen - instead))`,
      `at validation.steps[2].argv[${last}]: "-\u2014force" ${dashes} --force it looks like. Write --force (it holds an em dash "\u2014" (U+2014) after "-" (type a plain hyphen - instead))`,
    ]);
  });

  it('is no option where the dash is inside a word (a range of days in prose passed on)', () => {
    const doc = bundled('duckdb.yml');
    doc.validation.steps[2].argv.push('--note=Mon\u2013Fri');
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([]);
  });
});

/** The problems `runbooks check` finds in the bundled runbooks with duckdb.yml's text edited so, each without its folder. */
function editedText(edit: (text: string) => string): string[] {
  const dir = runbooks();
  const file = path.join(dir, 'duckdb.yml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  return checkRunbooks(dir).problems.map((line) => line.replace(`${dir}/`, ''));
}

describe('a non-breaking space in the YAML, where a space goes', () => {
  const line = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').split('\n').indexOf('      timeout: 30s') + 1;
  const nbsp = 'holds a non-breaking space (U+00A0), which looks like a space but is none to YAML, so the line cannot be read: type a plain space there';

  it('is named with its line and column after a key, not as YAML\'s own message', () => {
    expect(editedText((text) => text.replace('      timeout: 30s\n', '      timeout:\u00a030s\n'))).toEqual([`duckdb.yml:${line}: column 15 ${nbsp}`]);
  });

  it('is named with its line and column in the indent', () => {
    expect(editedText((text) => text.replace('      timeout: 30s\n', '\u00a0     timeout: 30s\n'))).toEqual([`duckdb.yml:${line}: column 1 ${nbsp}`]);
  });
});

describe('a value of the wrong type, as an operator types it', () => {
  it('says what was read and what to write: a list, a number, a value after the colon', () => {
    const doc = bundled('duckdb.yml');
    const steps = doc.diagnosis.steps as Doc[];
    const audit = steps.findIndex((s) => s.id === 'audit');
    const scan = steps.findIndex((s) => s.id === 'scan');
    const timed = steps.findIndex((s) => s.timeout !== undefined);
    const fresh = (doc.validation.steps as Doc[]).findIndex((s) => s.windowMaxDays !== undefined);
    const verdict = (doc.diagnosis.verdicts as Doc[]).findIndex((v) => (v.paths ?? []).length > 0);
    (steps[audit] as Doc).argv = 'uv run sqlmesh audit';
    (steps[scan] as Doc).expectSchemas = 'raw_ebird, raw_noaa';
    (steps[timed] as Doc).timeout = null;
    doc.validation.steps[fresh].windowMaxDays = '62';
    doc.diagnosis.verdicts[verdict].paths = 'a';
    expect(refusalOf(runbooks(), 'duckdb.yml', doc).sort()).toEqual(
      [
        `at diagnosis.steps[${audit}].argv: "uv run sqlmesh audit" is one text where a list goes: write it in brackets, one element each: [uv, run, sqlmesh, audit]`,
        `at diagnosis.steps[${scan}].expectSchemas: "raw_ebird, raw_noaa" is one text where a list goes: write it in brackets, one element each: [raw_ebird, raw_noaa]`,
        `at diagnosis.steps[${timed}].timeout: has nothing after "timeout:", which YAML reads as no value: give its value (a duration such as 30s or 15m), or leave the key out where it may be left out`,
        `at validation.steps[${fresh}].windowMaxDays: "62" is text where a number goes: write 62, without quotes`,
        `at diagnosis.verdicts[${verdict}].paths: "a" is one text where a list goes: write it in brackets, one element each: [a]`,
      ].sort(),
    );
  });
});
