// A message Slack will not let the bot edit any more (the workspace's edit window has closed on it, Slack will not have
// it changed, or someone deleted it): what it should show is posted anew in its thread, with a note saying why, and
// kept up to date there.
import { withNote, type Rendered } from './blocks.js';
import { slackRefusal } from './slack-trouble.js';

/**
 * chat.update's refusals of a message that no try can change any more, though a new message would go: its edit window
 * closed, Slack will not have it changed, or it is gone (message_not_found: deleted from the thread).
 */
const uneditable = new Set(['edit_window_closed', 'cant_update_message', 'message_not_found']);

/** Slack's code when it refused an update because the message can no longer be edited, else undefined. */
export function uneditableCode(error: unknown): string | undefined {
  const code = slackRefusal(error);
  return code && uneditable.has(code) ? code : undefined;
}

/** The message posted in place of one Slack would not let the bot edit (`code`), saying so for as long as it is shown. */
export function withMovedNote(rendered: Rendered, code: string): Rendered {
  if (code === 'message_not_found') {
    return withNote(rendered, `:arrow_up: This run's earlier message is gone from the thread (${code}: someone deleted it, most likely): this one shows the run from now on.`);
  }
  return withNote(rendered, `:arrow_up: Slack would not let the bot edit this run's earlier message above any more (${code}): this one shows the run from now on, and what that one shows is out of date.`);
}
