// A failed step's whole output attached to its incident's thread as a file: what Slack made of the upload, for the
// run's message (which says "attached" only once Slack took it) and for the journal.
import { lastingRefusal } from './lasting-refusals.js';

/** How an upload ended: Slack took it, or refused it for good with this code. */
export type UploadOutcome = { attached: true } | { attached: false; error: string };

/**
 * Runs the upload: its outcome once Slack took it or refused it for good. Anything else (429s, 500s, silence) is thrown
 * for the outbox to try again.
 */
export async function uploadOutcome(upload: () => Promise<unknown>): Promise<UploadOutcome> {
  try {
    await upload();
    return { attached: true };
  } catch (error) {
    const refusal = lastingRefusal(error);
    if (!refusal) throw error;
    return { attached: false, error: refusal.code };
  }
}

/** Why the output is not in the thread, as mrkdwn for the run's message: Slack's code, what it means, who can fix it. */
export function refusedUploadWords(error: string): string {
  const why = `Slack would not take it as a file in this thread (${error})`;
  if (error === 'missing_scope') return `${why}: the bot's token lacks the files:write scope. Tell whoever runs databox-bot to add it and reinstall the app.`;
  if (error === 'not_in_channel') return `${why}: the bot is not a member of this channel. Invite it with \`/invite @databox-bot\` to have outputs attached.`;
  return `${why}.`;
}
