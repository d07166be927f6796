// What happens when someone clicks Reject: check who may, record it, and replace the buttons.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { actionIds } from '../src/slack/blocks.js';
import { planButton, readButtonValue } from '../src/slack/button-value.js';
import { saidInSlack } from '../src/slack/mentions.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellWithoutWaiting } from '../src/slack/tell-or-log.js';
import { mayDecide } from '../src/slack/decider-access.js';
import type { HandlerDeps } from './index.js';

export function registerRejectPlan(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.reject, async ({ ack, body, action, client, respond }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    // Told without waiting for Slack: the job holds an urgent place in the queue, which a 429 must not keep.
    const tell = (text: string) => tellWithoutWaiting(client, deps.redact, deps.logger, audience, text, { action: 'reject' });
    const fail = (error: unknown) => tell(describeFailure(error, deps.logger, { action: 'reject' }));
    // The buttons replaced without waiting either: the decision is already on the record.
    const announce = (run: Parameters<typeof deps.service.announceDecision>[0]) =>
      deps.service.announceDecision(run).catch((error: unknown) => deps.logger.warn({ err: error, runId: run.id }, 'could not replace the buttons'));
    try {
      const { run: runId, hash } = readButtonValue(action.value, planButton);
      // Like an approval, a rejection never waits behind diagnoses.
      deps.queue.push(
        `reject ${runId}`,
        async () => {
          try {
            // Withdrawing one's own plan is always allowed, from its own thread; rejecting someone else's needs what approving needs.
            const own = deps.service.run(runId).requestedBy === body.user.id;
            const decider = await mayDecide(deps, body, runId, tell, { of: 'reject', askWhoClicked: !own });
            if (!decider) return;
            const decision = deps.service.reject(runId, hash, body.user.id, decider.memberOf);
            if (!decision.ok) {
              await tell(`:no_entry_sign: ${saidInSlack(decision.reason)}`);
              if (decision.run?.status === 'expired') void announce(decision.run);
              return;
            }
            void announce(decision.run!);
          } catch (error) {
            await fail(error);
          }
        },
        { urgent: true },
      );
    } catch (error) {
      await fail(error);
    }
  });
}
