// What happens when someone clicks "Approve unlock": check who clicked, unlock the stuck plan as a second person, say so.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { readButtonValue, unlockButton } from '../src/slack/button-value.js';
import { actionIds } from '../src/slack/blocks.js';
import { describeFailure } from '../src/slack/tell.js';
import { nothingToUnlockMessage, unlockedMessage } from '../src/slack/unlock-message.js';
import { isUserError } from '../src/errors.js';
import { JournalUnwritable } from '../src/journal/journal.js';
import { holdsItsDatabase, type Run } from '../src/incidents/state.js';
import { renderSaid } from '../src/said.js';
import { mayDecide, tellIfSlackMakesItWait } from '../src/slack/decider-access.js';
import type { HandlerDeps } from './index.js';

export function registerApproveUnlock(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.approveUnlock, async ({ ack, body, action, respond }) => {
    await ack();
    const clickedAt = Date.now();
    // Through the click's response URL, not chat.postEphemeral: the request may sit in a channel the bot is not in.
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text: deps.redact(text) });
    const fail = (error: unknown, runId?: string) => tell(describeFailure(error, deps.logger, { action: 'approve-unlock', runId }));
    try {
      const { run: runId, requester, was } = readButtonValue(action.value, unlockButton);
      const checked = tellIfSlackMakesItWait(deps, tell, (error: unknown) => deps.logger.warn({ err: error, runId }, "could not tell a clicker that Slack asked the bot to wait"));
      deps.queue.push(
        `unlock ${runId}`,
        async () => {
          try {
            const decider = await mayDecide(deps, body, runId, tell, { of: 'unlock', clickedAt }).finally(checked);
            if (!decider) return;
            let unlocked: Run;
            try {
              unlocked = deps.service.unlock(runId, requester, body.user.id, { status: was }, decider.memberOf);
            } catch (error) {
              // A refusal (the asker approving, a plan no longer as the request showed it) is on the record like a
              // refused approval; a journal that cannot be written is not a refusal, and could not record one.
              if (isUserError(error) && !(error instanceof JournalUnwritable)) {
                deps.service.refuseDecision(runId, body.user.id, renderSaid(error.said).replace(/^refused: /, ''), 'unlock');
                await replaceIfSpent(runId);
              }
              throw error;
            }
            // The request's button goes: nobody clicks it again for a plan already unlocked.
            await respond({ replace_original: true, ...unlockedMessage(unlocked, requester, body.user.id) });
            await deps.service.reportUnlocked(unlocked);
          } catch (error) {
            await fail(error, runId);
          }
        },
        { urgent: true },
      );
    } catch (error) {
      await fail(error);
    }

    /** A request whose plan holds nothing any more loses its button. */
    async function replaceIfSpent(runId: string): Promise<void> {
      const run = deps.service.state.runs.get(runId);
      if (run && !holdsItsDatabase(run)) await respond({ replace_original: true, ...nothingToUnlockMessage(run) });
    }
  });
}
