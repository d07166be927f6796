// Head and tail of a long output: what fits in a Slack message or a postmortem line.
export function excerpt(text: string, maxChars = 2_400): string {
  const trimmed = text.replace(/\s+$/, '');
  if (trimmed.length <= maxChars) return trimmed;
  const half = Math.floor((maxChars - 40) / 2);
  const head = trimmed.slice(0, half);
  const tail = trimmed.slice(-half);
  return `${head.slice(0, head.lastIndexOf('\n') > 0 ? head.lastIndexOf('\n') : half)}\n[… ${trimmed.length - 2 * half} characters omitted …]\n${tail.slice(tail.indexOf('\n') + 1)}`;
}
