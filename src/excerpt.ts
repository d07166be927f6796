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
  const shownHead = head.slice(0, head.lastIndexOf('\n') > 0 ? head.lastIndexOf('\n') : half);
  const shownTail = tail.slice(tail.indexOf('\n') + 1);
  return `${shownHead}\n[… ${omittedIn(text.slice(shownHead.length, end - shownTail.length))} characters omitted …]\n${shownTail}`;
}

/** A cut's marker, with the line ends put around it (they were not in the output either). */
const omittedMarker = /\n?\[… (\d+) characters omitted …\]\n?/g;

/**
 * How many characters of the original a cut-out middle stands for: its own length, where a marker of an earlier cut
 * (a long output's middle that was never kept) counts as the characters it says were left out, not as itself.
 */
function omittedIn(middle: string): number {
  let count = middle.length;
  for (const [marker, left] of middle.matchAll(omittedMarker)) count += Number(left) - marker.length;
  return count;
}

/** The first line that says something (DuckDB's errors go on with a guess at another name and a caret under the SQL). */
export function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? text;
}
