// Formats rows as a fixed-width text table for a code block in Slack or the terminal.
import { plural } from './plural.js';

export function textTable(columns: readonly string[], rows: readonly (readonly unknown[])[], maxRows = 50): string {
  const shown = rows.slice(0, maxRows).map((row) => row.map(cellText));
  const widths = columns.map((name, i) => Math.max(name.length, ...shown.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`… ${plural(rows.length - maxRows, 'more row', 'more rows')}`);
  return out.join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * The rows marked to keep, each stretch of three or more between them as one line `fold(first, last)` (indices into
 * `rows`): a table too long to show whole, with the rows that matter kept rather than its middle cut.
 */
export function foldRows(rows: readonly (readonly unknown[])[], keep: readonly boolean[], fold: (first: number, last: number) => readonly unknown[]): (readonly unknown[])[] {
  const out: (readonly unknown[])[] = [];
  for (let i = 0; i < rows.length; ) {
    let end = i;
    if (!keep[i]) while (end + 1 < rows.length && !keep[end + 1]) end += 1;
    // Two rows take no more room as rows than as a line saying so.
    if (keep[i] || end - i < 2) out.push(...rows.slice(i, end + 1));
    else out.push(fold(i, end));
    i = end + 1;
  }
  return out;
}
