// What of a long text fits where it is shown: its head and tail (a Slack message, a postmortem line), or its first line.

/** How much of a step's output a run's message shows; past it, a step's own shorter view (`shown`) or head and tail. */
export const stepExcerptChars = 1_200;
export function excerpt(text: string, maxChars = 2_400): string {
  // Trailing whitespace is dropped by looking back from the end: a long output is never copied whole.
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1] as string)) end -= 1;
  if (end <= maxChars) return text.slice(0, end);
  const half = Math.floor((maxChars - 40) / 2);
  const head = text.slice(0, half);
  const tail = text.slice(end - half, end);
  return `${head.slice(0, head.lastIndexOf('\n') > 0 ? head.lastIndexOf('\n') : half)}\n[… ${end - 2 * half} characters omitted …]\n${tail.slice(tail.indexOf('\n') + 1)}`;
}

/** The first line that says something (DuckDB's errors go on with a guess at another name and a caret under the SQL). */
export function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? text;
}
