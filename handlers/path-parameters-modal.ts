// What happens when the recovery-path modal is submitted: bad values are shown on their fields, good ones become a plan.
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { parametersModalId } from '../src/slack/blocks.js';
import { checkedWithDiagnosedDefaults, explainMissingInForm, withDiagnosedDefaults } from '../src/incidents/diagnosed-defaults.js';
import { requiredOn } from '../src/incidents/path-requires.js';
import { fieldErrors, formFields, modalValues, readMetadata, refusal, submittedValues, valuesAsSent } from '../src/slack/modal-values.js';
import type { SentForm } from '../src/commands/sent-form.js';
import { incidentThread } from '../src/slack/slack-refs.js';
import { refuseOlderVerdict } from '../src/incidents/older-verdict.js';
import { describeFailure, samePlanWaitingReason, samePlanWaitingText } from '../src/slack/tell.js';
import { tellFormSender } from '../src/slack/tell-or-log.js';
import { recordIfRefused } from '../src/slack/refused-click.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import { commandValue } from '../src/commands/quote-value.js';
import { answerForm } from './answer-form.js';
import type { HandlerDeps } from './index.js';

/** `diagnosed`: fields too long to prefill (blocks.ts recoveryPathModal), which left empty take the diagnosis' value. */
/** `diagnosis`: the verdict the form was opened from (absent on forms opened before it was said). */
const metadata = z.object({ incident: z.string(), path: z.string(), diagnosed: z.string().optional(), diagnosis: z.string().optional() });

export function registerPathParametersModal(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.view(parametersModalId, async ({ ack, view, body, client }) => {
    let params: Record<string, string> = {};
    let errors: Record<string, string> | undefined;
    let start: (() => Promise<unknown>) | undefined;
    let audience = { channel: '', user: body.user.id, threadTs: undefined as string | undefined };
    let known: string | undefined;
    // What the form stands for, as the command one would type (its scenario and path once known): the record's words.
    let asTyped = 'recover';
    let form: SentForm | undefined;
    // Never fails: what Slack will not show them is logged with a reference.
    const tellThem = (text: string) => tellFormSender(client, deps.redact, deps.logger, audience, text, { action: 'modal', incident: known });
    try {
      // Cleared fields are kept (as ""): one the diagnosis had filled in is refused, not silently filled in again.
      params = modalValues(submittedValues(view), { keepEmpty: true });
      const { incident: incidentId, path, diagnosed, diagnosis } = readMetadata(view.private_metadata, metadata);
      form = { of: 'path', path, values: valuesAsSent(submittedValues(view)) };
      // A field the form could not prefill, left empty, takes what the diagnosis found, as its hint says.
      for (const name of diagnosed?.split(',') ?? []) if (params[name] === '') delete params[name];
      const incident = deps.service.incident(incidentId);
      known = incident.id;
      const rb = deps.service.runbook(incident.scenario);
      asTyped = `recover ${incident.scenario} path=${path}`;
      const recovery = deps.service.recoveryPath(rb, path);
      const thread = incidentThread(incident);
      audience = { ...audience, channel: thread?.channel ?? '', threadTs: thread?.ts };
      // A form opened on a verdict a newer diagnosis replaced since: its values were prefilled from the older one.
      if (diagnosis !== undefined) refuseOlderVerdict(incident, diagnosis, 'form');
      // A form opened before the database changed (another plan ran since): refused on the form, which stays open.
      const stale = deps.service.staleForPath(incident.id, recovery);
      if (stale) throw new UserError(stale);
      // Values are checked before the modal closes, so a wrong value is shown on its own field.
      errors = await fieldErrors(
        params,
        // A field cleared is refused with the others' problems: every field's shown at once.
        () =>
          checkedWithDiagnosedDefaults(
            () => withDiagnosedDefaults(recovery, rb.parameters, incident, params, 'form'),
            (given) => deps.service.checkParameters(rb, recovery.parameters, given, requiredOn(recovery, incident.diagnosis, deps.service.now())),
            // A value left out because the diagnosis found none needed that day, a day now over, is said so.
            (error) => explainMissingInForm(error, incident, { recovery, now: deps.service.now() }),
          ),
        recovery.parameters,
        Object.keys(formFields(view)),
      );
      start = async () => {
        await deps.access.requireRequester(body.user.id);
        const { run, alreadyWaiting } = await deps.service.start({ verb: 'recover', scenario: incident.scenario, path, params, incident: incidentId, ...(diagnosis !== undefined && { chosenOn: { diagnosis, clicked: 'form' as const } }) }, body.user.id, 'slack');
        // Slack refused the plan for good: a form's submission has no response URL, so it is said as a form's refusal is.
        const notShown = await tellIfNotShown(run && deps.service.run(run.id), tellThem);
        // The same plan was already waiting (the form sent twice, or a terminal's plan): that one is the one to approve.
        // The form is on the record too, as one that proposed nothing, so the postmortem shows who sent it again.
        if (run && alreadyWaiting) {
          void deps.service.recordRefusal(body.user.id, { command: typed, incident: incidentId, reason: samePlanWaitingReason(run.id) });
          if (!notShown) await tellThem(samePlanWaitingText(run.id));
        }
      };
    } catch (error) {
      errors = refusal(formFields(view), describeFailure(error, deps.logger, { action: 'modal' }));
    }
    const typed = `modal: ${asTyped}${Object.entries(params).map(([k, v]) => ` ${k}=${commandValue(v)}`).join('')}`;
    await answerForm(deps, { ack, client, user: body.user.id, audience, typed, form, errors, incident: known });
    if (errors || !start) return;
    const run = start;
    const tell = (error: unknown) => {
      recordIfRefused(deps.service, { user: body.user.id, command: typed, incident: known }, error);
      return tellThem(describeFailure(error, deps.logger, { action: 'modal' }));
    };
    try {
      deps.queue.push('propose from modal', () => run().then(() => undefined, tell));
    } catch (error) {
      await tell(error);
    }
  });
}
