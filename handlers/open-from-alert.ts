// What happens when someone clicks a watcher alert's button: a new incident of the scenario it names, diagnosed in its own
// thread; a later click on the same alert (a double click, a second person) joins that incident instead, and so does a
// click while an incident of the scenario is already under way (a typed diagnosis, its plan waiting or running).
import type { BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { alertButton, readButtonValue } from '../src/slack/button-value.js';
import { openFromAlertActionId } from '../src/slack/alert-sink.js';
import { UserError } from '../src/errors.js';
import { typedDiagnosis, type RunningDiagnosis } from '../src/incidents/running-diagnoses.js';
import type { Incident } from '../src/incidents/state.js';
import { statusReport, unfinishedIncidentOf } from '../src/incidents/status.js';
import { slackMention } from '../src/slack/mentions.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import { followItIn, fromChannel } from '../src/slack/slack-refs.js';
import { describeFailure, type Audience } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, refusedClick, type RefusedRequest } from '../src/slack/refused-click.js';
import { joinRecorder } from '../src/slack/record-join.js';
import type { AlertRef } from '../src/watchers/alert-state.js';
import type { HandlerDeps } from './index.js';

export function registerOpenFromAlert(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(openFromAlertActionId, async ({ ack, body, action, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    const audience = { channel, user, threadTs: body.message?.ts, respond };
    let refused: RefusedRequest = refusedClick(user, action);
    // Never fails (the message that reaches nobody is logged): a join nobody waits on can end in it.
    const tell: Tell = (to, text) => tellClicker(client, deps.redact, deps.logger, to, text, { action: 'open-from-alert' });
    const fail = (error: unknown) => {
      recordIfRefused(deps.service, refused, error);
      return tell(audience, describeFailure(error, deps.logger, { action: 'open-from-alert' }));
    };
    let opening: RunningDiagnosis | undefined;
    try {
      const { scenario, watcher } = readButtonValue(action.value, alertButton);
      if (!Object.hasOwn(deps.catalog, scenario)) throw new UserError(`the scenario "${scenario}" has no runbook here; nothing was opened`);
      deps.service.recordCommand(`alert button: diagnose ${scenario}`, user, `slack:${channel}`);
      refused = { user, command: `alert button: diagnose ${scenario}` };
      // That line names no incident: one the click joins is on its record by this, as a typed join is.
      const recordJoin = joinRecorder(deps.service, user, `alert button: diagnose ${scenario}`, `slack:${channel}`);
      const alert: AlertRef | undefined = body.message?.ts ? { channel, ts: body.message.ts } : undefined;
      if (alert) {
        // One alert, one incident: a click after the first joins what the first opened (or is opening).
        const join = (incident: Incident | undefined) => joinIncident(deps, client, tell, alert, watcher, audience, incident, 'theirs', recordJoin);
        const known = deps.watch?.incidentForAlert(alert);
        if (known) {
          await join(deps.service.incident(known));
          return;
        }
        const pending = deps.diagnoses.find(alertOpeningKey(alert));
        if (pending) {
          // fail tells, and telling never fails: nothing here is left to end the process.
          void pending.then(join).catch(fail);
          return;
        }
        // Someone already works on it: the same diagnosis typed a moment ago, or an incident of the scenario that still
        // needs someone (as /databox status tells them). A second incident would only meet the first's database lock.
        const joinWorking = (incident: Incident | undefined) => joinIncident(deps, client, tell, alert, watcher, audience, incident, 'working', recordJoin);
        const typed = deps.diagnoses.pendingFor(typedDiagnosis(scenario, {}));
        if (typed) {
          void typed.incident.then(joinWorking).catch(fail);
          return;
        }
        const runbookOf = (id: string) => deps.service.scenarios().find((rb) => rb.id === id);
        // The service's clock, which stamps what the incidents did: another clock would misjudge how lately that was.
        const now = deps.service.now();
        const working = unfinishedIncidentOf(statusReport(deps.service.state, now, runbookOf), scenario, now);
        if (working) {
          await joinWorking(working);
          return;
        }
        opening = deps.diagnoses.begin(alertOpeningKey(alert));
      }
      const started = opening;
      deps.queue.push(`diagnose ${scenario} from an alert`, async () => {
        try {
          const opened = (incident: Incident) => {
            if (alert) deps.watch?.recordAlertIncident(alert, watcher, incident.id, user);
            started?.opened(incident);
          };
          const { incident } = await deps.service.start({ verb: 'diagnose', scenario, params: {} }, user, 'slack', fromChannel(channel), opened);
          if (alert) {
            await client.chat.postMessage({ channel, thread_ts: alert.ts, text: `<@${user}> opened incident \`${incident.id}\` (${incident.title}) from this alert.` });
          }
        } catch (error) {
          await fail(error);
        } finally {
          started?.done();
        }
      });
    } catch (error) {
      opening?.done();
      await fail(error);
    }
  });
}

/** Tells one person something only they see; never fails. */
type Tell = (to: Audience, text: string) => Promise<void>;

/** Keyed apart from diagnoses typed as commands: joining is per alert message. */
function alertOpeningKey(alert: AlertRef): string {
  return `alert:${alert.channel}/${alert.ts}`;
}

/**
 * Joins the clicker to the alert's incident (`theirs`: one another click on it opened) or to one already working on its
 * scenario, which it did not open: then said in the alert's thread too, for everyone. Journaled as the alert's incident
 * either way, so a later click joins it as a second click would, and as a join (recordJoin), so its postmortem shows
 * the click; the person is told (only them) where it is.
 */
async function joinIncident(
  deps: HandlerDeps,
  client: WebClient,
  tell: Tell,
  alert: AlertRef,
  watcher: string,
  clicker: Audience,
  incident: Incident | undefined,
  whose: 'theirs' | 'working',
  recordJoin: (incident: Incident) => void,
): Promise<void> {
  // Told beside the alert, not in its thread (the incident's own thread is elsewhere).
  const to: Audience = { channel: alert.channel, user: clicker.user, respond: clicker.respond };
  if (!incident) {
    const before = whose === 'theirs' ? 'A click on this alert just before yours did not open an incident' : 'A diagnosis of this scenario asked for just before your click did not start';
    await tell(to, `:warning: ${before} (its answer says why). Click again.`);
    return;
  }
  deps.watch?.recordAlertIncident(alert, watcher, incident.id, clicker.user, true);
  recordJoin(incident);
  const where = followItIn(incident, (channel, ts) => deps.access.messageLink(channel, ts));
  const which = `incident \`${escapeMrkdwn(incident.id)}\` (${escapeMrkdwn(incident.title)}), opened by ${slackMention(incident.openedBy)}`;
  if (whose === 'theirs') {
    await tell(to, `:link: This alert already has ${which}: you joined it; ${where}. Nothing new was started.`);
    return;
  }
  await client.chat.postMessage({ channel: alert.channel, thread_ts: alert.ts, text: `<@${clicker.user}> joined ${which}, already working on this; ${where}.` });
  await tell(to, `:link: I${which.slice(1)}, is already working on this: you joined it; ${where}. Nothing new was started.`);
}
