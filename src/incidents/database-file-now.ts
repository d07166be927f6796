// What is at the database file's path now, as a sentence a thread message ends with.
import fs from 'node:fs';
import { fileAt, shownFile } from '../disk/file-identity.js';
import { knownGone } from '../disk/known-gone.js';

/** "Nothing is at /x/databox.duckdb now.", or the file there with its size and age, or what else is there. */
export function databaseFileNow(databasePath: string): string {
  const seen = fileAt(databasePath);
  if (seen && 'absent' in seen) return knownGone(databasePath) ? `Nothing is at ${databasePath} now.` : `${databasePath} is a symbolic link to nothing now.`;
  if (seen) return `${databasePath} is a file now (${shownFile(seen)}).`;
  return fs.existsSync(databasePath) ? `${databasePath} is not a regular file now.` : `${databasePath} cannot be looked at now.`;
}
