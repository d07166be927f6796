// Slack user mentions (<@U012ABC>) written into engine messages, shown as plain @U012ABC outside Slack.
export function plainMentions(text: string): string {
  return text.replace(/<@([UW][A-Z0-9]+)>/g, '@$1');
}
