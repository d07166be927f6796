// What happens when someone clicks "Roll back…": a plan needing approval like any recovery, after a modal for its options if it has any.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { actionIds, rollbackModal } from '../src/slack/blocks.js';
import { readButtonValue, rollbackButton } from '../src/slack/button-value.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { incidentOfRun, recordIfRefused, refusedClick } from '../src/slack/refused-click.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import { UserError } from '../src/errors.js';
import { slackCodeOf, slackTrouble } from '../src/slack/slack-trouble.js';
import { cli } from '../src/commands/terminal-commands.js';
import type { HandlerDeps } from './index.js';

export function registerRequestRollback(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.rollback, async ({ ack, body, action, client, respond }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    let runId: string | undefined;
    const fail = async (error: unknown) => {
      // A refusal is on the record too (a second rollback, a plan that is not a recovery, someone not allowed).
      recordIfRefused(deps.service, refusedClick(body.user.id, action, runId === undefined ? undefined : incidentOfRun(runId)), error);
      // Never fails: Slack refusing chat.postEphemeral, the click's reply link is tried, then the log.
      await tellClicker(client, deps.redact, deps.logger, audience, describeFailure(error, deps.logger, { action: 'rollback' }), { action: 'rollback', run: runId });
    };
    try {
      const { run } = readButtonValue(action.value, rollbackButton);
      runId = run;
      const names = deps.service.rollbackParameters(run);
      if (names.length > 0) {
        // The modal must open within Slack's trigger window; what helps fill it in (its inspect steps' output) follows in
        // the thread. Who may ask is checked after (users.info may wait out a Retry-After), and again on submission.
        const rb = deps.service.runbook(deps.service.incident(deps.service.run(run).incidentId).scenario);
        await client.views.open({ trigger_id: body.trigger_id, view: rollbackModal(deps.service.run(run), names, rb.parameters) as never }).catch((error: unknown) => {
          throw formRefused(error, run);
        });
        deps.queue.push(`inspect before rollback ${run}`, async () => {
          try {
            await deps.access.requireRequester(body.user.id);
            await deps.service.inspectRollback(run, body.user.id);
          } catch (error) {
            await fail(error);
          }
        }, { urgent: true });
        return;
      }
      deps.queue.push(`rollback ${run}`, async () => {
        try {
          await deps.access.requireRequester(body.user.id);
          const proposed = await deps.service.proposeRollback(run, body.user.id);
          // Slack refused the plan for good: said through the click's response URL, which the channel does not gate.
          await tellIfNotShown(deps.service.run(proposed.id), (text) => respond({ response_type: 'ephemeral', replace_original: false, text: deps.redact(text) }));
        } catch (error) {
          await fail(error);
        }
      }, { urgent: true });
    } catch (error) {
      await fail(error);
    }
  });
}

/** Slack's refusal to open the form (an expired trigger, a view it will not take), said as what the operator can do instead; its trouble (a timeout) as it is. */
function formRefused(error: unknown, run: string): unknown {
  const code = slackCodeOf(error);
  if (!code || slackTrouble(error)) return error;
  return new UserError(`Slack would not open the rollback's form (${code}), so nothing was proposed: click *Roll back…* again for a new form, or a terminal proposes the rollback, \`${cli} rollback ${run}\``);
}
