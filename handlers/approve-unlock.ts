// What happens when someone clicks "Approve unlock": check who clicked, unlock the stuck plan as a second person, say so.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { readButtonValue, unlockButton } from '../src/slack/button-value.js';
import { actionIds } from '../src/slack/blocks.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import { unlockedMessage } from '../src/slack/unlock-message.js';
import { isUserError } from '../src/errors.js';
import { renderSaid } from '../src/said.js';
import { mayDecide } from '../src/slack/decider-access.js';
import type { HandlerDeps } from './index.js';

export function registerApproveUnlock(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.approveUnlock, async ({ ack, body, action, client, respond }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts };
    const fail = (error: unknown, runId?: string) => tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'approve-unlock', runId }));
    try {
      const { run: runId, requester } = readButtonValue(action.value, unlockButton);
      deps.queue.push(
        `unlock ${runId}`,
        async () => {
          try {
            if (!(await mayDecide(deps, client, body, runId, audience))) return;
            let unlocked;
            try {
              unlocked = await deps.service.unlockAndReport(runId, requester, body.user.id);
            } catch (error) {
              // A refusal (the asker approving, a plan no longer stuck) is on the record like a refused approval.
              if (isUserError(error)) deps.service.refuseDecision(runId, body.user.id, renderSaid(error.said));
              throw error;
            }
            // The request's button goes: nobody clicks it again for a plan already unlocked.
            await respond({ replace_original: true, ...unlockedMessage(unlocked, requester, body.user.id) });
          } catch (error) {
            await fail(error, runId);
          }
        },
        { urgent: true },
      );
    } catch (error) {
      await fail(error);
    }
  });
}
