// What happens when someone clicks "Roll back…": the rollback is proposed as a plan that needs approval like any recovery.
import type { App, BlockButtonAction } from '@slack/bolt';
import { actionIds } from '../src/slack/blocks.js';
import { readButtonValue, rollbackButton } from '../src/slack/button-value.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import type { HandlerDeps } from './index.js';

export function registerRequestRollback(app: App, deps: HandlerDeps): void {
  app.action<BlockButtonAction>(actionIds.rollback, async ({ ack, body, action, client }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts };
    const fail = (error: unknown) => tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'rollback' }));
    try {
      const { run } = readButtonValue(action.value, rollbackButton);
      deps.queue.push(`rollback ${run}`, async () => {
        try {
          await deps.service.proposeRollback(run, body.user.id);
        } catch (error) {
          await fail(error);
        }
      });
    } catch (error) {
      await fail(error);
    }
  });
}
