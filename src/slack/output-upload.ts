// A failed step's whole output attached to its incident's thread as a file: what Slack made of the upload, for the
// run's message (which says "attached" only once Slack took it) and for the journal.
import { lastingRefusal, tokenAdvice, type LastingRefusal } from './lasting-refusals.js';

/** How an upload ended: Slack took it, or refused it for good. */
export type UploadOutcome = { attached: true } | { attached: false; refusal: LastingRefusal };

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
    return { attached: false, refusal };
  }
}

/**
 * Why the output is not in the thread, as mrkdwn for the run's message: Slack's code and what it means, in the words of
 * the one list of Slack's lasting refusals (lasting-refusals.ts), with the scope an upload needs where that is missing.
 */
export function refusedUploadWords(refusal: LastingRefusal): string {
  const why = `Slack would not take it as a file in this thread (${refusal.code})`;
  if (refusal.kind === 'token') return `${why}: ${tokenAdvice(refusal)}.`;
  // Slack's answer names the scope; the list cannot, being every method's: an upload's is files:write.
  if (refusal.code === 'missing_scope') return `${why}: ${refusal.means}, files:write. Tell whoever runs databox-bot to add it and reinstall the app.`;
  return `${why}: ${refusal.means}.`;
}
