// Formats rows as a fixed-width text table for a code block in Slack or the terminal.
export function textTable(columns: readonly string[], rows: readonly (readonly unknown[])[], maxRows = 50): string {
  const shown = rows.slice(0, maxRows).map((row) => row.map(cellText));
  const widths = columns.map((name, i) => Math.max(name.length, ...shown.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...shown.map(line)];
  if (rows.length > maxRows) out.push(`… ${rows.length - maxRows} more rows`);
  return out.join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
