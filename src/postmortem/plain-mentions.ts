// Journals written before people were passed as data hold Slack mentions (<@U012ABC>) in refusal reasons; a postmortem
// shows them plainly, as @U012ABC.
export function plainMentions(text: string): string {
  return text.replace(/<@([UW][A-Z0-9]+)>/g, '@$1');
}
