// Whether whoever clicked a decision button (approve, reject, approve unlock) may decide: Slack's word on their
// workspace and guest status, and, for an approval, a click still fresh. A refusal is journaled against the plan and
// told to the clicker alone.
import type { IncidentService } from '../incidents/service.js';
import { clickerOf, type SlackAccess } from './access.js';
import type { SlackDeliveryWatch } from './delivery-watch.js';
import { lateClickReason } from './late-click.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface DeciderAccessDeps {
  access: SlackAccess;
  service: IncidentService;
  delivery?: SlackDeliveryWatch;
}

/** Said to the clicker at once, before the click waits in the queue or on Slack, while Slack asks the bot to wait. */
export async function tellIfSlackWaits(deps: DeciderAccessDeps, tell: (text: string) => Promise<unknown>): Promise<void> {
  const note = deps.delivery?.clickNote(deps.service.config.approvalClickMaxAgeMs);
  if (note) await tell(note);
}

/**
 * `tell`: how the clicker alone is told; `of`: what the button decides on (a plan, or its unlock); `clickedAt`: when an
 * approval's click came, checked once Slack has answered who clicked (the wait that can make it late), right before
 * what it approves starts.
 */
export async function mayDecide(
  deps: DeciderAccessDeps,
  body: Parameters<typeof clickerOf>[0],
  runId: string,
  tell: (text: string) => Promise<unknown>,
  of: 'plan' | 'unlock' = 'plan',
  clickedAt?: number,
): Promise<boolean> {
  const access = await deps.access.mayApprove(clickerOf(body));
  const reason = access.ok ? clickedAt !== undefined && lateClickReason(clickedAt, Date.now(), deps.service.config.approvalClickMaxAgeMs) : access.reason;
  if (!reason) return true;
  deps.service.refuseDecision(runId, body.user.id, reason, of);
  await tell(`:no_entry_sign: ${escapeMrkdwn(reason)}`);
  return false;
}
