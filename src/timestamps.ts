// Timestamps as UTC: compact and sortable in file names (20260420T120000Z), to the minute where people read them.
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** "2026-04-21 08:30 UTC": a moment to the minute, as messages say it. */
export function minuteUtc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
