// Loads a bundled runbook with one mistake planted in it, and returns the lines of the refusal (the file's path cut off).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import { projectRoot } from './fixtures.js';
import { escapeRegExp } from './escape-regexp.js';

export type Doc = Record<string, any>;

const parsed = new Map<string, Doc>();

/**
 * A bundled runbook as data, the caller's own copy to plant a mistake in: each file is parsed once per test process (a
 * tenth of a second of CPU each time, for every one of hundreds of planted mistakes).
 */
export function bundled(name: string): Doc {
  let doc = parsed.get(name);
  if (!doc) {
    doc = parse(fs.readFileSync(path.join(projectRoot, 'runbooks', name), 'utf8')) as Doc;
    parsed.set(name, doc);
  }
  return structuredClone(doc);
}

/** Loads a directory (from `tempDir`) holding only `doc` as `name`; the refusal's lines, or [] when it loaded. */
export function refusalOf(dir: string, name: string, doc: Doc): string[] {
  fs.writeFileSync(path.join(dir, name), stringify(doc));
  try {
    loadRunbooks(dir);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    // "file:line: at …": the line is checked where a test is about it (runbook-load-problems.test.ts).
    const prefix = new RegExp(`^${escapeRegExp(path.join(dir, name))}(:\\d+)?: `);
    return (error as Error).message.split('\n').map((line) => line.replace(prefix, ''));
  }
}
