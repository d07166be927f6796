// The folder a step keeps a table's rows in, made before the database is opened: a read-only file system there is said
// as a copy and a move say it (where, what it likely means, what to do), the step failing with nothing changed.
import path from 'node:path';
import { makeFolder } from '../../disk/make-folder.js';
import { isReadOnlyFileSystem, readOnlyFix, readOnlySaid } from '../../disk/read-only-file-system.js';
import type { StepResult } from '../types.js';
import { plainName } from './table-exists.js';

/** Makes the folder of `file`; a StepResult saying why not when its file system is read-only (anything else is thrown). */
export function makeKeptRowsFolder(file: string, table: string): StepResult | undefined {
  const folder = path.dirname(file);
  try {
    makeFolder(folder);
    return undefined;
  } catch (error) {
    if (!isReadOnlyFileSystem(error)) throw error;
    const summary = `could not create ${folder} to keep the rows of ${plainName(table)} in: ${readOnlySaid(folder)}, so no rows were kept and nothing in the database changed: ${readOnlyFix}, then ask again`;
    return { status: 'failed', summary, durationMs: 0, outputs: {}, untouched: true };
  }
}
