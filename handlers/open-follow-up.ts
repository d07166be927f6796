// What happens when someone clicks a follow-up button under a failed recovery: the diagnosis it offers (scenario 2 for
// scenario 4's window) opens as a new incident with its parameters filled in, linked from the failed incident's thread.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { followUpCommand } from '../src/incidents/reporter.js';
import type { RunningDiagnosis } from '../src/incidents/running-diagnoses.js';
import type { Incident } from '../src/incidents/state.js';
import { actionIds } from '../src/slack/blocks.js';
import { followUpButton, readButtonValue } from '../src/slack/button-value.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import { followItIn, fromChannel, incidentThread } from '../src/slack/slack-refs.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, refusedClick, type RefusedRequest } from '../src/slack/refused-click.js';
import { joinRecorder } from '../src/slack/record-join.js';
import type { HandlerDeps } from './index.js';

export function registerOpenFollowUp(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(new RegExp(`^${actionIds.followUp}_\\d{1,2}$`), async ({ ack, body, action, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    const audience = { channel, user, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    let refused: RefusedRequest = refusedClick(user, action);
    // Never fails (the message that reaches nobody is logged): a join nobody waits on can end in it.
    const tell = (text: string) => tellClicker(client, deps.redact, deps.logger, audience, text, { action: 'open-follow-up' });
    const fail = (error: unknown) => {
      recordIfRefused(deps.service, refused, error);
      return tell(describeFailure(error, deps.logger, { action: 'open-follow-up' }));
    };
    let diagnosis: RunningDiagnosis | undefined;
    try {
      const offer = readButtonValue(action.value, followUpButton);
      const failed = deps.service.incident(offer.incident);
      const typed = followUpCommand(offer);
      deps.service.recordCommand(`follow-up button: ${typed}`, user, `slack:${channel}`, failed.id);
      refused = { user, command: `follow-up button: ${typed}`, incident: failed.id };
      const command = { verb: 'diagnose', scenario: offer.scenario, params: offer.params } as const;
      // The parameters are checked here, as for a typed command; the same diagnosis already running is joined.
      const key = await deps.service.diagnosisKey(command);
      const running = deps.diagnoses.find(key);
      if (running) {
        // On the new incident's record too, as a typed join is: the click's own line names the failed incident.
        const recordJoin = joinRecorder(deps.service, user, `follow-up button: ${typed}`, `slack:${channel}`);
        void running
          .then((incident) => {
            recordJoin(incident);
            return tell(joinedText(deps, incident, typed));
          })
          .catch(fail);
        return;
      }
      diagnosis = deps.diagnoses.begin(key);
      const started = diagnosis;
      deps.queue.push(`${typed} from a follow-up`, async () => {
        try {
          // The failed incident's thread links to the new one as soon as it is open, before its diagnosis has run.
          const opened = (incident: Incident) => {
            started.opened(incident);
            const from = incidentThread(failed);
            if (!from) return;
            const text = `<@${user}> opened incident \`${incident.id}\` (${escapeMrkdwn(incident.title)}) with \`${escapeMrkdwn(typed)}\`; ${where(deps, incident)}.`;
            client.chat.postMessage({ channel: from.channel, thread_ts: from.ts, text }).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not link the follow-up incident'));
          };
          await deps.service.start(command, user, 'slack', fromChannel(channel), opened);
        } catch (error) {
          await fail(error);
        } finally {
          started.done();
        }
      });
    } catch (error) {
      diagnosis?.done();
      await fail(error);
    }
  });
}

function where(deps: HandlerDeps, incident: Incident): string {
  return followItIn(incident, (channel, ts) => deps.access.messageLink(channel, ts));
}

function joinedText(deps: HandlerDeps, incident: Incident | undefined, typed: string): string {
  if (!incident) return ':warning: The same diagnosis was asked for just before yours, but it did not start (its answer says why). Click again.';
  return `:link: \`${escapeMrkdwn(typed)}\` is already running: you joined incident \`${escapeMrkdwn(incident.id)}\`; ${where(deps, incident)}. Nothing new was started.`;
}
