// Timestamps in file names: compact, sortable, UTC (20260420T120000Z).
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
