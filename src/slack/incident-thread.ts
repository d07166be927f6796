// An incident opened at a terminal has no Slack thread; the first Slack command that names it gives it one, so its plans,
// buttons and steps have somewhere to go (what already ran is summed up, a plan already waiting is shown there at once):
// the terminal and Slack share one journal, and an incident can move between them.
import type { WebClient } from '@slack/web-api';
import { refuseIfAbandoned, type IncidentService } from '../incidents/service.js';
import { redactDeep, type Redactor } from '../redact.js';
import { rootMessage } from './blocks.js';
import { doneBeforeThreadMessage } from './done-before-thread.js';
import { undoneByOther } from '../incidents/recoveries-undone.js';
import { incidentThread, slackFrontEnd, toRef } from './slack-refs.js';

export async function ensureIncidentThread(deps: { service: IncidentService; redact: Redactor }, client: WebClient, incidentId: string, channel: string): Promise<void> {
  const incident = deps.service.incident(incidentId);
  // Refused before anything is posted: an abandoned incident gets no thread.
  refuseIfAbandoned(incident);
  if (incidentThread(incident) || !channel) return;
  const parameters = deps.service.scenarios().find((rb) => rb.id === incident.scenario)?.parameters;
  const { text, blocks } = redactDeep(rootMessage(incident, parameters, undefined, (undone) => undoneByOther(deps.service.state, undone)), deps.redact);
  const posted = await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
  if (!posted.ts) return;
  await deps.service.attachRef(incidentId, slackFrontEnd, toRef({ channel: posted.channel ?? channel, ts: posted.ts }));
  // What already ran comes first, in one message (Slack's rate limits): a reader of the thread sees what was done.
  const summary = doneBeforeThreadMessage(deps.service.incident(incidentId), (recovery) => deps.service.rollbackOfferGone(recovery));
  if (summary) await client.chat.postMessage({ channel: posted.channel ?? channel, thread_ts: posted.ts, ...redactDeep(summary, deps.redact), unfurl_links: false });
  // Plans the terminal left waiting come to the new thread with their buttons, after its first message.
  for (const run of incident.runs) await deps.service.showWaitingPlan(run);
  // So does each rollback offered there that a click would still take, naming the recovery it undoes.
  await deps.service.showStandingRollbackOffers(incidentId);
}
