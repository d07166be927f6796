// An incident opened at a terminal has no Slack thread; the first Slack command that names it gives it one, so its plans,
// buttons and steps have somewhere to go: the terminal and Slack share one journal, and an incident can move between them.
import type { WebClient } from '@slack/web-api';
import { rootMessage, type Rendered } from '../src/slack/blocks.js';
import type { EngineDeps, HandlerDeps } from './index.js';

export async function ensureIncidentThread(deps: EngineDeps, client: WebClient, incidentId: string, channel: string): Promise<void> {
  const incident = deps.service.incident(incidentId);
  if (incident.thread || !channel) return;
  const { text, blocks } = JSON.parse(deps.redact(JSON.stringify(rootMessage(incident)))) as Rendered;
  const posted = await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
  if (posted.ts) deps.service.attachThread(incidentId, posted.channel ?? channel, posted.ts);
}
