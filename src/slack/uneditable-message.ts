// A message Slack will not let the bot edit any more (the workspace's edit window has closed on it, or Slack will not
// have it changed): what it should show is posted anew in its thread, with a note saying why, and kept up to date there.
import { withNote, type Rendered } from './blocks.js';
import { slackRefusal } from './slack-trouble.js';

/** chat.update's refusals of a message that no try can change any more, though a new message would go. */
const uneditable = new Set(['edit_window_closed', 'cant_update_message']);

/** Slack's code when it refused an update because the message can no longer be edited, else undefined. */
export function uneditableCode(error: unknown): string | undefined {
  const code = slackRefusal(error);
  return code && uneditable.has(code) ? code : undefined;
}

/** The message posted in place of one Slack would not let the bot edit (`code`), saying so for as long as it is shown. */
export function withMovedNote(rendered: Rendered, code: string): Rendered {
  return withNote(rendered, `:arrow_up: Slack would not let the bot edit this run's earlier message above any more (${code}): this one shows the run from now on, and what that one shows is out of date.`);
}
