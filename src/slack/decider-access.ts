// Whether whoever clicked a decision button (approve, reject, approve unlock) may decide: Slack's word on their
// workspace and guest status. A refusal is journaled against the plan and told to the clicker alone.
import type { WebClient } from '@slack/web-api';
import type { IncidentService } from '../incidents/service.js';
import type { Redactor } from '../redact.js';
import { clickerOf, type SlackAccess } from './access.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { tellEphemeral, type Audience } from './tell.js';

export interface DeciderAccessDeps {
  access: SlackAccess;
  service: IncidentService;
  redact: Redactor;
}

export async function mayDecide(deps: DeciderAccessDeps, client: WebClient, body: Parameters<typeof clickerOf>[0], runId: string, audience: Audience): Promise<boolean> {
  const access = await deps.access.mayApprove(clickerOf(body));
  if (access.ok) return true;
  deps.service.refuseDecision(runId, body.user.id, access.reason);
  await tellEphemeral(client, deps.redact, audience, `:no_entry_sign: ${escapeMrkdwn(access.reason)}`);
  return false;
}
