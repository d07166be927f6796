// A plan Slack refused for good (the bot removed from the channel, the token revoked) waits for approval where nobody
// sees it: whoever asked for it is told so, why, and how a terminal decides it, instead of nothing at all.
import { approveAtTerminal, rejectAtTerminal } from '../commands/terminal-commands.js';
import type { Run } from '../incidents/state.js';
import { atUtc } from '../timestamps.js';
import { escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';
import { slackFrontEnd } from './slack-refs.js';

/** What a waiting plan Slack never showed says of itself, with the commands that decide it; undefined for any other run. */
export function notShownText(run: Run): string | undefined {
  if (run.status !== 'pending' || run.notShown?.frontEnd !== slackFrontEnd) return undefined;
  const until = run.expiresAt ? ` until it expires ${atUtc(run.expiresAt, run.proposedAt)}` : '';
  return (
    `:warning: Plan \`${escapeMrkdwn(run.id)}\` (${escapeMrkdwnNames(run.title)}) could not be posted in its incident's thread: ${escapeMrkdwn(run.notShown.reason)}. ` +
    `It waits for approval all the same${until}, shown nowhere in Slack: a terminal approves it, \`${approveAtTerminal(run)}\`, or rejects it, \`${rejectAtTerminal(run)}\`. ` +
    'Once Slack takes the bot\'s messages there again, asking for the same plan again shows it in the thread.'
  );
}

/**
 * Tells whoever asked for `run` that Slack never showed it, when that is so; whether it did. `say` reaches them through
 * their request's response URL where there is one, which needs neither the bot in the channel nor its token.
 */
export async function tellIfNotShown(run: Run | undefined, say: (text: string) => Promise<unknown>): Promise<boolean> {
  const text = run && notShownText(run);
  if (!text) return false;
  await say(text);
  return true;
}
