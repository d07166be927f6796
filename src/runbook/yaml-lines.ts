// Where in a runbook file a path of its data was written: the line an operator's editor opens at.
import { isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';

/** A path inside a runbook (diagnosis.steps[3].onlyIf), as keys and indexes. */
export type DataPath = readonly PropertyKey[];

/** The line of an offset in the file's text, as read-yaml.ts counts lines for all its problems. */
export type LineAt = (offset: number | undefined) => number | undefined;

/**
 * The line where the deepest part of `at` that the file spells out was written: the key itself, or the mapping or
 * list item it is missing from, or the alias or merge key its value came through. Undefined for an empty file.
 * throughAliases: followed into the anchored value instead, so that two paths reading one node give its one line.
 */
export function lineOfPath(doc: Document, lineAt: LineAt, at: DataPath, throughAliases = false): number | undefined {
  let node: unknown = doc.contents;
  let line = lineAt((node as { range?: [number] } | null)?.range?.[0]);
  for (const part of at) {
    if (isAlias(node) && throughAliases) node = node.resolve(doc);
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      line = lineAt((pair.key as { range?: [number] }).range?.[0]) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as { range?: [number] } | undefined;
      if (!item) break;
      line = lineAt(item.range?.[0]) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/**
 * The path a problem names ("recovery[0].steps[4].onlyIf"), back as keys and indexes; undefined for a place named in
 * words ("step go"), which has no line of its own.
 */
export function pathOfText(text: string): DataPath | undefined {
  if (!/^[\w-]+(\[\d+\]|\.[\w-]+)*$/.test(text)) return undefined;
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] as string)));
}

/** A path as problems name it: diagnosis.steps[3].onlyIf. */
export function formatPath(parts: DataPath): string {
  if (parts.length === 0) return '(top level)';
  return parts.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}
