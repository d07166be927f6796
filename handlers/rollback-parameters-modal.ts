// What happens when the rollback modal is submitted: bad values are shown on their fields, good ones become a rollback plan.
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { z } from 'zod';
import { rollbackModalId } from '../src/slack/blocks.js';
import { fieldErrors, formFields, modalValues, readMetadata, refusal, submittedValues, valuesAsSent } from '../src/slack/modal-values.js';
import type { SentForm } from '../src/commands/sent-form.js';
import { incidentThread } from '../src/slack/slack-refs.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellFormSender } from '../src/slack/tell-or-log.js';
import { recordIfRefused } from '../src/slack/refused-click.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import { commandValue } from '../src/commands/quote-value.js';
import { answerForm } from './answer-form.js';
import type { HandlerDeps } from './index.js';

const metadata = z.object({ run: z.string() });

export function registerRollbackParametersModal(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.view(rollbackModalId, async ({ ack, view, body, client }) => {
    let params: Record<string, string> = {};
    let errors: Record<string, string> | undefined;
    let runId = '';
    let form: SentForm | undefined;
    let audience = { channel: '', user: body.user.id, threadTs: undefined as string | undefined };
    let known: string | undefined;
    // Never fails: what Slack will not show them is logged with a reference.
    const tellThem = (text: string) => tellFormSender(client, deps.redact, deps.logger, audience, text, { action: 'rollback-modal', incident: known });
    try {
      params = modalValues(submittedValues(view));
      runId = readMetadata(view.private_metadata, metadata).run;
      form = { of: 'rollback', run: runId, values: valuesAsSent(submittedValues(view)) };
      const incident = deps.service.incident(deps.service.run(runId).incidentId);
      known = incident.id;
      const names = deps.service.rollbackParameters(runId);
      const thread = incidentThread(incident);
      audience = { ...audience, channel: thread?.channel ?? '', threadTs: thread?.ts };
      errors = await fieldErrors(params, () => deps.service.checkRollbackParameters(runId, params), names, Object.keys(formFields(view)));
    } catch (error) {
      errors = refusal(formFields(view), describeFailure(error, deps.logger, { action: 'rollback-modal' }));
    }
    const typed = `modal: rollback ${runId}${Object.entries(params).map(([k, v]) => ` ${k}=${commandValue(v)}`).join('')}`;
    await answerForm(deps, { ack, client, user: body.user.id, audience, typed, form, errors, incident: known });
    if (errors) return;
    const tell = (error: unknown) => {
      recordIfRefused(deps.service, { user: body.user.id, command: typed, incident: known }, error);
      return tellThem(describeFailure(error, deps.logger, { action: 'rollback-modal' }));
    };
    try {
      const propose = async () => {
        await deps.access.requireRequester(body.user.id);
        const proposed = await deps.service.proposeRollback(runId, body.user.id, params);
        // Slack refused the plan for good: a form's submission has no response URL, so it is said as a form's refusal is.
        await tellIfNotShown(deps.service.run(proposed.id), tellThem);
      };
      deps.queue.push(`rollback ${runId}`, () => propose().then(() => undefined, tell), { urgent: true });
    } catch (error) {
      await tell(error);
    }
  });
}
