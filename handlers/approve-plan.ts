// What happens when someone clicks Approve: check the policy, replace the buttons, run the exact plan on the queue.
import type { App, BlockButtonAction } from '@slack/bolt';
import { planButton, readButtonValue } from '../src/slack/button-value.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import type { HandlerDeps } from './index.js';
import { actionIds } from '../src/slack/blocks.js';
import { saidInSlack } from '../src/slack/mentions.js';

export function registerApprovePlan(app: App, deps: HandlerDeps): void {
  app.action<BlockButtonAction>(actionIds.approve, async ({ ack, body, action, client }) => {
    await ack();
    const audience = {
      channel: body.channel?.id ?? '',
      user: body.user.id,
      threadTs: body.message?.thread_ts ?? body.message?.ts,
    };
    try {
      const { run: runId, hash } = readButtonValue(action.value, planButton);
      const decision = deps.service.approve(runId, hash, body.user.id);
      if (!decision.ok) {
        await tellEphemeral(client, deps.redact, audience, `:no_entry_sign: ${saidInSlack(decision.reason)}`);
        // An expired plan's buttons are replaced so nobody else clicks them.
        if (decision.run?.status === 'expired') await deps.service.announceDecision(decision.run);
        return;
      }
      try {
        deps.queue.push(`run ${runId}`, async () => {
          try {
            await deps.service.executeApproved(runId);
          } catch (error) {
            await tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'approve', runId }));
          }
        });
      } catch (error) {
        // The backlog is full: the approval must not hold the database for a run that will never start.
        deps.service.interruptIfNotStarted(runId, 'the bot was too busy to start it');
        await deps.service.announceDecision(decision.run!).catch(() => undefined);
        throw error;
      }
      // Slack being slow or down must not stop an approved plan: the buttons are replaced on a best-effort basis.
      await deps.service.announceDecision(decision.run!).catch((error: unknown) => deps.logger.warn({ err: error, runId }, 'could not replace the buttons'));
    } catch (error) {
      await tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'approve' }));
    }
  });
}
