// Whether the postmortem written before differs from a new one only by where each was written: then it is replaced in place.
import { sameKeptButUnchecked } from './kept-on-disk.js';

/**
 * Whether the postmortem written before says the same as this one once the state dir it names (its journal's folder,
 * where it was written) is read as this one's, and where one of them could not look at the files the plans kept (its
 * checkout not on that machine) and the other could: a state dir copied to another DATABOX_STATE_DIR (`cp -a`), or a
 * postmortem written with and without DATABOX_ROOT, is not a later event nor an edit, and is not set aside as differing.
 */
export function sameButWhereWritten(before: string, markdown: string, stateDir: string): boolean {
  const named = /`([^`]+)\/journal\.jsonl`/.exec(before)?.[1];
  const asHere = named !== undefined && named !== stateDir ? before.replaceAll(`${named}/`, `${stateDir}/`) : before;
  if (asHere === markdown) return true;
  const was = asHere.split('\n');
  const now = markdown.split('\n');
  return was.length === now.length && was.every((line, i) => line === now[i] || sameKeptButUnchecked(line, now[i] as string));
}
