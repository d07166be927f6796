// What happens when an alert's "Paused on purpose" form is submitted: bad values shown on their fields, good ones silence its reminders until then.
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { silenceModalId } from '../src/slack/blocks.js';
import { commandValue } from '../src/commands/quote-value.js';
import { formFields, modalValues, readMetadata, refusal, submittedValues } from '../src/slack/modal-values.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellFormSender } from '../src/slack/tell-or-log.js';
import { recordIfRefused } from '../src/slack/refused-click.js';
import { silenceUntil } from '../src/watchers/silence-until.js';
import { answerForm } from './answer-form.js';
import type { HandlerDeps } from './index.js';

const metadata = z.object({ channel: z.string().max(30), ts: z.string().max(30), watcher: z.enum(['daemon', 'schedules', 'disk', 'marts', 'database']) });

export function registerSilenceAlertModal(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.view(silenceModalId, async ({ ack, view, body, client }) => {
    const user = body.user.id;
    let values: Record<string, string> = {};
    let errors: Record<string, string> | undefined;
    let until: Date | undefined;
    let alert = { channel: '', ts: '' };
    let watcher: z.infer<typeof metadata>['watcher'] = 'schedules';
    try {
      values = modalValues(submittedValues(view));
      ({ watcher, ...alert } = readMetadata(view.private_metadata, metadata));
      if (!values.reason) errors = { reason: 'say why it is so on purpose: it goes on the alert and the record' };
      try {
        until = silenceUntil(values.until ?? '', deps.watch?.now() ?? new Date());
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        errors = { ...errors, until: error.message };
      }
    } catch (error) {
      errors = refusal(formFields(view), describeFailure(error, deps.logger, { action: 'silence-modal' }));
    }
    const audience = { channel: alert.channel, user, threadTs: alert.ts || undefined };
    const typed = `modal: silence ${watcher} alert reason=${commandValue(values.reason ?? '')} until=${commandValue(values.until ?? '')}`;
    await answerForm(deps, { ack, client, user, audience, typed, errors });
    if (errors || !until) return;
    const silenceUntilThen = until;
    const tell = (error: unknown) => {
      recordIfRefused(deps.service, { user, command: typed }, error);
      // Never fails: what Slack will not show them is logged with a reference.
      return tellFormSender(client, deps.redact, deps.logger, audience, describeFailure(error, deps.logger, { action: 'silence-modal' }), { action: 'silence-modal' });
    };
    deps.queue.push(
      `silence ${watcher} alert`,
      async () => {
        try {
          await deps.access.requireRequester(user);
          if (!deps.watch) throw new UserError('this bot runs no watchers: nothing was silenced');
          await deps.watch.silence(alert, watcher, user, values.reason as string, silenceUntilThen);
        } catch (error) {
          await tell(error);
        }
      },
      { urgent: true },
    );
  });
}
