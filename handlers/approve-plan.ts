// What happens when someone clicks Approve: check who clicked and the policy, replace the buttons, run the exact plan.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { planButton, readButtonValue } from '../src/slack/button-value.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellWithoutWaiting } from '../src/slack/tell-or-log.js';
import { mayDecide, tellIfSlackMakesItWait } from '../src/slack/decider-access.js';
import type { HandlerDeps } from './index.js';
import { actionIds } from '../src/slack/blocks.js';
import { saidInSlack } from '../src/slack/mentions.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import { overtakesWarning } from '../src/incidents/approval-policy.js';
import { plansItWouldVoid } from '../src/incidents/plans-it-would-void.js';

export function registerApprovePlan(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.approve, async ({ ack, body, action, client, respond }) => {
    await ack();
    const clickedAt = Date.now();
    // Its uses counted: an approval's link is kept to tell the approver what Slack will not show in the thread later.
    const replyLink = deps.replyLinks?.counted(respond);
    const audience = {
      channel: body.channel?.id ?? '',
      user: body.user.id,
      threadTs: body.message?.thread_ts ?? body.message?.ts,
      respond: replyLink?.respond ?? respond,
    };
    // Told without waiting for Slack: the job holds an urgent place in the queue, which a 429 must not keep.
    const tell = (text: string) => tellWithoutWaiting(client, deps.redact, deps.logger, audience, text, { action: 'approve' });
    const fail = (error: unknown, runId?: string) => tell(describeFailure(error, deps.logger, { action: 'approve', runId }));
    try {
      const { run: runId, hash } = readButtonValue(action.value, planButton);
      // Through the click's response URL, which a 429 of the Web API does not hold up.
      const checked = tellIfSlackMakesItWait(
        deps,
        (text) => audience.respond({ response_type: 'ephemeral', replace_original: false, text }),
        (error: unknown) => deps.logger.warn({ err: error, runId }, "could not tell a clicker that Slack asked the bot to wait"),
      );
      // An approval never waits behind diagnoses: it is queued as urgent, and starts at once.
      deps.queue.push(
        `approve ${runId}`,
        async () => {
          try {
            // Who the clicker is (workspace, guest) is Slack's to say: asked before the plan is looked at, refused on the record.
            const decider = await mayDecide(deps, body, runId, tell, { of: 'approve', clickedAt }).finally(checked);
            if (!decider) return;
            // Who waits beside it on its database, proposed before it or after, read before it runs and voids them.
            const waiting = deps.service.state.runs.get(runId);
            const voids = waiting ? plansItWouldVoid(deps.service.state, waiting, deps.service.now()) : [];
            const decision = deps.service.approve(runId, hash, body.user.id, decider.memberOf);
            if (!decision.ok) {
              await tell(`:no_entry_sign: ${saidInSlack(decision.reason)}`);
              // An expired plan's buttons are replaced so nobody else clicks them.
              if (decision.run?.status === 'expired') void deps.service.announceDecision(decision.run).catch((error: unknown) => deps.logger.warn({ err: error, runId }, 'could not replace the buttons'));
              return;
            }
            if (replyLink) deps.replyLinks?.keep(runId, replyLink);
            // Slack being slow or down must not stop an approved plan, nor keep its job (and a worker) once it has run:
            // the buttons are replaced on a best-effort basis, not waited for. The outbox queues the update now, so it
            // still comes before anything the run shows after it.
            void deps.service.announceDecision(decision.run!).catch((error: unknown) => deps.logger.warn({ err: error, runId }, 'could not replace the buttons'));
            // The approver is told what the plan's message may not have said: a plan proposed after it waits beside it.
            const voided = overtakesWarning(decision.run!, voids);
            if (voided) void tell(`:warning: Approved. ${escapeMrkdwn(voided)}`);
            await deps.service.executeApproved(runId);
          } catch (error) {
            await fail(error, runId);
          }
        },
        { urgent: true },
      );
    } catch (error) {
      await fail(error);
    }
  });
}
