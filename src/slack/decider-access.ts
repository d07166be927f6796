// Whether whoever clicked a decision button (approve, reject, approve unlock) may decide: Slack's word on their
// workspace, guest status and the user groups of DATABOX_APPROVERS they are in, and, for an approval, a click still
// fresh. A refusal is journaled against the plan and told to the clicker alone.
import type { Decided, IncidentService } from '../incidents/service.js';
import { clickerOf, type SlackAccess } from './access.js';
import type { SlackDeliveryWatch } from './delivery-watch.js';
import { lateClickReason } from './late-click.js';
import { couldBeSamePerson } from '../incidents/same-person.js';
import type { Incident } from '../incidents/state.js';
import { incidentThread, runMessage } from './slack-refs.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { formatDuration } from '../format-duration.js';

export interface DeciderAccessDeps {
  access: SlackAccess;
  service: IncidentService;
  delivery?: SlackDeliveryWatch;
}

/**
 * Said to the clicker whose check of who clicked has not answered in a moment: the wait Slack asked for (a 429), or
 * else that Slack is slow to answer, and how long the bot waits for it.
 */
async function tellWhySlow(deps: DeciderAccessDeps, tell: (text: string) => Promise<unknown>): Promise<void> {
  const waiting = deps.delivery?.clickNote(deps.service.config.approvalClickMaxAgeMs);
  await tell(
    waiting ??
      `:hourglass_flowing_sand: Slack is slow to say who you are (users.info); the click is being checked. You are told here if it is refused; the bot waits up to ${formatDuration(deps.access.answerWithinMs)} for Slack's answer.`,
  );
}

/** How long a click's own check may take before the clicker is told why it waits. */
const slowCheckMs = 2_000;

/**
 * Tells the clicker at once of a wait Slack asked for (a 429), and, if there was none then, says why the click waits
 * once its check has taken a moment: the click's own question to Slack (who clicked) may be the call that meets the
 * 429, and only then does the bot know of the wait; or Slack is simply slow to answer, and the clicker would otherwise
 * hear nothing until the client's timeout. Returns what stops the second look, called once the click's check has answered.
 */
export function tellIfSlackMakesItWait(deps: DeciderAccessDeps, tell: (text: string) => Promise<unknown>, onError: (error: unknown) => void): () => void {
  const now = deps.delivery?.clickNote(deps.service.config.approvalClickMaxAgeMs);
  if (now) {
    void tell(now).catch(onError);
    return () => undefined;
  }
  const later = setTimeout(() => void tellWhySlow(deps, tell).catch(onError), slowCheckMs);
  later.unref();
  return () => clearTimeout(later);
}

/**
 * `tell`: how the clicker alone is told; `of`: what the button does (approve or reject a plan, approve its unlock); `clickedAt`: when an
 * approval's click came, checked once Slack has answered who clicked (the wait that can make it late), right before
 * what it approves starts; `askWhoClicked: false` for a requester withdrawing their own plan, which needs no more of
 * Slack's word than that the click was in the plan's thread. Returns, when the click may go on to the policy, the
 * user groups of DATABOX_APPROVERS Slack says the clicker is in (`memberOf`, for it to weigh); undefined when refused.
 */
export async function mayDecide(
  deps: DeciderAccessDeps,
  body: ClickBody,
  runId: string,
  tell: (text: string) => Promise<unknown>,
  { of, clickedAt, askWhoClicked = true }: { of: Decided; clickedAt?: number; askWhoClicked?: boolean },
): Promise<{ memberOf: readonly string[] } | undefined> {
  const misplaced = of !== 'unlock' ? notOnItsMessage(deps.service, runId, body) : undefined;
  // The requester approving their own plan is refused by the two-person rule whatever Slack says of them: asked first,
  // Slack's trouble listing a group would hide that rule behind a "try again" that could never succeed.
  const refusedAsRequester = of === 'approve' && ownPlanNeedingTeammate(deps.service, runId, body.user.id);
  const access = misplaced || !askWhoClicked || refusedAsRequester ? undefined : await deps.access.mayApprove(clickerOf(body));
  const reason = misplaced ?? (access?.ok ? clickedAt !== undefined && lateClickReason(clickedAt, Date.now(), deps.service.config.approvalClickMaxAgeMs) : access?.reason);
  if (!reason) return { memberOf: access?.ok ? access.memberOf : [] };
  deps.service.refuseDecision(runId, body.user.id, reason, of);
  await tell(`:no_entry_sign: ${escapeMrkdwn(reason)}`);
  return undefined;
}

/** Whether `clicker` requested this plan and it needs someone else's approval (DATABOX_ALLOW_SELF_APPROVAL off): the policy refuses them. */
function ownPlanNeedingTeammate(service: IncidentService, runId: string, clicker: string): boolean {
  const run = service.state.runs.get(runId);
  return Boolean(run?.needsTeammate && !service.config.allowSelfApproval && couldBeSamePerson(clicker, run.requestedBy));
}

/** A click as a block_actions payload describes it: who, and the message the button was on. */
export type ClickBody = Parameters<typeof clickerOf>[0] & { channel?: { id: string }; container?: { message_ts?: string }; message?: { ts: string; thread_ts?: string } };

/**
 * A decision button is on its plan's message in its incident's thread: one whose value names a plan shown in another
 * channel or thread was not given by the bot to that button, and the clicker never saw what it would approve there. A
 * second copy of the plan in its own thread (posted again when Slack's answer to the first was lost, or after a crash)
 * shows the same plan, and its hash binds the click to it, so it decides as the recorded one does.
 */
function notOnItsMessage(service: IncidentService, runId: string, body: ClickBody): string | undefined {
  const run = service.state.runs.get(runId);
  if (!run) return undefined;
  const shown = runMessage(run);
  const thread = incidentThread(service.state.incidents.get(run.incidentId) as Incident);
  // Neither recorded (Slack's answers to both posts lost): nothing to hold the click to but its hash.
  if (!shown && !thread) return undefined;
  const clickedOn = { channel: body.channel?.id, ts: body.container?.message_ts ?? body.message?.ts };
  if (shown && clickedOn.channel === shown.channel && clickedOn.ts === shown.ts) return undefined;
  if (thread && inThread(thread, body)) return undefined;
  return `this button is not in plan ${runId}'s incident thread, so it does not decide that plan: click Approve or Reject on the plan's message in its own thread`;
}

/** Whether a click was on a message in this thread (its replies carry the thread's ts; so does its root message). */
export function inThread(thread: { channel: string; ts: string }, body: Pick<ClickBody, 'channel' | 'message'>): boolean {
  return body.channel?.id === thread.channel && (body.message?.thread_ts ?? body.message?.ts) === thread.ts;
}
