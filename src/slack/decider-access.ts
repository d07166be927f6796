// Whether whoever clicked a decision button (approve, reject, approve unlock) may decide: Slack's word on their
// workspace and guest status. A refusal is journaled against the plan and told to the clicker alone.
import type { IncidentService } from '../incidents/service.js';
import { clickerOf, type SlackAccess } from './access.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface DeciderAccessDeps {
  access: SlackAccess;
  service: IncidentService;
}

/** `tell`: how the clicker alone is told; `of`: what the button decides on (a plan, or its unlock). */
export async function mayDecide(
  deps: DeciderAccessDeps,
  body: Parameters<typeof clickerOf>[0],
  runId: string,
  tell: (text: string) => Promise<unknown>,
  of: 'plan' | 'unlock' = 'plan',
): Promise<boolean> {
  const access = await deps.access.mayApprove(clickerOf(body));
  if (access.ok) return true;
  deps.service.refuseDecision(runId, body.user.id, access.reason, of);
  await tell(`:no_entry_sign: ${escapeMrkdwn(access.reason)}`);
  return false;
}
