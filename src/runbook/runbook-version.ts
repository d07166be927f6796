// Which version of a runbook file a process loaded: the sha256 of its text, as `sha256sum runbooks/<id>.yml` prints it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Runbook } from './schema.js';

/** Each loaded runbook's version, kept beside it: the runbook itself is the file's data, frozen, with no room for it. */
const versions = new WeakMap<Runbook, string>();

/** Remembers the text a checked runbook was read from; returns the check as it was, so a loader can wrap what it returns. */
export function withVersion<R extends { ok: boolean; runbook?: Runbook }>(checked: R, text: string): R {
  if (checked.ok && checked.runbook) versions.set(checked.runbook, textVersion(text));
  return checked;
}

function textVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The version of the runbook file as it is on disk now, read as a load reads it (so the two compare); undefined when it
 * cannot be read. A process that loaded its runbooks at its start may hold an older one than this.
 */
export function fileVersion(file: string): string | undefined {
  try {
    return textVersion(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The full sha256 of the file's text the runbook was loaded from; undefined for one built otherwise (never read from a file). */
export function runbookVersion(runbook: Runbook | undefined): string | undefined {
  return runbook && versions.get(runbook);
}

/** Every loaded runbook's version by id, as a start records them. */
export function runbookVersions(runbooks: ReadonlyMap<string, Runbook>): Record<string, string> {
  return Object.fromEntries([...runbooks].flatMap(([id, runbook]) => {
    const version = runbookVersion(runbook);
    return version ? [[id, version]] : [];
  }));
}

/** The short form shown to people: enough of the hash to tell two versions apart, and to match `sha256sum`'s output by eye. */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}
