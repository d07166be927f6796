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
 * A code span the text already has (`uv run sqlmesh audit`), which Slack shows literally, as it is: taken only where
 * its backticks stand at a word's edges, so a name's lone backtick (tick`name) opens none. A double-quoted part is
 * matched too, and first, so a backtick inside one (main."a `b") never pairs with a later span's.
 */
const codeSpanOrQuoted = /"(?:[^"\n]|"")*"|(?<=^|[\s([])(`[^`\n]+`)(?=$|[\s.,;:!?)\]])/g;
/**
 * What the text itself means as formatting, tried first: a stress Slack reads as the bot means it (*Execute all*,
 * opening after a space or the text's start and closing at a word's edge, nothing in it Slack would read again).
 * Then a word, a double-quoted part of it (main."Orders 2024") kept whole.
 */
const stressOrWord = /(?<=^|[\s([])([*_~])[^\s*_~`](?:[^*_~`\n]*[^\s*_~`])?\1(?=$|[\s.,;:!?)\]])|(?:"(?:[^"\n]|"")*"|[^\s"])+/g;
/** An emoji's :short_code:, which Slack reads before any formatting. */
const emoji = /^:[a-z0-9_+-]+:[.,;:!?)]*$/;
/**
 * What Slack could read as formatting in a name: a backtick, `*` or `~` anywhere (rare in names and in the bot's words,
 * so no rule of Slack's is relied on); `_` where it can open or close italic, at a word's edge (`_dlt_loads`,
 * `main._tmp`, `a_`), as Slack reads emphasis only there (plain-mrkdwn.ts reads `*bold*` by the same rule). An `_` inside
 * a word (raw_events_2024), which the stack's names are full of, stays plain text.
 */
const formatting = /[`*~]|(?:^|[^A-Za-z0-9_])_|_(?:$|[^A-Za-z0-9_])/;

/**
 * Text as code, which Slack shows exactly as written and copies as it is: inline code, or a code block for text holding
 * a backtick, which would end inline code. Slack has no escape for a backtick; a zero-width character would break the
 * formatting but be copied with the text into a shell or SQL.
 */
export function literalCode(text: string): string {
  if (!text.includes('`')) return `\`${text}\``;
  // Three backticks in a row end even a code block: a zero-width space parts them, the one thing Slack cannot show as is.
  return `\`\`\`${text.replace(/```/g, '`\u200b``')}\`\`\``;
}

/** A name Slack could read as formatting (a view `main."a*b*c"`, a table `_dlt_loads`) as code (literalCode). */
function literalWord(text: string): string {
  // What surrounds the name in the sentence (a list's comma, a bracket) stays outside the code.
  const [, before = '', name = '', after = ''] = /^([(\[]*)(.*?)([.,;:!?)\]]*)$/.exec(text) ?? [];
  if (!formatting.test(name)) return text;
  return `${before}${literalCode(name)}${after}`;
}

/** A cron's fields made code one after another (`0 * * * *`): one span, not a chip each; names are never joined so. */
const adjacentSpans = /(?<=`[0-9*/,?-]+)` `(?=[0-9*/,?-]+`)/g;

/**
 * Text holding names from the operator's data (a step's summary, a verdict's advice, a plan's title), escaped for
 * mrkdwn with each word Slack could read as formatting shown as code (literalWord); the text's own code spans, emoji
 * and stressed words stay as they are.
 */
export function escapeMrkdwnNames(text: string): string {
  const namesLiteral = (part: string) =>
    part.replace(stressOrWord, (found, stress?: string) => (stress || emoji.test(found) ? found : literalWord(found))).replace(adjacentSpans, ' ');
  let literal = '';
  let from = 0;
  for (const found of text.matchAll(codeSpanOrQuoted)) {
    const [, span] = found;
    if (span === undefined) continue;
    literal += namesLiteral(text.slice(from, found.index)) + span;
    from = found.index + span.length;
  }
  return escapeMrkdwn(literal + namesLiteral(text.slice(from)));
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
