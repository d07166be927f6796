// A long list said in a line: its first few items, then how many more, so what the line says after it is still read.

/** `items` when there are at most `shown`; else the first `shown` and a last item saying how many are left out. */
export function firstFew(items: readonly string[], shown: number, more: (count: number) => string = (count) => `… and ${count} more`): string[] {
  return items.length <= shown ? [...items] : [...items.slice(0, shown), more(items.length - shown)];
}
