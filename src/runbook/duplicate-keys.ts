// Each key written twice in one mapping of a runbook file, with both lines: YAML holds one value per key, so one would not be read.
import { isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import { formatPath, type DataPath, type LineAt } from './yaml-lines.js';

/** The data path of a node from its ancestors as visit gives them: each pair's key, each list item's index. */
function dataPathOf(ancestors: readonly unknown[], node: unknown): DataPath {
  const chain = [...ancestors, node];
  return chain.flatMap((item, i): PropertyKey[] => {
    if (isPair(item) && isScalar(item.key)) return [String(item.key.value)];
    if (isSeq(item) && i + 1 < chain.length) return [item.items.indexOf(chain[i + 1] as never)];
    return [];
  });
}

/** "at line N: at <path>: …" for every repeat of a key in a mapping, N its line, naming the line it was first written on. */
export function duplicateKeyProblems(doc: Document, lineAt: LineAt): string[] {
  const problems: string[] = [];
  visit(doc, {
    Map: (_key, map, ancestors) => {
      const firstLine = new Map<string, number | undefined>();
      for (const pair of map.items) {
        // A merge key (<<) may be given more than once: it is no value of the mapping's own.
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        const name = String(pair.key.value);
        const line = lineAt(pair.key.range?.[0]);
        if (!firstLine.has(name)) {
          firstLine.set(name, line);
          continue;
        }
        const at = formatPath([...dataPathOf(ancestors, map), name]);
        problems.push(
          `at line ${line ?? '?'}: at ${at}: "${name}" is written twice in this mapping, at lines ${firstLine.get(name) ?? '?'} and ${line ?? '?'}: a mapping holds one value per key, so one of them would not be read; keep the one meant and take the other out`,
        );
      }
    },
  });
  return problems;
}
