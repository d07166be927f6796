// Suggests the known name closest to a mistyped one, for load-time problems ("did you mean "corrupt"?").

/** Edit distance between two short names (insertions, deletions, substitutions, and swaps of neighbours). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i] as number[];
      row[j] = Math.min((rows[i - 1] as number[])[j] as number + 1, (row[j - 1] as number) + 1, ((rows[i - 1] as number[])[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** ` (did you mean "x"?)` when one known name is close to `word` (a third of its length, at least 2 edits, or the same stem), else nothing. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const best = closestName(word, known);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** The known name closest to `word`, when one is close enough to be what was meant (as didYouMean decides). */
export function closestName(word: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    if (name === word) continue;
    const [a, b] = [word.toLowerCase(), name.toLowerCase()];
    const d = editDistance(a, b);
    // A singular for a plural, a stem for its word ("anomaly" for "anomalies") is further apart than a typo, but as likely.
    const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
    const stem = shorter.slice(0, -2);
    const sameStem = stem.length >= 4 && longer.startsWith(stem) && longer.length - shorter.length <= 3;
    if ((d <= limit || sameStem) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
