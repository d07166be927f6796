// The runbooks' lists of the stack's marts (a freshness step's marts, a scan's expectMarts) name the same marts across a folder.
import { closestName } from './did-you-mean.js';
import { placeOf, stepsAt } from './every-step.js';
import type { NodeLine } from './mart-sla-agreement.js';
import type { Runbook } from './schema.js';
import { pathOfText } from './yaml-lines.js';

interface MartList {
  runbook: string;
  /** diagnosis.steps[0].marts */
  at: string;
  tables: string[];
}

/** Each list once per YAML node: an alias (schedule.yml's validation reading `*marts`) is the same list, edited once. */
function martLists(all: ReadonlyMap<string, Runbook>, nodeLine: NodeLine): MartList[] {
  const lists = new Map<string, MartList>();
  for (const rb of all.values()) {
    for (const [at, step] of stepsAt(rb)) {
      const field = step.kind === 'mart-freshness' ? 'marts' : step.kind === 'duckdb-scan' ? 'expectMarts' : undefined;
      const marts = field === undefined ? [] : ((step as Record<string, unknown>)[field] as { table: string }[]);
      if (field === undefined || marts.length === 0) continue;
      const where = `${placeOf(at)}.${field}`;
      // The line of its first mart: an alias's own node is where the alias is written, its items are the anchor's.
      const node = `${rb.id} ${nodeLine(rb.id, pathOfText(`${where}[0]`) ?? []) ?? where}`;
      if (!lists.has(node)) lists.set(node, { runbook: rb.id, at: where, tables: marts.map((mart) => mart.table) });
    }
  }
  return [...lists.values()];
}

const placeText = (list: MartList) => `${list.runbook}.yml ${list.at}`;

/**
 * A mart misspelt or left out of one list goes unchecked there: scenario 4 and the stale-marts watcher read
 * schedule.yml's, scenario 1's validation duckdb.yml's. A mart most lists name is missing from the others; one fewer
 * than half name is theirs alone (a typo of a missing one, when close). Said in `rb` for its own lists; nothing while a
 * runbook of the folder did not load (its lists are not there to count).
 */
export function martListProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>, nodeLine: NodeLine, refused: ReadonlySet<string>): string[] {
  if (refused.size > 0) return [];
  const lists = martLists(all, nodeLine);
  const named = (table: string) => lists.filter((list) => list.tables.includes(table));
  const majority = (table: string) => named(table).length * 2 > lists.length;
  const everyTable = [...new Set(lists.flatMap((list) => list.tables))];
  return lists
    .filter((list) => list.runbook === rb.id)
    .flatMap((list) => {
      const missing = everyTable.filter((table) => majority(table) && !list.tables.includes(table));
      const problems: string[] = [];
      list.tables.forEach((table, k) => {
        if (named(table).length === lists.length || majority(table)) return;
        const others = lists.filter((other) => other !== list && !other.tables.includes(table));
        const meant = closestName(table, missing);
        const typo = meant === undefined ? '' : ` (did you mean "${meant}", which they name?)`;
        problems.push(`${list.at}[${k}].table: ${table} is named here, but not by the mart lists at ${others.map(placeText).join(', ')}${typo}: the runbooks' mart lists name the same marts, or a mart goes unchecked where it is left out; make them the same`);
      });
      const unexplained = missing.filter((table) => !list.tables.some((own) => !majority(own) && closestName(own, missing) === table));
      if (unexplained.length > 0) {
        const where = unexplained.map((table) => `${table} (named at ${named(table).map(placeText).join(', ')})`);
        problems.push(`${list.at}: does not name ${where.join(', ')}: the runbooks' mart lists name the same marts, or a mart goes unchecked where it is left out; add it here, or take it out of the others`);
      }
      return problems;
    });
}
