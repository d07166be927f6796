// What happens when someone clicks a validation follow-up's plan button (path C, "Plan cleanup of 2 leftover clones"):
// the plan the bot offered is proposed in the incident's thread exactly as the typed `/databox recover …` would.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { planOfferCommand, type PlanOffer } from '../src/incidents/plan-offer.js';
import { actionIds } from '../src/slack/blocks.js';
import { planOfferButton, readButtonValue } from '../src/slack/button-value.js';
import { overCommandLimit } from '../src/slack/command-limit.js';
import { escapeMrkdwn, escapeMrkdwnNames } from '../src/slack/mrkdwn.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, type RefusedRequest } from '../src/slack/refused-click.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import type { HandlerDeps } from './index.js';

export function registerProposeFollowUp(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.proposeFollowUp, async ({ ack, body, action, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    const audience = { channel, user, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    // Set once the button is known to be one the bot offered (issuedOffer journals any other itself).
    let asTyped: RefusedRequest | undefined;
    // Never fails: Slack refusing chat.postEphemeral, the click's reply link is tried, then the log.
    const tell = (text: string) => tellClicker(client, deps.redact, deps.logger, audience, text, { action: 'propose-follow-up', incident: asTyped?.incident });
    const fail = (error: unknown) => {
      if (asTyped) recordIfRefused(deps.service, asTyped, error);
      return tell(describeFailure(error, deps.logger, { action: 'propose-follow-up' }));
    };
    try {
      const { offer, offeredBy } = issuedOffer(deps, action.value, user);
      const typed = planOfferCommand(offer);
      // Journaled as the command it stands for, before the checks a typed command gets too; past the per-person limit,
      // with its refusal on the same line.
      const overLimit = overCommandLimit(deps.commandLimit, user);
      void deps.service.recordCommand(`follow-up button: ${typed}`, user, `slack:${channel}`, offer.incident, { refusedBecause: overLimit?.reason });
      asTyped = { user, command: `follow-up button: ${typed}`, incident: offer.incident };
      if (overLimit) {
        await tell(overLimit.text);
        return;
      }
      await deps.access.requireRequester(user);
      deps.queue.push(`${typed} from a follow-up`, async () => {
        try {
          const answer = await deps.service.proposeOffered(offeredBy, offer, user, 'slack');
          // Slack refused the plan for good: said through the click's response URL, which the channel does not gate.
          if (await tellIfNotShown(answer.run && deps.service.run(answer.run.id), (text) => respond({ response_type: 'ephemeral', replace_original: false, text: deps.redact(text) }))) return;
          // An old button clicked again after its plan ran (the clones are gone) proposes nothing; typing still can.
          if (answer.already === 'ran' && answer.run) {
            await tell(
              `:white_check_mark: This was done after it was offered: plan \`${escapeMrkdwn(answer.run.id)}\` (${escapeMrkdwnNames(answer.run.title)}) ran. Nothing new was proposed; \`/databox ${escapeMrkdwn(typed)}\` looks again, and proposes it if there is anything left for it.`,
            );
          } else if (answer.already === 'pending' && answer.run) {
            await tell(`:link: This plan is already proposed in this thread (\`${escapeMrkdwn(answer.run.id)}\`, ${escapeMrkdwnNames(answer.run.title)}) and waits for approval. Nothing new was proposed.`);
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

/** The offer the button names, only if the bot made it: any other value is refused and journaled as such. */
function issuedOffer(deps: HandlerDeps, value: unknown, user: string): { offer: PlanOffer; offeredBy: string } {
  try {
    const { run, offer } = readButtonValue(value, planOfferButton);
    return { offer: deps.service.offeredPlan(run, offer), offeredBy: run };
  } catch (error) {
    deps.service.recordRefusal(user, { reason: 'a follow-up button naming a plan the bot never offered', kind: 'block_actions', action: actionIds.proposeFollowUp, value: String(value).slice(0, 200) });
    throw error;
  }
}
