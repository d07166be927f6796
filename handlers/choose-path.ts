// What happens when someone picks a recovery path under a verdict: a modal for its parameters, or the plan at once.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { actionIds, recoveryPathModal } from '../src/slack/blocks.js';
import { pathButton, readButtonValue } from '../src/slack/button-value.js';
import { describeFailure, samePlanWaitingReason, samePlanWaitingText } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, refusedClick } from '../src/slack/refused-click.js';
import { UserError } from '../src/errors.js';
import { slackCodeOf, slackTrouble } from '../src/slack/slack-trouble.js';
import { inThread } from '../src/slack/decider-access.js';
import { incidentThread, verdictShownAt } from '../src/slack/slack-refs.js';
import { refuseOlderVerdict } from '../src/incidents/older-verdict.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import type { HandlerDeps } from './index.js';

export function registerChoosePath(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(new RegExp(`^${actionIds.choosePath}_[a-z]$`), async ({ ack, body, action, client, respond }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    let incidentId: string | undefined;
    // Never fails: Slack refusing chat.postEphemeral, the click's reply link is tried, then the log.
    const tell = (text: string) => tellClicker(client, deps.redact, deps.logger, audience, text, { action: 'choose-path', incident: incidentId });
    const fail = (error: unknown) => {
      recordIfRefused(deps.service, refusedClick(body.user.id, action, incidentId), error);
      return tell(describeFailure(error, deps.logger, { action: 'choose-path' }));
    };
    try {
      let path: string;
      let diagnosis: string | undefined;
      ({ incident: incidentId, path, diagnosis } = readButtonValue(action.value, pathButton));
      const incident = deps.service.incident(incidentId);
      // A path button is drawn under its incident's verdict, in its thread: one elsewhere chooses nothing for it.
      const thread = incidentThread(incident);
      if (thread && !inThread(thread, body)) throw new UserError(`this button is not in incident ${incident.id}'s thread, so it chooses no path for it: use the buttons under its verdict there`);
      // A button drawn before buttons named their diagnosis is known by the message it is in, where that was journaled.
      const chosenOn = { diagnosis: diagnosis ?? verdictShownAt(incident, body.message?.ts)?.id, clicked: 'button' as const };
      refuseOlderVerdict(incident, chosenOn.diagnosis);
      const rb = deps.service.runbook(incident.scenario);
      const recovery = deps.service.recoveryPath(rb, path);
      if (recovery.parameters.length > 0) {
        // A form whose plan would be refused is not opened: the refusal comes now, not after it is filled in.
        const stale = deps.service.staleForPath(incident.id, recovery);
        if (stale) throw new UserError(stale);
        // Opened before who may ask is known (users.info may wait out a Retry-After past the trigger's 3 seconds): the
        // form's submission is refused instead (handlers/path-parameters-modal.ts).
        await client.views.open({ trigger_id: body.trigger_id, view: recoveryPathModal(incident, recovery, rb.parameters, deps.service.now()) as never }).catch((error: unknown) => {
          throw formRefused(error, incident.id);
        });
        return;
      }
      const id = incident.id;
      deps.queue.push(`propose ${id} ${path}`, async () => {
        try {
          await deps.access.requireRequester(body.user.id);
          const { run, alreadyWaiting } = await deps.service.start({ verb: 'recover', scenario: incident.scenario, path, params: {}, incident: id, chosenOn }, body.user.id, 'slack');
          // Slack refused the plan for good: said through the click's response URL, which the channel does not gate.
          const notShown = await tellIfNotShown(run && deps.service.run(run.id), (text) => respond({ response_type: 'ephemeral', replace_original: false, text: deps.redact(text) }));
          // The same plan was already waiting (a second click, or one a terminal proposed): that one is the one to approve.
          // The click is on the record too, as one that proposed nothing, so the postmortem shows who asked again.
          if (run && alreadyWaiting) {
            const { user, ...clicked } = refusedClick(body.user.id, action, id);
            void deps.service.recordRefusal(user, { ...clicked, reason: samePlanWaitingReason(run.id) });
            if (!notShown) await tell(samePlanWaitingText(run.id));
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

/** Slack's refusal to open the form, said as what the operator can do instead; its trouble (a timeout) as it is. */
function formRefused(error: unknown, incident: string): unknown {
  const code = slackCodeOf(error);
  if (!code || slackTrouble(error)) return error;
  // A click whose form took Slack's 3 seconds to come (a slow moment): another click opens it.
  if (code === 'expired_trigger_id') {
    return new UserError(`Slack's 3-second window to open this path's form passed before it opened (${code}), so nothing was run: click the button again. If it keeps happening, type the path's command from the verdict's "Or type" line instead (it names incident=${incident})`);
  }
  return new UserError(`Slack would not open this path's form (${code}), so nothing was run: type the path's command from the verdict's "Or type" line instead (it names incident=${incident}), or \`/databox help\` for how`);
}
