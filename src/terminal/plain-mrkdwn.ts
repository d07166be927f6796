// Slack's emphasis in text written for both front ends (advice from the engine and the runbooks): shown at the terminal
// as the terminal shows emphasis, never as literal asterisks.

/** `*bold*` as Slack reads it: at a word's edge, not across lines, not around spaces; `code` spans are left as they are. */
const bold = /(^|[\s(["'])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=$|[\s.,;:!?)\]"'])/g;

export function plainFromMrkdwn(text: string, emphasis: (text: string) => string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(bold, (_match, before: string, inner: string) => `${before}${emphasis(inner)}`)))
    .join('');
}
