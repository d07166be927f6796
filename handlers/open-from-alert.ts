// What happens when someone clicks a watcher alert's button: a new incident of the scenario it names, diagnosed in its own thread.
import type { App, BlockButtonAction } from '@slack/bolt';
import { alertButton, readButtonValue } from '../src/slack/button-value.js';
import { openFromAlertActionId } from '../src/slack/alert-sink.js';
import { UserError } from '../src/errors.js';
import { fromChannel } from '../src/slack/slack-refs.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import type { HandlerDeps } from './index.js';


export function registerOpenFromAlert(app: App, deps: HandlerDeps): void {
  app.action<BlockButtonAction>(openFromAlertActionId, async ({ ack, body, action, client }) => {
    await ack();
    const channel = body.channel?.id ?? '';
    const audience = { channel, user: body.user.id, threadTs: body.message?.ts };
    const fail = (error: unknown) => tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'open-from-alert' }));
    try {
      const { scenario } = readButtonValue(action.value, alertButton);
      if (!Object.hasOwn(deps.catalog, scenario)) throw new UserError(`the scenario "${scenario}" has no runbook here; nothing was opened`);
      deps.service.recordCommand(`alert button: diagnose ${scenario}`, body.user.id, `slack:${channel}`);
      deps.queue.push(`diagnose ${scenario} from an alert`, async () => {
        try {
          const { incident } = await deps.service.start({ verb: 'diagnose', scenario, params: {} }, body.user.id, 'slack', fromChannel(channel));
          if (body.message?.ts) {
            await client.chat.postMessage({ channel, thread_ts: body.message.ts, text: `<@${body.user.id}> opened incident \`${incident.id}\` (${incident.title}) from this alert.` });
          }
        } catch (error) {
          await fail(error);
        }
      });
    } catch (error) {
      await fail(error);
    }
  });
}
