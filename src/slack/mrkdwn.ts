// Escaping for Slack mrkdwn: &, < and > are control characters there, even inside code blocks.
const userMention = /(<@[UW][A-Z0-9]+>)/;

/** Escapes text for mrkdwn; user mentions the bot wrote (<@U…>) stay mentions, anything else (<!channel>, links) is shown literally. */
export function escapeMrkdwn(text: string): string {
  return text
    .split(userMention)
    .map((part) => (userMention.test(part) ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/** A code block that survives any content: escaped, with backtick runs broken up, cut to fit a section. */
export function codeBlock(text: string, maxChars = 2_800): string {
  let body = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/```/g, '`\u200b``');
  if (body.length > maxChars) body = `${body.slice(0, maxChars - 20)}\n… (cut)`;
  return `\`\`\`${body || ' '}\`\`\``;
}
