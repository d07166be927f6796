// What happens when someone clicks a watcher alert's "Paused on purpose…": a form asking why and until when.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { silenceAlertActionId } from '../src/slack/alert-sink.js';
import { silenceModal } from '../src/slack/blocks.js';
import { readButtonValue, silenceButton } from '../src/slack/button-value.js';
import { UserError } from '../src/errors.js';
import { slackCodeOf, slackTrouble } from '../src/slack/slack-trouble.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, refusedClick } from '../src/slack/refused-click.js';
import type { HandlerDeps } from './index.js';

export function registerSilenceAlert(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(silenceAlertActionId, async ({ ack, body, action, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? '';
    const audience = { channel, user: body.user.id, threadTs: body.message?.ts, respond };
    try {
      const { watcher } = readButtonValue(action.value, silenceButton);
      const outage = deps.watch?.outage(watcher);
      if (!body.message?.ts || !outage?.ref || outage.ref.ts !== body.message.ts) throw new UserError("this alert's outage is over (or another alert stands for it now): there is nothing to silence");
      // The form must open within Slack's trigger window: who may act is checked when it is submitted.
      await client.views.open({ trigger_id: body.trigger_id, view: silenceModal(outage.ref, watcher, outage.summary) as never }).catch((error: unknown) => {
        const code = slackCodeOf(error);
        throw code && !slackTrouble(error) ? new UserError(`Slack would not open the form (${code}), so nothing was silenced: click *Paused on purpose…* again for a new form`) : error;
      });
    } catch (error) {
      recordIfRefused(deps.service, refusedClick(body.user.id, action), error);
      // Never fails: Slack refusing chat.postEphemeral, the click's reply link is tried, then the log.
      await tellClicker(client, deps.redact, deps.logger, audience, describeFailure(error, deps.logger, { action: 'silence-alert' }), { action: 'silence-alert' });
    }
  });
}
