// What happens when someone clicks Reject: check who may, record it, and replace the buttons.
import type { App, BlockButtonAction } from '@slack/bolt';
import { actionIds } from '../src/slack/blocks.js';
import { planButton, readButtonValue } from '../src/slack/button-value.js';
import { saidInSlack } from '../src/slack/mentions.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import type { HandlerDeps } from './index.js';

export function registerRejectPlan(app: App, deps: HandlerDeps): void {
  app.action<BlockButtonAction>(actionIds.reject, async ({ ack, body, action, client }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts };
    try {
      const { run: runId, hash } = readButtonValue(action.value, planButton);
      const decision = deps.service.reject(runId, hash, body.user.id);
      if (!decision.ok) {
        await tellEphemeral(client, deps.redact, audience, `:no_entry_sign: ${saidInSlack(decision.reason)}`);
        if (decision.run?.status === 'expired') await deps.service.announceDecision(decision.run);
        return;
      }
      await deps.service.announceDecision(decision.run!);
    } catch (error) {
      await tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'reject' }));
    }
  });
}
