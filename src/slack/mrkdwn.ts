// Escaping for Slack mrkdwn: &, < and > are control characters there, even inside code blocks.
const userMention = /(<@[UW][A-Z0-9]+>)/;

/** Escapes text for mrkdwn; user mentions the bot wrote (<@U…>) stay mentions, anything else (<!channel>, links) is shown literally. */
export function escapeMrkdwn(text: string): string {
  return text
    .split(userMention)
    .map((part) => (userMention.test(part) ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/**
 * The text's first `max` characters (UTF-16 units, as Slack counts), cut neither inside an emoji's surrogate pair (half
 * a pair is no character) nor inside an escape (&amp;, &lt;, &gt;), which would then show raw.
 */
export function cutWithin(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const amp = text.lastIndexOf('&', end - 1);
  const entity = amp >= 0 && amp > end - 5 ? /^&(?:amp|lt|gt);/.exec(text.slice(amp)) : null;
  if (entity && amp + entity[0].length > end) end = amp;
  return text.slice(0, end);
}

/**
 * The text cut to `max` characters in its middle, saying how many were left out: its end (a verdict's advice, what to
 * do) is kept, as a cut at the end would drop it unsaid. Neither cut lands inside an escape or an emoji's pair.
 */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (count: number) => ` [… ${count} characters omitted …] `;
  const room = max - marker(text.length).length;
  const head = cutWithin(text, Math.ceil(room / 2));
  let tail = text.length - Math.floor(room / 2);
  const code = text.charCodeAt(tail);
  if (code >= 0xdc00 && code <= 0xdfff) tail += 1;
  const amp = text.lastIndexOf('&', tail - 1);
  const entity = amp >= 0 && amp > tail - 5 ? /^&(?:amp|lt|gt);/.exec(text.slice(amp)) : null;
  if (entity && amp + entity[0].length > tail) tail = amp + entity[0].length;
  return `${head}${marker(tail - head.length)}${text.slice(tail)}`;
}

/** A code block that survives any content: escaped, with backtick runs broken up, cut to fit a section. */
export function codeBlock(text: string, maxChars = 2_800): string {
  let body = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/```/g, '`\u200b``');
  if (body.length > maxChars) body = `${cutWithin(body, maxChars - 20)}\n… (cut)`;
  return `\`\`\`${body || ' '}\`\`\``;
}
